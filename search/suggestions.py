"""Suggestions while typing: entry titles for what has been typed so far."""

import logging
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from elasticsearch import ApiError, TransportError

from archive import transliteration
from archive.listing import visible_entries
from archive.models import EntryPage
from search.client import get_client, index_alias, search_enabled
from search.query import clean_query_text
from search.refusals import is_refusal, record_refusal

logger = logging.getLogger("memoria.search")

# The most suggestions shown at once; the search page's announcements are written for each count.
MAX_SUGGESTIONS = 8


@dataclass
class Suggestion:
    text: str
    url: str
    type: str
    language: str


def suggest_entries(prefix, language=None, reader_language=None, limit=MAX_SUGGESTIONS):
    """Entry titles for what has been typed so far; the reader's language first.

    Elasticsearch: the completion field (the title and the names from their start; fuzzy, so a
    typo still suggests), then, in the same request, the entries whose title or names have a word
    that starts with what was typed ("Grünebaum" finds "Stolperstein für … Grünebaum") or is it
    but for a typo. The database: Wagtail's autocomplete. The index holds only public entries;
    the database query starts from visible_entries, so neither suggests a draft or a private page.
    """
    prefix = clean_query_text(prefix)[:100]
    if len(prefix) < 2:
        return []
    if search_enabled():
        try:
            return _suggest_from_index(prefix, language, reader_language, limit)
        except (TransportError, ApiError) as error:
            if is_refusal(error):
                record_refusal()
                logger.error("Elasticsearch refused the suggestion request, suggesting from the database: %s", error)
            else:
                logger.warning("Elasticsearch unavailable, suggesting from the database: %s", error)
    return _suggest_from_database(prefix, language, limit)


# Where a suggestion may match a word inside the title or a name, not only their start.
SUGGEST_WORD_FIELDS = ["title.folded", "people"]


def _suggest_from_index(prefix, language, reader_language, limit):
    # Fetch more than shown: one entry's versions and the other language are dropped below.
    size = limit * 4
    words = {
        "bool": {
            "should": [
                # Every word, the last as typed so far: "Abraham Grün", "Grüneb".
                {
                    "multi_match": {
                        "query": prefix,
                        "type": "bool_prefix",
                        "fields": SUGGEST_WORD_FIELDS,
                        "operator": "and",
                    }
                },
                # Whole words with a typo: "Tiergrten". As the completion: none below four letters.
                {
                    "multi_match": {
                        "query": prefix,
                        "fields": SUGGEST_WORD_FIELDS,
                        "operator": "and",
                        "fuzziness": "AUTO:4,6",
                        "prefix_length": 1,
                        "max_expansions": 20,
                    }
                },
            ],
            "minimum_should_match": 1,
            "filter": [{"term": {"language": language}}] if language else [],
        }
    }
    response = get_client().search(
        index=index_alias(),
        size=size,
        track_total_hits=False,
        source=["title", "url", "type", "language", "translation_key"],
        query=words,
        suggest={
            "titles": {
                "prefix": prefix,
                "completion": {
                    "field": "suggest",
                    "size": size,
                    "skip_duplicates": True,
                    # unicode_aware: edits and lengths in letters; in bytes, a Cyrillic letter
                    # counts twice and "Кал" completed "Камень" at one edit.
                    "fuzzy": {"fuzziness": "AUTO", "min_length": 4, "prefix_length": 2, "unicode_aware": True},
                },
            }
        },
    )
    # Completions of the title's or a name's start first, then the entries with a word inside.
    found = response["suggest"]["titles"][0]["options"] + response["hits"]["hits"]
    # The index follows the database through the outbox, a moment later: what the database no
    # longer shows (unpublished, restricted, consent withdrawn) is not suggested meanwhile either.
    public = set(visible_entries().filter(pk__in={int(hit["_id"]) for hit in found}).values_list("pk", flat=True))
    options = [hit["_source"] for hit in found if int(hit["_id"]) in public]
    if language:
        options = [option for option in options if option["language"] == language]
    # Stable sort: the order above within each language.
    options.sort(key=lambda option: option["language"] != reader_language)
    seen, suggestions = set(), []
    for option in options:
        if option["translation_key"] in seen:
            continue
        seen.add(option["translation_key"])
        suggestions.append(Suggestion(option["title"], option["url"], option["type"], option["language"]))
    return suggestions[:limit]


def _suggest_from_database(prefix, language, limit):
    # Words only: a quote or an operator is syntax to SQLite's and PostgreSQL's full-text search.
    words = " ".join(transliteration.words(prefix))
    if len(words) < 2:
        return []
    entries = visible_entries()
    if language:
        entries = entries.filter(locale__language_code=language)
    # The backend sees only an id filter (it can filter on the page's own indexed fields only).
    pages = EntryPage.objects.filter(pk__in=entries.values("pk")).specific().autocomplete(words)[:limit]
    pages = list(pages)
    prefetch_related_objects(pages, "locale")
    return [Suggestion(page.title, page.url, page.entry_type, page.locale.language_code) for page in pages]
