"""The search index's one document type, for every kind of archive entry, and how the index is made.

EntryDocument is the mapping; the documents themselves are plain dicts that entry_sources()
builds from database values for a whole chunk of entries at once, for the outbox push and the
rebuild alike (search/indexing.py).

Lifecycle as in elasticsearch-dsl's examples/alias_migration.py: concrete indices named
`{alias}-{timestamp}` with these settings and mappings, and the alias (Django setting
MEMORIA_SEARCH_INDEX) pointing at the live one. Swapping the alias and filling the index are
search/indexing.py's business.

Only what may be shown publicly goes into a document: a testimony's transcript only with recorded
consent, its witness's name and place only when no personal data is flagged. Which entries are
indexed at all is decided by archive.listing.visible_entries.
"""

import datetime
import re
import uuid
from functools import lru_cache
from urllib.parse import quote

import orjson
from django.conf import settings
from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.module_loading import import_string
from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    DenseVector,
    Document,
    GeoPoint,
    Index,
    Integer,
    Keyword,
    Long,
    MetaField,
    Text,
)
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Site
from wagtail.models import pages as wagtail_pages

from archive.models import ENTRY_MODELS, CommemoratedPerson, EntryPage, EntryTag, InitiativePage, TestimonyPage
from archive.models.dates import format_historical_date
from archive.text import html_to_text
from archive.transliteration import index_keys
from search.analysis import (
    ANALYZERS,
    bilingual_text,
    bilingual_text_search,
    folding,
    german_text,
    german_text_search,
)
from search.client import index_alias

LANGUAGES = ("de", "ru")


def bilingual_field(*, folded=True):
    """Text searched in both languages (search.analysis.bilingual_text), and `.folded` as written.

    An entry is written in one language, but citations, names and inscriptions cross over: one
    analysis whose German filters change only Latin words and whose Russian ones only Cyrillic
    words stems both in any entry. `.folded` only folds (names, words of a third language, "did
    you mean").
    """
    fields = {"folded": Text(analyzer=folding)} if folded else {}
    return Text(analyzer=bilingual_text, search_analyzer=bilingual_text_search, fields=fields)


def names_text():
    """Names of people and places: folded as written, and German-normalised (Grünebaum = Gruenebaum)."""
    return Text(analyzer=folding, fields={"de": Text(analyzer=german_text, search_analyzer=german_text_search)})


class EntryDocument(Document):
    """The mapping of one archive entry (initiative, testimony or memorial site) in one language.

    Only the mapping: the documents themselves are plain dicts from entry_sources() below.
    """

    title = bilingual_field()
    # The summary stays apart from the body: it is short, worth a boost, and the natural snippet.
    summary = bilingual_field(folded=False)
    # All running text a reader may search in: the body, a memorial's inscription, a testimony's
    # transcript, an initiative's organisers. One field keeps queries and highlighting simple.
    body = bilingual_field()
    # The people an entry is about (those commemorated, a witness who may be named): kept apart
    # from the body so a name can weigh more and is folded, not stemmed as prose.
    people = names_text()
    # Address of a memorial site, place a testimony was recorded.
    place = names_text()

    language = Keyword()
    type = Keyword()
    city = Keyword()
    # An initiative's partner cities: the archive's city filter matches these as well.
    partner_cities = Keyword()
    city_names = Text(analyzer=folding)
    themes = Keyword()
    tags = Keyword()
    decade = Integer()
    date = Date()
    date_precision = Keyword()
    # Shown, never searched, sorted or counted: in `_source` only (doc_values would be written
    # for every document and never read).
    display_date_de = Keyword(index=False, doc_values=False)
    display_date_ru = Keyword(index=False, doc_values=False)
    has_media = Boolean()
    location = GeoPoint()
    suggest = Completion(analyzer=folding)
    # The names (title, people, places, cities) as script-independent keys (archive.transliteration):
    # "Schukow", "Zhukov" and "Жуков" share one. Exact keys, so a keyword field.
    translit = Keyword(doc_values=False)
    # `vector`: vector_field(), added per index, as its dimensions are the configured model's.
    translation_key = Keyword()
    # The same key as a number (translation_group()), for counting the entries a search found:
    # a cardinality over numbers hashes each value as read; over keywords it looks every matched
    # term up in the dictionary first, twice as slow (bench/search_latency.py).
    translation_group = Long()
    url = Keyword(index=False, doc_values=False)
    external_id = Keyword(doc_values=False)
    page_id = Integer()
    published_at = Date()

    class Meta:
        # A field the mapping does not know is a bug in entry_sources, not something to guess a type for.
        dynamic = MetaField("strict")
        # The vector is searched from its own index structure; in `_source` it would only be
        # stored, and read back with every hit's source for highlighting. The database keeps it.
        source = MetaField(excludes=["vector"])


