"""What a result shows of an entry version, and which public versions of the hits there are.

Both engines give their hits as EntryCards: plain values read in one query, not page
instances. Only what visible_entries lets through becomes a card.
"""

import functools
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from wagtail.images import get_image_model
from wagtail.models import Locale

from archive.listing import visible_entries
from archive.models import EntryPage, PartnerCity
from search.documents import PageURLs

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

    Wagtail pages are expensive to make (every field, modelcluster's relations), and a page of
    results shows twenty-odd versions (bench/search_latency.py measures it). Duck-types what
    the card template, the views and the API read of a page.
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


def cards_from_rows(rows) -> dict:
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


def public_versions(page_ids, reader_language=None):
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
    cards = cards_from_rows(rows)
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
