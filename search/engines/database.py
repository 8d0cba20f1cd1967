"""The embedded default's engine: Wagtail's own search backend (the database one by default)."""

from django.core.paginator import Paginator
from wagtail.models import Locale
from wagtail.search.query import And, Or, PlainText

from archive import transliteration
from archive.listing import visible_entries
from archive.models import EntryPage
from archive.stemming import word_stems
from search.cards import public_versions
from search.engines.database_facets import count_facets
from search.forms import form_data
from search.highlight import highlight
from search.query import name_keys_per_word
from search.results import SearchHit, SearchResults


class DatabaseSearch:
    """Wagtail's own search backend (the database one by default)."""

    name = "database"

    def __init__(self, stems=True):
        # stems=False: each word as typed only, as before the stems (bench/relevance.py's baseline).
        self.stems = stems

    def search(self, text, form, language=None, page_number=1, page_size=20, reader_language=None):
        data = form_data(form)
        entries = visible_entries().filtered(data)
        if language:
            entries = entries.filter(locale__language_code=language)
        words = name_aware_query(text, stems=self.stems)
        sort = data.get("sort")
        by_date = ["date", "title"] if sort == "oldest" else ["-date", "title"]
        columns = EntryPage.objects.filter(pk__in=entries.values("pk")).order_by(*by_date)
        if words is not None:
            # Filters are applied as a subquery so the search backend sees only an id filter.
            found = columns.only("pk", "translation_key", "locale_id").search(
                words, operator="and", order_by_relevance=sort not in ("newest", "oldest")
            )
            versions = [(entry.pk, entry.translation_key, entry.locale_id) for entry in found]
        else:
            versions = list(columns.values_list("pk", "translation_key", "locale_id"))
        # Every version that matched is read (ids only), so that an entry is one result across
        # all the pages and the count is of entries, as Elasticsearch's collapse has it.
        paginator = Paginator(one_version_each(versions, _locale_id(reader_language)), page_size)
        page = paginator.get_page(page_number)
        matched = EntryPage.objects.filter(pk__in=page.object_list).specific().in_bulk()
        versions_of, cards = public_versions(list(matched), reader_language)
        hits = []
        for pk in page.object_list:
            if pk not in versions_of:
                continue  # withdrawn since the ids were read
            shown, others = versions_of[pk]
            # The reader's language first: that version is the result, the one that matched is linked.
            source = _snippet_source(matched[pk]) if shown == pk else cards[shown].summary
            hits.append(SearchHit(cards[shown], highlight(source, text), translations=[cards[o] for o in others]))
        return SearchResults(text, hits, page, paginator.count, self.name, facets=count_facets(versions))


def one_version_each(versions, reader_locale_id=None):
    """The ids of one version per entry, in the order of each entry's best match.

    versions: (page id, translation key, locale id) in the order found. Where the reader's
    language's version matched too, it stands for the entry; else the best-matching one.
    """
    chosen = {}
    for pk, key, locale_id in versions:
        current = chosen.get(key)
        if current is None or (locale_id == reader_locale_id and current[1] != reader_locale_id):
            chosen[key] = (pk, locale_id)
    return [pk for pk, _locale_id in chosen.values()]


def _locale_id(language):
    if not language:
        return None
    return Locale.objects.filter(language_code=language).values_list("pk", flat=True).first()


def name_aware_query(text, stems=True):
    """Every word of the text, also as its stem (EntryPage.stem_keys) and as the transliteration
    keys of a name (EntryPage.name_keys).

    The database backends have no phrase or operator syntax to offer, and an unbalanced quote
    is a syntax error to SQLite's full-text search: words only, combined as query objects.
    """
    words = [word.lower() for word in transliteration.words(text) if len(word) > 1]
    if not words:
        return None
    clauses = []
    for word, keys in zip(words, name_keys_per_word(words), strict=True):
        forms = list(dict.fromkeys([word, *(word_stems(word) if stems else []), *keys]))
        clauses.append(Or([PlainText(form) for form in forms]) if len(forms) > 1 else PlainText(word))
    return And(clauses)


def _snippet_source(entry):
    return " ".join(part for part in (entry.summary, entry.body_text, getattr(entry, "inscription", "")) if part)
