"""The one entry point for searching the archive.

The view and the API ask `search_entries`; which engine answers is a matter of
settings, not of the callers.
"""

import logging
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from elasticsearch import ApiError, TransportError

from archive.listing import filter_entries, visible_entries
from archive.models import EntryPage
from search.highlight import highlight, query_terms

logger = logging.getLogger("memoria.search")

MAX_QUERY_LENGTH = 500


@dataclass
class SearchHit:
    entry: object
    snippet: str
    score: float | None = None


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit]
    page: object
    count: int
    backend: str
    notes: list[str] = field(default_factory=list)
    facets: dict[str, list[dict]] = field(default_factory=dict)


def clean_query_text(text: str) -> str:
    """Control characters out, whitespace folded, length bounded: the engines get plain words."""
    text = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


class DatabaseSearch:
    """Wagtail's own search backend (the database one by default)."""

    name = "database"

    def search(self, text, form, language=None, page_number=1, page_size=20):
        entries = filter_entries(visible_entries(), form)
        if language:
            entries = entries.filter(locale__language_code=language)
        # The database backends have no phrase or operator syntax to offer, and an
        # unbalanced quote is a syntax error to SQLite's full-text search: words only.
        words = " ".join(query_terms(text))
        if words:
            # Filters are applied as a subquery so the search backend sees only an id filter.
            results = (
                visible_entries()
                .filter(pk__in=entries.values("pk"))
                .specific()
                .search(words, operator="and", order_by_relevance=True)
            )
        else:
            results = entries.specific().order_by("-date", "title")
        paginator = Paginator(results, page_size)
        page = paginator.get_page(page_number)
        entries = with_card_relations(page.object_list)
        hits = [SearchHit(entry, highlight(_snippet_source(entry), text)) for entry in entries]
        return SearchResults(text, hits, page, paginator.count, self.name)


def with_card_relations(entries):
    """What a result card shows of each entry (its language, city, image), in a query per relation."""
    entries = list(entries)
    prefetch_related_objects(entries, "locale", "city", "image")
    return entries


def _snippet_source(entry):
    return " ".join(part for part in (entry.summary, entry.body_text, getattr(entry, "inscription", "")) if part)


class ElasticsearchSearch:
    """The archive's own index (search.documents), with facets and highlighted snippets."""

    name = "elasticsearch"
    text_fields = [
        "title.de^3",
        "title.ru^3",
        "title.folded^2",
        "body.de",
        "body.ru",
        "body.folded",
        "city_names",
    ]
    facet_fields = {
        "type": "type",
        "city": "city",
        "theme": "themes",
        "tag": "tags",
        "language": "language",
        "decade": "decade",
        "has_media": "has_media",
    }
    max_window = 10_000

    def search(self, text, form, language=None, page_number=1, page_size=20):
        page_size = max(1, min(int(page_size), 100))
        number = _page_number(page_number, self.max_window // page_size)
        response = self._query(text, form, language, number, page_size)
        total = response["hits"]["total"]["value"]
        last = max(1, min(-(-total // page_size), self.max_window // page_size))
        if number > last:
            number = last
            response = self._query(text, form, language, number, page_size)
        paginator = Paginator(range(total), page_size)
        page = paginator.get_page(number)
        page.object_list = self._hits(response, text)
        return SearchResults(text, page.object_list, page, total, self.name, facets=self._facets(response))

    def _query(self, text, form, language, number, page_size):
        from search.client import get_client, index_alias

        body = {
            "query": {"bool": {"must": [self._text_query(text)], "filter": self._filters(form, language)}},
            "aggs": {name: {"terms": {"field": field, "size": 20}} for name, field in self.facet_fields.items()},
            "highlight": {
                "encoder": "html",
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "fields": {"body.*": {"fragment_size": 200, "number_of_fragments": 1}, "title.*": {}},
                "require_field_match": False,
            },
            "from": (number - 1) * page_size,
            "size": page_size,
            "track_total_hits": True,
            "_source": False,
        }
        if not text:
            body["sort"] = [{"date": {"order": "desc", "missing": "_last"}}, "_score"]
        return get_client().search(index=index_alias(), **body)

    def _text_query(self, text):
        if not text:
            return {"match_all": {}}
        # simple_query_string never fails on syntax: quotes make phrases, the rest is words.
        return {
            "simple_query_string": {
                "query": text,
                "fields": self.text_fields,
                "default_operator": "and",
                "flags": "PHRASE|WHITESPACE|PRECEDENCE",
            }
        }

    @staticmethod
    def _filters(form, language):
        data = form.cleaned_data if form is not None and form.is_bound and form.is_valid() else {}
        filters = []
        if language:
            filters.append({"term": {"language": language}})
        if data.get("type"):
            filters.append({"term": {"type": data["type"]}})
        if data.get("city"):
            filters.append({"term": {"city": data["city"].slug}})
        if data.get("theme"):
            filters.append({"term": {"themes": data["theme"]}})
        years = {}
        if data.get("date_from"):
            years["gte"] = f"{data['date_from']:04d}-01-01"
        if data.get("date_to"):
            years["lte"] = f"{data['date_to']:04d}-12-31"
        if years:
            filters.append({"range": {"date": years}})
        return filters

    @staticmethod
    def _hits(response, text):
        found = response["hits"]["hits"]
        ids = [int(hit["_id"]) for hit in found]
        entries = {entry.pk: entry for entry in with_card_relations(EntryPage.objects.filter(pk__in=ids).specific())}
        hits = []
        for hit in found:
            entry = entries.get(int(hit["_id"]))
            if entry is None:
                continue  # deleted since it was indexed; the outbox will remove it
            fragments = [
                fragment
                for field in sorted(hit.get("highlight", {}), key=_body_first)
                for fragment in hit["highlight"][field]
            ]
            snippet = mark_safe(fragments[0]) if fragments else highlight(_snippet_source(entry), text)  # noqa: S308 -- encoder "html"
            hits.append(SearchHit(entry, snippet, hit.get("_score")))
        return hits

    def _facets(self, response):
        return {
            name: [
                {
                    "value": bucket["key_as_string"] if "key_as_string" in bucket else bucket["key"],
                    "count": bucket["doc_count"],
                }
                for bucket in response["aggregations"][name]["buckets"]
            ]
            for name in self.facet_fields
        }


def _body_first(field_name):
    return (not field_name.startswith("body"), field_name)


def _page_number(value, last):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 1
    return max(1, min(number, max(last, 1)))


def get_search_engine():
    from search.client import search_enabled

    return ElasticsearchSearch() if search_enabled() else DatabaseSearch()


def search_entries(text, form, language=None, page_number=1, page_size=20):
    """Search with the configured engine; if Elasticsearch fails, the database answers, with a note."""
    text = clean_query_text(text)
    engine = get_search_engine()
    try:
        return engine.search(text, form, language, page_number, page_size)
    except (TransportError, ApiError) as error:
        if isinstance(engine, DatabaseSearch):
            raise
        logger.warning("Elasticsearch unavailable, answering from the database: %s", error)
        results = DatabaseSearch().search(text, form, language, page_number, page_size)
        results.notes.append(
            gettext("The full-text search is unavailable at the moment; these results come from a simpler search.")
        )
        return results
