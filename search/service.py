"""The one entry point for searching the archive.

The view and the API ask `search_entries`; which engine answers is a matter of
settings, not of the callers.
"""

import functools
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from elasticsearch import ApiError, TransportError
from wagtail.images import get_image_model
from wagtail.models import Locale
from wagtail.search.query import And, Or, PlainText

from archive.listing import filter_entries, visible_entries
from archive.models import EntryPage, PartnerCity
from search import transliteration
from search.documents import PageURLs
from search.highlight import highlight

logger = logging.getLogger("memoria.search")

MAX_QUERY_LENGTH = 500


@dataclass
class SearchHit:
    # An EntryCard: what a result shows of the entry version, without a page instance.
    entry: object
    snippet: str
    score: float | None = None
    # The entry's other public language versions (EntryCards), linked from the result.
    translations: list = field(default_factory=list)
    # False when only the vectors found it: no word of the query is in it.
    matched_text: bool = True
    # The names of the query's clauses it matched (Elasticsearch's matched_queries).
    matched: set = field(default_factory=set)


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit]
    page: object
    count: int
    backend: str
    notes: list[str] = field(default_factory=list)
    facets: dict[str, list[dict]] = field(default_factory=dict)
    # "Did you mean": the query spelled as the index knows it, when no entry matched its words.
    suggestion: str | None = None
    # Elasticsearch's own time for the request, in ms (None from the database).
    took: int | None = None


def clean_query_text(text: str) -> str:
    """Control characters out, whitespace folded, length bounded: the engines get plain words."""
    text = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


class DatabaseSearch:
    """Wagtail's own search backend (the database one by default)."""

    name = "database"

    def search(self, text, form, language=None, page_number=1, page_size=20, reader_language=None):
        entries = filter_entries(visible_entries(), form)
        if language:
            entries = entries.filter(locale__language_code=language)
        words = name_aware_query(text)
        sort = _cleaned(form).get("sort")
        by_date = ["date", "title"] if sort == "oldest" else ["-date", "title"]
        if words is not None:
            # Filters are applied as a subquery so the search backend sees only an id filter.
            results = (
                EntryPage.objects.filter(pk__in=entries.values("pk"))
                .specific()
                .order_by(*by_date)
                .search(words, operator="and", order_by_relevance=sort not in ("newest", "oldest"))
            )
        else:
            results = entries.specific().order_by(*by_date)
        paginator = Paginator(results, page_size)
        page = paginator.get_page(page_number)
        # The pages give the snippet's text; the cards, as for the index's hits, all a result shows.
        pages = {entry.pk: entry for entry in page.object_list}
        versions, cards = _public_versions(list(pages))
        hits = [
            SearchHit(
                card,
                highlight(_snippet_source(pages[card.pk]), text),
                translations=[cards[other] for other in versions[card.pk][1]],
            )
            for card in _one_version_each([cards[pk] for pk in pages if pk in versions], reader_language)
        ]
        return SearchResults(text, hits, page, paginator.count, self.name)


def _one_version_each(entries, reader_language):
    """One card per entry on a page, the reader's language first: the other version is linked.

    The database backends cannot group; this groups within the page (the count stays that of versions).
    """
    chosen = {}
    for entry in entries:
        current = chosen.get(entry.translation_key)
        if current is None or (
            entry.locale.language_code == reader_language and current.locale.language_code != reader_language
        ):
            chosen[entry.translation_key] = entry
    kept = {entry.pk for entry in chosen.values()}
    return [entry for entry in entries if entry.pk in kept]


def name_aware_query(text):
    """Every word of the text, each also as the transliteration keys of a name (EntryPage.name_keys).

    The database backends have no phrase or operator syntax to offer, and an unbalanced quote
    is a syntax error to SQLite's full-text search: words only, combined as query objects.
    """
    words = [word.lower() for word in transliteration.words(text) if len(word) > 1]
    if not words:
        return None
    return And(
        [
            Or([PlainText(word), *(PlainText(key) for key in keys if key != word)]) if keys else PlainText(word)
            for word, keys in zip(words, _word_keys(words, transliteration.query_keys), strict=True)
        ]
    )