# Building the documents -------------------------------------------------------------------
#
# A rebuild of 100,000 entries spends most of its Python time here, so the documents are built
# from plain values, never from page instances: one query for the pages joined with their own
# type's table, city and locale, then one query per relation (RELATIONS), each for a whole chunk.
# A new field is a line in entry_source(); a new relation is a function in RELATIONS too.

# The page columns a document reads; a type's own columns through the reverse join to its table.
PAGE_COLUMNS = (
    "pk",
    "content_type__model",
    "title",
    "summary",
    "date",
    "date_precision",
    "latitude",
    "longitude",
    "image_id",
    "city_id",
    "city__slug",
    "city__name_de",
    "city__name_ru",
    "locale__language_code",
    "translation_key",
    "url_path",
    "external_id",
    "first_published_at",
    "initiativepage__organisers",
    "memorialsitepage__inscription",
    "memorialsitepage__address",
    "testimonypage__transcript",
    "testimonypage__consent",
    "testimonypage__contains_personal_data",
    "testimonypage__witness_name",
    "testimonypage__recorded_place",
    "testimonypage__media_id",
)


class PageChunk:
    """The page ids of a chunk, and how a relation's query selects their rows."""

    def __init__(self, ids):
        self.ids = set(ids)
        self.low, self.high = min(ids), max(ids)

    def filter(self, model, column, *order_by):
        """The rows of `model` whose `column` is one of the pages, ordered."""
        if self.high - self.low < 2 * len(self.ids):
            # A rebuild's chunk is a near-contiguous run of ids: a range is far cheaper for Django
            # to build than an IN of a thousand parameters; group() drops the pages in between.
            where = {f"{column}__gte": self.low, f"{column}__lte": self.high}
        else:
            where = {f"{column}__in": self.ids}
        return model.objects.filter(**where).order_by(*order_by)

    def group(self, rows) -> dict:
        """{page id: [value, ...]} from (page id, value) rows, in the rows' order."""
        grouped = {}
        for page_id, value in rows:
            if page_id in self.ids:
                grouped.setdefault(page_id, []).append(value)
        return grouped


def _themes(pages):
    # Ordered as page.themes.all() is (Theme's Meta.ordering).
    rows = pages.filter(EntryPage.themes.through, "entrypage_id", "theme__name", "theme_id")
    return pages.group(rows.values_list("entrypage_id", "theme__slug"))


def _tags(pages):
    rows = pages.filter(EntryTag, "content_object_id", "pk")
    return pages.group(rows.values_list("content_object_id", "tag__name"))


def _people(pages):
    # Ordered as the inline panel orders them (Orderable's sort_order).
    rows = pages.filter(CommemoratedPerson, "site_id", "sort_order", "pk")
    return pages.group(rows.values_list("site_id", "name"))


def _partner_cities(pages):
    through = InitiativePage.partner_cities.through
    rows = pages.filter(through, "initiativepage_id", "partnercity__name_de", "partnercity_id")
    values = rows.values_list("initiativepage_id", "partnercity__slug", "partnercity__name_de", "partnercity__name_ru")
    return pages.group((page_id, (slug, name_de, name_ru)) for page_id, slug, name_de, name_ru in values)


# The entry type of a page, by the model of its content type (what page.specific would be).
ENTRY_TYPES = {model._meta.model_name: slug for slug, model in ENTRY_MODELS.items()}

# What else a document needs of its page, one query per chunk each: {name: function(PageChunk) -> {page id: value}}.
RELATIONS = {
    "themes": _themes,
    "tags": _tags,
    "people": _people,
    "partner_cities": _partner_cities,
}


@lru_cache(maxsize=65536)
def _display_date(date, precision, language):
    # Formatting a date under translation.override costs more than the rest of a document, and
    # many entries share a date.
    return format_historical_date(date, precision, language) or None


def _stream_text(stored: str | None) -> str:
    """archive.text.stream_to_text on the stored JSON of a stream: its blocks are never made into
    values (which would fetch a body's images and documents from the database, page by page)."""
    parts = []
    for block in orjson.loads(stored) if stored else ():
        kind, value = block["type"], block["value"]
        if kind == "paragraph":
            parts.append(html_to_text(value))
        elif kind == "heading":
            parts.append(str(value))
        elif kind == "quote":
            parts.append(value["text"])
    return "\n\n".join(part for part in parts if part)


