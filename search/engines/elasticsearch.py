"""The archive's own index as an engine (search.documents): text, names in either script, glossary, vectors."""

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from archive import transliteration
from search.cards import public_versions
from search.client import get_client, index_alias
from search.embeddings import query_vector
from search.forms import form_data
from search.highlight import highlight
from search.query import name_keys_per_word
from search.results import SearchHit, SearchResults
from search.spelling import did_you_mean, spelling_probe


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
    # not on the body: fuzzy terms over its large dictionary are slow (bench/search_latency.py);
    # a typo in a body word gets "did you mean" instead.
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
        deepest = self.max_window // page_size
        number = _page_number(page_number, deepest)
        data = form_data(form)
        body = self.request_body(text, data, language, reader_language, number, page_size)
        response = self._send(body)
        spelling = None
        if text and not _any_exact_match(response):
            # The words as typed find nothing (here). Typo tolerance then, but only when a near
            # spelling matches at all: else the answer would be the first one again, at several
            # times its cost (fuzzy clauses, highlighting them over the hits found by meaning;
            # bench/search_latency.py). The probe brings "did you mean".
            spelling = self._send(self.spelling_probe(text, data, language))
            if self.retrieval != "vector" and spelling["hits"]["total"]["value"]:
                body = self.request_body(text, data, language, reader_language, number, page_size, typos=True)
                response = self._send(body)
        total = _entry_count(response)
        last = max(1, min(-(-total // page_size), self.max_window // page_size))
        if number > last:
            number = last
            body["from"] = (number - 1) * page_size
            body.get("knn", {})["k"] = max(body.get("knn", {}).get("k", 0), number * page_size)
            response = self._send(body)
            total = _entry_count(response)
        paginator = Paginator(range(total), page_size)
        page = paginator.get_page(number)
        page.object_list = self._hits(response, text, reader_language)
        results = SearchResults(text, page.object_list, page, total, self.name, facets=self._facets(response))
        # Found only with typos forgiven, or only by meaning: offer the spelling the archive knows.
        if spelling and not any(hit.matched & EXACT_CLAUSES for hit in page.object_list):
            results.suggestion = did_you_mean(text, spelling)
        results.took = response.get("took")
        if _page_number(page_number, deepest + 1) > deepest:
            results.notes.append(
                gettext("Only the first %(count)s results can be paged through; narrow the search to see the others.")
                % {"count": number_format(self.max_window, force_grouping=True)}
            )
        return results

    def spelling_probe(self, text, data, language):
        """The request that asks whether a near spelling matches, and for near spellings (search.spelling)."""
        return spelling_probe(text, self.text_query(text, typos=True), self._filters(data, language))

    def _send(self, body):
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
            # the reader's version: it runs the query again per group, ten times slower
            # (bench/search_latency.py); the reader's version is put in front from the database.
            "collapse": {"field": "translation_key"},
            # With typos forgiven, the snippets still mark only the words as typed: highlighting
            # the fuzzy clauses in every hit's text slows a typo request by half; and a typo
            # forgiven in a title shows in the title anyway.
            "highlight": {**HIGHLIGHT, "highlight_query": self.text_query(text)} if typos and text else HIGHLIGHT,
            "aggs": {
                "groups": {"cardinality": {"field": "translation_group", "precision_threshold": 40000}},
                **{
                    # Counts of versions, not of entries: a cardinality per bucket doubles the
                    # query's time. Both versions share the facet values but language, so only
                    # the language counts differ from the entries shown.
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
                # Elasticsearch's own bound on the candidates (and k): the deepest page stays within it.
                "num_candidates": min(self.max_window, max(100, 2 * k)),
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
            for word, keys in zip(words, name_keys_per_word(words), strict=True):
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
        versions, pages = public_versions([int(hit["_id"]) for hit in found], reader_language)
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
    # result shows anyway (every highlighted field re-reads the text, a large part of a query's time).
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


def _any_exact_match(response):
    return any(set(hit.get("matched_queries") or ()) & EXACT_CLAUSES for hit in response["hits"]["hits"])


def _entry_count(response):
    # Distinct translation groups: an entry's German and Russian versions count once.
    return response["aggregations"]["groups"]["value"]


def _page_number(value, last):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 1
    return max(1, min(number, max(last, 1)))
