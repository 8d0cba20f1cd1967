"""The search index's one document type, for every kind of archive entry, and how the index is made.

Lifecycle as in elasticsearch-dsl's examples/alias_migration.py: concrete indices named
`{alias}-{timestamp}` with these settings and mappings, and the alias (Django setting
MEMORIA_SEARCH_INDEX) pointing at the live one. Swapping the alias and filling the index are
search/indexing.py's business.

Only what may be shown publicly goes into a document: a testimony's transcript only with recorded
consent, its witness's name and place only when no personal data is flagged. Which entries are
indexed at all is decided by archive.listing.visible_entries.
"""

import datetime

from django.conf import settings
from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    Document,
    GeoPoint,
    Index,
    Integer,
    Keyword,
    MetaField,
    Text,
)
from elasticsearch.dsl.index import ComposableIndexTemplate

from archive.models.dates import format_historical_date
from archive.text import html_to_text
from search.analysis import ANALYZERS, autocomplete, folding, german_text, german_text_search, russian_text
from search.client import index_alias

LANGUAGES = ("de", "ru")


def multilingual_text(*, autocompletion=False):
    """Text searched in both languages: `.de` and `.ru` stem, `.folded` only folds (for names).

    The main field keeps the standard analyzer, a language-neutral fallback and the source of
    highlighting. An entry is written in one language, but citations, names and inscriptions
    cross over, so every text field gets both language analyses instead of one picked by locale.
    """
    fields = {
        "de": Text(analyzer=german_text, search_analyzer=german_text_search),
        "ru": Text(analyzer=russian_text),
        "folded": Text(analyzer=folding),
    }
    if autocompletion:
        fields["autocomplete"] = Text(analyzer=autocomplete, search_analyzer=folding)
    return Text(fields=fields)


def names_text():
    """Names of people and places: folded as written, and German-normalised (Grünebaum = Gruenebaum)."""
    return Text(analyzer=folding, fields={"de": Text(analyzer=german_text, search_analyzer=german_text_search)})


class EntryDocument(Document):
    """One archive entry (initiative, testimony or memorial site) in one language."""

    title = multilingual_text(autocompletion=True)
    # The summary stays apart from the body: it is short, worth a boost, and the natural snippet.
    summary = multilingual_text()
    # All running text a reader may search in: the body, a memorial's inscription, a testimony's
    # transcript, an initiative's organisers. One field keeps queries and highlighting simple.
    body = multilingual_text()
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
    display_date_de = Keyword(index=False)
    display_date_ru = Keyword(index=False)
    has_media = Boolean()
    location = GeoPoint()
    suggest = Completion(analyzer=folding)
    translation_key = Keyword()
    url = Keyword(index=False)
    external_id = Keyword()
    page_id = Integer()
    published_at = Date()

    class Meta:
        # A field the mapping does not know is a bug in from_entry, not something to guess a type for.
        dynamic = MetaField("strict")

    def clean(self):
        """Fill the fields derived from others (as elasticsearch-dsl's examples/completion.py does)."""
        self.decade = self.date.year - self.date.year % 10 if self.date else None
        self.suggest = {"input": [self.title]} if self.title else None

    @classmethod
    def from_entry(cls, page) -> "EntryDocument":
        """The document for an entry page of any type; its id is the page's primary key."""
        # Only a base EntryPage needs its specific page; a specific one already carries what
        # the bulk loaders fetched for it (asking .specific again would fetch it anew).
        if not hasattr(page, "entry_type_slug"):
            page = page.specific
        entry_type = page.entry_type_slug
        body_parts = [page.body_text]
        people, places = [], []
        has_media = page.image_id is not None

        if entry_type == "memorial_site":
            body_parts.insert(0, page.inscription)
            people += [person.name for person in page.people.all()]
            places.append(page.address)
        elif entry_type == "testimony":
            if page.has_consent:
                body_parts.insert(0, html_to_text(page.transcript))
            if not page.contains_personal_data:
                people.append(page.witness_name)
                places.append(page.recorded_place)
            has_media = has_media or page.media_id is not None
        elif entry_type == "initiative":
            body_parts += page.organiser_list

        cities = [page.city] if page.city_id else []
        partner_cities = list(page.partner_cities.all()) if entry_type == "initiative" else []
        location = None
        if page.latitude is not None and page.longitude is not None:
            location = {"lat": page.latitude, "lon": page.longitude}

        document = cls(
            meta={"id": page.pk},
            title=page.title,
            summary=page.summary or None,
            body="\n\n".join(part for part in body_parts if part) or None,
            people=[name for name in people if name],
            place=[name for name in places if name],
            language=page.locale.language_code,
            type=entry_type,
            city=page.city.slug if page.city_id else None,
            partner_cities=[city.slug for city in partner_cities],
            city_names=[name for city in cities + partner_cities for name in (city.name_de, city.name_ru)],
            themes=[theme.slug for theme in page.themes.all()],
            # Through the tagged items, which the bulk loaders prefetch (the cluster's tag manager does not use it).
            tags=[item.tag.name for item in page.tagged_items.all()],
            date=page.date,
            date_precision=page.date_precision if page.date else None,
            display_date_de=format_historical_date(page.date, page.date_precision, "de") or None,
            display_date_ru=format_historical_date(page.date, page.date_precision, "ru") or None,
            has_media=has_media,
            location=location,
            translation_key=str(page.translation_key),
            url=page.url,
            external_id=page.external_id,
            page_id=page.pk,
            # When the entry first went public: "new in the archive" should not change with each edit.
            published_at=page.first_published_at,
        )
        document.full_clean()
        return document


def timestamped_name(alias: str) -> str:
    return f"{alias}-{datetime.datetime.now(tz=datetime.UTC):%Y%m%d%H%M%S%f}"


def index_definition(name: str, *, replicas: int | None = None, building: bool = False) -> Index:
    """The index (or, with a pattern as name, the template body): 1 shard, analysis, mappings.

    `building`: for a bulk load, no replicas and no refresh until it is done; whoever builds the
    index sets `refresh_interval` back and the replicas from MEMORIA_SEARCH_REPLICAS afterwards.
    """
    if replicas is None:
        replicas = getattr(settings, "MEMORIA_SEARCH_REPLICAS", 0)
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0 if building else replicas)
    if building:
        index.settings(refresh_interval="-1")
    # Declared explicitly too: an analyzer used only as a search_analyzer is easy to lose otherwise.
    for each in ANALYZERS:
        index.analyzer(each)
    # mapping(), not document(): document() would make this index EntryDocument's default one.
    index.mapping(EntryDocument._doc_type.mapping)
    return index


def create_index(client, alias: str | None = None, *, replicas: int | None = None, building: bool = False) -> str:
    """Create a new, empty concrete index `{alias}-{timestamp}` for the alias; returns its name."""
    name = timestamped_name(alias or index_alias())
    index_definition(name, replicas=replicas, building=building).create(using=client)
    return name


def index_template(alias: str | None = None, *, replicas: int | None = None) -> ComposableIndexTemplate:
    """A composable template named after the alias for every `{alias}-*` index.

    As in alias_migration.py: saved (`.save(using=client)`) at deploy, it gives the settings and
    mappings to an index created by any other means (a reindex, a restore, a bare create).
    """
    alias = alias or index_alias()
    return index_definition(f"{alias}-*", replicas=replicas).as_composable_template(alias, priority=100)