def with_card_relations(entries):
    """What a result card shows of each entry (its language, city, image), in a query per relation."""
    entries = list(entries)
    prefetch_related_objects(entries, "locale", "city", "image")
    return entries


def _snippet_source(entry):
    return " ".join(part for part in (entry.summary, entry.body_text, getattr(entry, "inscription", "")) if part)


class ElasticsearchSearch:
    """The archive's own index (search.documents): text, transliteration, glossary and vectors.

    One request per page of results: the text clauses in `query`, the entry vectors in `knn`
    (Elasticsearch adds the two scores; the weights are settings measured by
    bench/relevance.py), `collapse` on the translation key so an entry's German and Russian
    versions are one result (counted as entries; facets count versions), highlighting and the
    term suggester for "did you mean".

    `retrieval` ("hybrid", "text" or "vector") and `glossary` exist for the relevance bench;
    the site uses the settings' defaults.
    """

    name = "elasticsearch"
    text_fields = [
        "title^3",
        "title.folded^2",
        "summary^1.5",
        "body",
        "body.folded",
        "people^2",
        "people.de^2",
        "place",
        "city_names",
    ]
    # Typo tolerance on the fields that keep words as written (stemmed forms are no spelling), and
    # not on the body: fuzzy terms over its dictionary doubled a query's time on 100,000 entries
    # (bench/search_latency.py); a typo in a body word gets "did you mean" instead.
    fuzzy_fields = ["title.folded^2", "people", "place", "city_names"]
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
    retrievals = ("hybrid", "text", "vector")

    def __init__(self, retrieval=None, glossary=None, client=None):
        self.retrieval = retrieval or settings.MEMORIA_SEARCH_RETRIEVAL
        if self.retrieval not in self.retrievals:
            raise ValueError(f"retrieval must be one of {self.retrievals}, not {self.retrieval!r}")
        self.glossary = settings.MEMORIA_SEARCH_GLOSSARY if glossary is None else glossary
        self.client = client

    def search(self, text, form, language=None, page_number=1, page_size=20, reader_language=None):
        page_size = max(1, min(int(page_size), 100))
        number = _page_number(page_number, self.max_window // page_size)
        data = _cleaned(form)
        body = self.request_body(text, data, language, reader_language, number, page_size)
        response = self._send(body)
        spelling = None
        if text and not _any_exact_match(response):
            # The words as typed find nothing (here). Typo tolerance then, but only when a near
            # spelling matches at all: else the answer would be the first one again, at three
            # times its cost (fuzzy clauses, highlighting them over the hits found by meaning;
            # bench/search_latency.py on 100,000 entries). The probe brings "did you mean".
            spelling = self._send(self.spelling_probe(text, data, language))
            if self.retrieval != "vector" and spelling["hits"]["total"]["value"]:
                body = self.request_body(text, data, language, reader_language, number, page_size, typos=True)
                response = self._send(body)
        total = _groups(response)
        last = max(1, min(-(-total // page_size), self.max_window // page_size))
        if number > last:
            number = last
            body["from"] = (number - 1) * page_size
            body.get("knn", {})["k"] = max(body.get("knn", {}).get("k", 0), number * page_size)
            response = self._send(body)
            total = _groups(response)
        paginator = Paginator(range(total), page_size)
        page = paginator.get_page(number)
        page.object_list = self._hits(response, text, reader_language)
        results = SearchResults(text, page.object_list, page, total, self.name, facets=self._facets(response))
        # Found only with typos forgiven, or only by meaning: offer the spelling the archive knows.
        if spelling and not any(hit.matched & EXACT_CLAUSES for hit in page.object_list):
            results.suggestion = did_you_mean(text, spelling)
        results.took = response.get("took")
        return results

    def spelling_probe(self, text, data, language):
        """Whether the words, typos forgiven, match an entry the filters let through; and near spellings.

        No hits, no scoring: `hits.total` is 1 or 0, `suggest.did_you_mean` holds, per word, the
        most frequent spelling of the index within two edits (the term suggester).
        """
        query = {"bool": {"filter": [self.text_query(text, typos=True), *self._filters(data, language)]}}
        return {
            "query": query,
            "size": 0,
            "track_total_hits": 1,
            "terminate_after": 1,
            "suggest": {
                "text": text,
                "did_you_mean": {
                    "term": {"field": "body.folded", "suggest_mode": "popular", "min_word_length": 4, "size": 1}
                },
            },
        }

    def _send(self, body):
        from search.client import get_client, index_alias

        return (self.client or get_client()).search(index=index_alias(), **body)

    def request_body(self, text, data, language, reader_language, number, page_size, typos=False):
        """The whole search request for one page of results (public for the benchmarks)."""
        filters = self._filters(data, language)
        start = (number - 1) * page_size
        body = {
            "from": start,
            "size": page_size,
            "_source": False,
            "track_total_hits": False,
            # One result per entry, whichever of its versions matched best. Not inner_hits to pick
            # the reader's version: it runs the query again per group (measured: 150 ms -> 1.7 s
            # on 100,000 entries); the reader's version is put in front from the database instead.
            "collapse": {"field": "translation_key"},
            # With typos forgiven, the snippets still mark only the words as typed: highlighting
            # the fuzzy clauses in every hit's text made a typo request on 100,000 entries take
            # 160 ms instead of 100; and a typo forgiven in a title shows in the title anyway.
            "highlight": {**HIGHLIGHT, "highlight_query": self.text_query(text)} if typos and text else HIGHLIGHT,
            "aggs": {
                "groups": {"cardinality": {"field": "translation_group", "precision_threshold": 40000}},
                **{
                    # Counts of versions, not of entries: a cardinality per bucket doubled the
                    # query's time on 100,000 entries. Both versions share the facet values but
                    # language, so only the language counts differ from the entries shown.
                    name: {"terms": {"field": field, "size": 20}}
                    for name, field in self.facet_fields.items()
                },
            },
        }
        text_query = self.text_query(text, typos) if text and self.retrieval != "vector" else None
        if text_query is None and not (text and self.retrieval != "text"):
            text_query = {"match_all": {}}
        if text_query is not None:
            should = []
            if reader_language:
                # A small constant nudge: between equally good matches, the reader's language first.
                should.append({"term": {"language": {"value": reader_language, "boost": 0.5}}})
            body["query"] = {"bool": {"must": [text_query], "filter": filters, "should": should}}
        if text and self.retrieval != "text":
            k = max(settings.MEMORIA_SEARCH_KNN_K, start + page_size)
            body["knn"] = {
                "field": "vector",
                "query_vector": query_vector(text),
                "k": k,
                "num_candidates": max(100, 2 * k),
                "filter": filters,
                "boost": settings.MEMORIA_SEARCH_VECTOR_BOOST,
                "_name": "vector",
            }
            if settings.MEMORIA_SEARCH_VECTOR_SIMILARITY is not None:
                # Below it, a neighbour is no answer: without a floor, kNN returns k entries for any query.
                body["knn"]["similarity"] = settings.MEMORIA_SEARCH_VECTOR_SIMILARITY
        sort = data.get("sort")
        if sort in ("newest", "oldest") or not text:
            order = "asc" if sort == "oldest" else "desc"
            body["sort"] = [{"date": {"order": order, "missing": "_last"}}, "_score"]
        return body

    def text_query(self, text, typos=False):
        """Text, names in either script, glossary terms, and (typos) near spellings; each clause named."""
        clauses = []
        words = transliteration.words(text)
        if words and '"' not in text:
            # Every word must match, each in one of three ways: as text, with a typo, or as a
            # name written in the other script. (A simple_query_string of the same words beside
            # these scored every match twice and found nothing more: bench/relevance.py gave the
            # same figures without it.)
            per_word = []
            for word, keys in zip(words, _word_keys(words, transliteration.query_keys), strict=True):
                alternatives = [
                    {"multi_match": {"query": word, "fields": self.text_fields, "operator": "and", "_name": "word"}}
                ]
                if typos:
                    alternatives.append(
                        {
                            "multi_match": {
                                "query": word,
                                "fields": self.fuzzy_fields,
                                "fuzziness": "AUTO",
                                "prefix_length": 1,
                                "max_expansions": 20,
                                "boost": 0.5,
                                "_name": "typo",
                            }
                        }
                    )
                if keys:
                    alternatives.append({"terms": {"translit": keys, "boost": 2, "_name": "name"}})
                per_word.append({"bool": {"should": alternatives, "minimum_should_match": 1}})
            # 1.5: the weight the words had beside the vectors when a simple_query_string (1) and
            # these (0.5) both scored them; bench/relevance.py measured the weights at that scale.
            clauses.append({"bool": {"must": per_word, "_name": "words", "boost": 1.5}})
        else:
            clauses.append(
                {
                    "simple_query_string": {
                        "query": text,
                        "fields": self.text_fields,
                        "default_operator": "and",
                        # Quotes make phrases; nothing else is syntax, so nothing fails.
                        "flags": "PHRASE|WHITESPACE|PRECEDENCE",
                        "_name": "text",
                    }
                }
            )
        if self.glossary:
            from search.glossary import expansions

            for term in expansions(text):
                clauses.append(
                    {
                        "multi_match": {
                            "query": term,
                            "type": "phrase",
                            "fields": self.text_fields,
                            "boost": settings.MEMORIA_SEARCH_GLOSSARY_BOOST,
                            "_name": "glossary",
                        }
                    }
                )
        return {"bool": {"should": clauses, "minimum_should_match": 1}}

    @staticmethod
    def _filters(data, language):
        filters = []
        if language:
            filters.append({"term": {"language": language}})
        if data.get("type"):
            filters.append({"term": {"type": data["type"]}})
        if data.get("city"):
            city = data["city"].slug
            filters.append({"bool": {"should": [{"term": {"city": city}}, {"term": {"partner_cities": city}}]}})
        if data.get("theme"):
            filters.append({"term": {"themes": data["theme"]}})
        if data.get("tag"):
            filters.append({"term": {"tags": data["tag"]}})
        if data.get("has_media"):
            filters.append({"term": {"has_media": True}})
        if data.get("bbox"):
            west, south, east, north = data["bbox"]
            filters.append(
                {
                    "geo_bounding_box": {
                        "location": {
                            "top_left": {"lat": north, "lon": west},
                            "bottom_right": {"lat": south, "lon": east},
                        }
                    }
                }
            )
        years = {}
        if data.get("date_from"):
            years["gte"] = f"{data['date_from']:04d}-01-01"
        if data.get("date_to"):
            years["lte"] = f"{data['date_to']:04d}-12-31"
        if years:
            filters.append({"range": {"date": years}})
        return filters

    @staticmethod
    def _hits(response, text, reader_language):
        found = response["hits"]["hits"]
        versions, pages = _public_versions([int(hit["_id"]) for hit in found], reader_language)
        hits = []
        for hit in found:
            page_id = int(hit["_id"])
            shown, others = versions.get(page_id, (None, []))
            entry = pages.get(shown)
            if entry is None:
                continue  # deleted or withdrawn since it was indexed; the outbox will remove it
            # The reader's language first: that version is the result, the one that matched is linked.
            own = entry.pk == page_id
            snippet = _snippet(hit.get("highlight") or {}) if own else highlight(entry.summary, text)
            matched = set(hit.get("matched_queries") or ())
            hits.append(
                SearchHit(
                    entry,
                    snippet,
                    hit.get("_score"),
                    translations=[pages[other] for other in others],
                    matched_text=bool(matched - {"vector"}),
                    matched=matched,
                )
            )
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


# The clauses that match the query's words as written (or a name's other script, or a glossary term).
EXACT_CLAUSES = {"text", "word", "name", "glossary"}

HIGHLIGHT = {
    "encoder": "html",
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    # The fields a snippet comes from, each analysed as it is searched; not the title, which the
    # result shows anyway (every highlighted field re-reads the text: a third of a query's time).
    # Where no word matched (an entry found by meaning), each field's beginning: the snippet
    # then comes from the index too, not from the page's text in the database.
    "fields": {
        "body": {"fragment_size": 200, "number_of_fragments": 1, "no_match_size": 200},
        "summary": {"no_match_size": 240},
    },
    "require_field_match": False,
}


def _snippet(highlights):
    """The fragment with a marked word, the body's first; where none has one, the summary's beginning."""
    fragments = {name: fragment for name, (fragment, *_rest) in highlights.items()}
    marked = [name for name in ("body", "summary") if "<mark>" in fragments.get(name, "")]
    for name in marked or ("summary", "body"):
        if fragments.get(name):
            return mark_safe(fragments[name])  # noqa: S308 -- encoder "html": the text is escaped
    return ""


def _cleaned(form):
    return form.cleaned_data if form is not None and form.is_bound and form.is_valid() else {}


def _any_exact_match(response):
    return any(set(hit.get("matched_queries") or ()) & EXACT_CLAUSES for hit in response["hits"]["hits"])


def _groups(response):
    return response["aggregations"]["groups"]["value"]


def _word_keys(words, query_keys):
    keys = []
    for word in words:
        alternatives = query_keys(word)
        keys.append(sorted({key for each in alternatives for key in each}))
    return keys


def query_vector(text):

    return _query_vector(text, settings.MEMORIA_EMBEDDING_MODEL)


@functools.lru_cache(maxsize=256)
def _query_vector(text, model_path):
    # Cached: the next page, a typo retry or a changed filter asks for the same vector (~30 ms here).
    from search.embeddings import get_embedding_model

    return [float(value) for value in get_embedding_model().embed_queries([text])[0]]


def did_you_mean(text, response):
    """The query with each unknown word replaced by the index's most frequent near spelling, or None."""
    options = {
        entry["text"].lower(): entry["options"][0]["text"]
        for entry in response.get("suggest", {}).get("did_you_mean", [])
        if entry["options"]
    }
    if not options:
        return None
    corrected = " ".join(options.get(word.lower(), word) for word in text.split())
    return corrected if corrected.lower() != text.lower() else None


# What a result card and a version link show of an entry version (title, link, type, date, city,
# summary, image, place on the map, the API's fields), read as plain values.
CARD_COLUMNS = (
    "pk",
    "title",
    "url_path",
    "content_type_id",
    "locale_id",
    "locale__language_code",
    "summary",
    "date",
    "date_precision",
    "latitude",
    "longitude",
    "translation_key",
    "external_id",
    "image_id",
    "city_id",
    "city__slug",
    "city__name_de",
    "city__name_ru",
)


@dataclass(eq=False)
class EntryCard:
    """An entry version as a result card, a version link and the API show it: no page instance.

    Wagtail pages are expensive to make (every field, modelcluster's relations): the twenty-odd
    versions of a page of results took 7.4 ms as pages against 1.4 ms as values, on 100,000
    entries (bench/search_latency.py). Duck-types what the card template, the views and the
    API read of a page.
    """

    pk: int
    title: str
    url_path: str
    content_type_id: int
    locale: Locale
    summary: str
    date: object
    date_precision: str
    latitude: float | None
    longitude: float | None
    translation_key: object
    external_id: str
    image_id: int | None
    city: PartnerCity | None
    urls: PageURLs
    image: object = None

    @property
    def id(self):
        return self.pk

    @property
    def url(self):
        return self.urls(self.url_path)

    def get_url(self, request=None):
        return self.url

    def get_full_url(self, request=None):
        return self.urls.full(self.url_path)

    @functools.cached_property
    def specific_class(self):
        return ContentType.objects.get_for_id(self.content_type_id).model_class()

    # The page's own definitions: they read only the fields above.
    entry_type = EntryPage.entry_type
    display_date = EntryPage.display_date


def _cards(rows) -> dict:
    """{id: EntryCard} from values() rows of CARD_COLUMNS, their images in one query where there are any."""
    urls = PageURLs()
    # One locale and city object each, shared by the cards (a city is a ClusterableModel: not cheap).
    locales, cities, cards = {}, {None: None}, {}
    for row in rows:
        if row["locale_id"] not in locales:
            locales[row["locale_id"]] = Locale(id=row["locale_id"], language_code=row["locale__language_code"])
        if row["city_id"] not in cities:
            cities[row["city_id"]] = PartnerCity(
                id=row["city_id"], slug=row["city__slug"], name_de=row["city__name_de"], name_ru=row["city__name_ru"]
            )
        cards[row["pk"]] = EntryCard(
            pk=row["pk"],
            title=row["title"],
            url_path=row["url_path"],
            content_type_id=row["content_type_id"],
            locale=locales[row["locale_id"]],
            summary=row["summary"],
            date=row["date"],
            date_precision=row["date_precision"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            translation_key=row["translation_key"],
            external_id=row["external_id"],
            image_id=row["image_id"],
            city=cities[row["city_id"]],
            urls=urls,
        )
    image_ids = {card.image_id for card in cards.values() if card.image_id}
    if image_ids:
        images = get_image_model().objects.in_bulk(image_ids)
        for card in cards.values():
            card.image = images.get(card.image_id)
    return cards


def _public_versions(page_ids, reader_language=None):
    """For each page still public: the version to show and the other public versions to link.

    The version shown is the one in the reader's language where the entry has one, else the
    page itself. One query for every public version of these entries (and one for their
    images, if any).
    Returns ({page id: (id of the version shown, [ids of the other versions, by language])},
    {id: EntryCard} for every version).
    """
    wanted = set(page_ids)
    keys = EntryPage.objects.filter(pk__in=wanted).values("translation_key")
    rows = visible_entries().filter(translation_key__in=keys).order_by("locale__language_code").values(*CARD_COLUMNS)
    cards = _cards(rows)
    by_key = {}
    for card in cards.values():
        by_key.setdefault(card.translation_key, []).append((card.pk, card.locale.language_code))
    choices = {}
    for versions in by_key.values():
        readers = [page_id for page_id, language in versions if language == reader_language]
        for page_id, _language in versions:
            if page_id in wanted:
                shown = readers[0] if readers else page_id
                choices[page_id] = (shown, [other for other, _ in versions if other != shown])
    return choices, cards


def _page_number(value, last):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 1
    return max(1, min(number, max(last, 1)))


def get_search_engine():
    from search.client import search_enabled

    return ElasticsearchSearch() if search_enabled() else DatabaseSearch()


def search_entries(text, form, language=None, page_number=1, page_size=20, reader_language=None):
    """Search with the configured engine; if Elasticsearch fails, the database answers, with a note.

    reader_language: the interface's language; its versions of entries come first.
    """
    text = clean_query_text(text)
    engine = get_search_engine()
    try:
        return engine.search(text, form, language, page_number, page_size, reader_language=reader_language)
    except (TransportError, ApiError) as error:
        if isinstance(engine, DatabaseSearch):
            raise
        logger.warning("Elasticsearch unavailable, answering from the database: %s", error)
        results = DatabaseSearch().search(text, form, language, page_number, page_size, reader_language)
        results.notes.append(
            gettext("The full-text search is unavailable at the moment; these results come from a simpler search.")
        )
        return results


@dataclass
class Suggestion:
    text: str
    url: str
    type: str
    language: str


MAX_SUGGESTIONS = 8


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
    from search.client import search_enabled

    if search_enabled():
        try:
            return _suggest_from_index(prefix, language, reader_language, limit)
        except (TransportError, ApiError) as error:
            logger.warning("Elasticsearch unavailable, suggesting from the database: %s", error)
    return _suggest_from_database(prefix, language, limit)


# Where a suggestion may match a word inside the title or a name, not only their start.
SUGGEST_WORD_FIELDS = ["title.folded", "people"]


def _suggest_from_index(prefix, language, reader_language, limit):
    from search.client import get_client, index_alias

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
    options = [option["_source"] for option in response["suggest"]["titles"][0]["options"]]
    options += [hit["_source"] for hit in response["hits"]["hits"]]
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
    entries = visible_entries()
    if language:
        entries = entries.filter(locale__language_code=language)
    # The backend sees only an id filter (it can filter on the page's own indexed fields only).
    pages = EntryPage.objects.filter(pk__in=entries.values("pk")).specific().autocomplete(prefix)[:limit]
    return [
        Suggestion(page.title, page.url, page.entry_type, page.locale.language_code)
        for page in with_card_relations(pages)
    ]