class PageURLs:
    r"""page.url from a page's url_path, as Wagtail computes it (Page.get_url without a request),
    with the site root paths read once and the URL of each parent reversed once.

    Wagtail reverses `wagtail_serve` with the path below the site root, under the root's language
    (i18n_patterns); since that route is `(?:[\w-]+/)*` and reverse() quotes the path as it is,
    the URL of a page is its parent's URL and its quoted slug, whenever that slug is valid.
    """

    SEGMENT = re.compile(r"[\w\-]+")

    def __init__(self):
        self.root_paths = Site.get_site_root_paths()
        self.several_sites = len({root.site_id for root in self.root_paths}) > 1
        # Wagtail's own reading of the WAGTAIL_APPEND_SLASH setting (taken when it is imported).
        self.append_slash = wagtail_pages.WAGTAIL_APPEND_SLASH
        # As Page.get_url_parts: a page is reversed in its site root's language, or in the active
        # language where that is a variant of the root's.
        self.active = translation.get_language()
        try:
            self.active_variant = get_supported_content_language_variant(self.active)
        except LookupError:
            self.active_variant = None
        self.parents = {}

    def __call__(self, url_path: str) -> str | None:
        """page.url: the path, or with several sites the full URL."""
        root, path = self._root_and_path(url_path)
        if path is None:
            return None
        return root.root_url + path if self.several_sites else path

    def full(self, url_path: str) -> str | None:
        """page.full_url: the site's root URL and the path."""
        root, path = self._root_and_path(url_path)
        return None if path is None else root.root_url + path

    def _root_and_path(self, url_path):
        root = next((root for root in self.root_paths if url_path.startswith(root.root_path)), None)
        if root is None:
            return None, None  # not below any site: not routable
        language = self.active if self.active_variant == root.language_code else root.language_code
        path = self._path(language, url_path[len(root.root_path) :])
        if path is not None and not self.append_slash and path != "/":
            path = path.rstrip("/")
        return root, path

    def _path(self, language, relative, leaf=True):
        key = (language, relative)
        if key in self.parents:
            return self.parents[key]
        head, _, segment = relative.rstrip("/").rpartition("/")
        if relative.endswith("/") and self.SEGMENT.fullmatch(segment):
            parent = self._path(language, f"{head}/" if head else "", leaf=False)
            path = None if parent is None else parent + quote(f"{segment}/", safe=RFC3986_SUBDELIMS + "/~:@")
        else:
            try:
                with translation.override(language):
                    path = reverse("wagtail_serve", args=(relative,))
            except NoReverseMatch:
                path = None
        if not leaf:
            self.parents[key] = path  # entries share a few parents: each is reversed once
        return path


def entry_sources(entries, urls: PageURLs | None = None) -> dict[int, dict]:
    """The documents of these entries as sent to Elasticsearch: {page id: source}, in page id order.

    `entries` is an EntryPage queryset (which of them may be public is the caller's business;
    search.indexing asks archive.listing.visible_entries). A fixed number of queries, whatever
    the number of entries.
    """
    # The body as stored, not as a StreamValue (converting it would cost as much as the rest).
    rows = list(entries.order_by("pk").values(*PAGE_COLUMNS, body_json=Cast("body", TextField())))
    if not rows:
        return {}
    pages = PageChunk([row["pk"] for row in rows])
    related = {name: load(pages) for name, load in RELATIONS.items()}
    urls = urls or PageURLs()
    return {row["pk"]: entry_source(row, related, urls) for row in rows}


def entry_source(row: dict, related: dict, urls: PageURLs) -> dict:
    """The document of one entry from its PAGE_COLUMNS and its RELATIONS."""
    page_id = row["pk"]
    entry_type = ENTRY_TYPES[row["content_type__model"]]
    body_parts = [_stream_text(row["body_json"])]
    people, places = [], []
    has_media = row["image_id"] is not None

    if entry_type == "memorial_site":
        body_parts.insert(0, row["memorialsitepage__inscription"])
        people += related["people"].get(page_id, [])
        places.append(row["memorialsitepage__address"])
    elif entry_type == "testimony":
        # Only what may be public: the transcript with recorded consent, the witness's name and
        # place only when no personal data is flagged.
        if row["testimonypage__consent"] != TestimonyPage.Consent.NOT_RECORDED:
            body_parts.insert(0, html_to_text(row["testimonypage__transcript"]))
        if not row["testimonypage__contains_personal_data"]:
            people.append(row["testimonypage__witness_name"])
            places.append(row["testimonypage__recorded_place"])
        has_media = has_media or row["testimonypage__media_id"] is not None
    elif entry_type == "initiative":
        # InitiativePage.organiser_list
        body_parts += [line.strip() for line in row["initiativepage__organisers"].splitlines() if line.strip()]

    cities = [(row["city__slug"], row["city__name_de"], row["city__name_ru"])] if row["city_id"] else []
    partner_cities = related["partner_cities"].get(page_id, []) if entry_type == "initiative" else []
    date, precision, title = row["date"], row["date_precision"], row["title"]
    location = None
    if row["latitude"] is not None and row["longitude"] is not None:
        location = {"lat": row["latitude"], "lon": row["longitude"]}

    source = {
        "title": title,
        "summary": row["summary"] or None,
        "body": "\n\n".join(part for part in body_parts if part) or None,
        "people": [name for name in people if name],
        "place": [name for name in places if name],
        "language": row["locale__language_code"],
        "type": entry_type,
        "city": row["city__slug"] if row["city_id"] else None,
        "partner_cities": [slug for slug, _de, _ru in partner_cities],
        "city_names": [name for city in cities + partner_cities for name in city[1:]],
        "themes": related["themes"].get(page_id, []),
        "tags": related["tags"].get(page_id, []),
        "decade": date.year - date.year % 10 if date else None,
        "date": date,
        "date_precision": precision if date else None,
        "display_date_de": _display_date(date, precision, "de") if date else None,
        "display_date_ru": _display_date(date, precision, "ru") if date else None,
        "has_media": has_media,
        "location": location,
        "suggest": {"input": suggestion_inputs(title, people)} if title else None,
        "translit": index_keys(" ".join(filter(None, [title, *people, *places, *(n for c in cities for n in c[1:])]))),
        "translation_key": str(row["translation_key"]),
        "translation_group": translation_group(row["translation_key"]),
        "url": urls(row["url_path"]),
        "external_id": row["external_id"],
        "page_id": page_id,
        # When the entry first went public: "new in the archive" should not change with each edit.
        "published_at": row["first_published_at"],
    }
    # As elasticsearch-dsl's to_dict(): no empty values (a zero or False stays).
    return {name: value for name, value in source.items() if value not in ([], {}, None)}


def suggestion_inputs(title: str, people: list[str]) -> list[str]:
    """What the completion field completes from its start: the title, and each name.

    A word inside the title ("Grünebaum" in "Stolperstein für Abraham Grünebaum") is found by the
    suggestions' prefix query on title.folded (search.suggestions), not by an input per word:
    the title from each word on as inputs made the completion field a large share of
    Elasticsearch's indexing work (bench/search_index.py).
    """
    return list(dict.fromkeys([title, *(name for name in people if name)]))


def translation_group(translation_key) -> int:
    """A 63-bit number from the translation key (a UUID), the same for all versions of an entry."""
    return uuid.UUID(str(translation_key)).int >> 65


def timestamped_name(alias: str) -> str:
    return f"{alias}-{datetime.datetime.now(tz=datetime.UTC):%Y%m%d%H%M%S%f}"


def vector_field() -> DenseVector:
    """The entry's text as a sentence embedding (search.embeddings), in the configured model's dimensions.

    Computed by the worker, not on save: an entry is indexed without one until it is there.
    """
    # Float HNSW, not int8: the margins between the right entry and the next are as small as
    # 0.01 in cosine on our test pairs.
    return DenseVector(
        dims=import_string(settings.MEMORIA_EMBEDDING_MODEL).dimensions,
        similarity="cosine",
        index=True,
        index_options={"type": "hnsw"},
    )


def index_definition(name: str, *, replicas: int | None = None, building: bool = False) -> Index:
    """The concrete index `name`: 1 shard, analysis, mappings.

    `building`: for a bulk load, no replicas, no refresh until it is done, and the translog synced
    in the background rather than on every request (a crash during the build loses only the
    build, which starts again anyway); whoever builds the index resets `refresh_interval` and
    `translog.durability` and sets the replicas from MEMORIA_SEARCH_REPLICAS afterwards.
    """
    if replicas is None:
        replicas = getattr(settings, "MEMORIA_SEARCH_REPLICAS", 0)
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0 if building else replicas)
    if building:
        index.settings(refresh_interval="-1", **{"translog.durability": "async"})
    # Declared explicitly too: an analyzer used only as a search_analyzer is easy to lose otherwise.
    for each in ANALYZERS:
        index.analyzer(each)
    # mapping(), not document(): document() would make this index EntryDocument's default one.
    index.mapping(EntryDocument._doc_type.mapping)
    index.get_or_create_mapping().field("vector", vector_field())
    return index


def create_index(client, alias: str | None = None, *, replicas: int | None = None, building: bool = False) -> str:
    """Create a new, empty concrete index `{alias}-{timestamp}` for the alias; returns its name."""
    name = timestamped_name(alias or index_alias())
    index_definition(name, replicas=replicas, building=building).create(using=client)
    return name
