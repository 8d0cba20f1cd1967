"""The search document of each entry type, what it leaves out, and the index it goes into."""

import datetime
import json
import re
from urllib.parse import quote

import pytest
import wagtail_factories
from wagtail.models import Page, Site
from wagtail.models import pages as wagtail_pages
from wagtail.rich_text import RichText

from archive.factories import (
    ArchiveIndexPageFactory,
    CommemoratedPersonFactory,
    ImageFactory,
    InitiativePageFactory,
    MemorialSitePageFactory,
    TestimonyPageFactory,
)
from archive.models import DatePrecision, EntryPage, TestimonyPage, Theme
from search.documents import create_index, entry_sources

pytestmark = pytest.mark.django_db


def source(page):
    """The document as it is sent to Elasticsearch."""
    sources = entry_sources(EntryPage.objects.filter(pk=page.pk))
    assert list(sources) == [page.pk]
    return sources[page.pk]


@pytest.fixture
def memorial_site(archive_de, vocabulary):
    page = MemorialSitePageFactory(
        parent=archive_de,
        title="Stolpersteine Achtungstraße 37",
        summary="Zwei Steine für das Ehepaar Kahn.",
        text="Adolf und Emma Kahn wohnten hier bis 1941.",
        inscription="HIER WOHNTE\nADOLF KAHN\nJG. 1881\nDEPORTIERT 1941\nRIGA",
        address="Achtungstraße 37, Heilbronn",
        city=vocabulary["heilbronn"],
        date=datetime.date(1941, 11, 1),
        date_precision=DatePrecision.MONTH,
        latitude=49.14,
        longitude=9.22,
        external_id="hn-37",
        first_published_at=datetime.datetime(2024, 5, 8, 10, 0, tzinfo=datetime.UTC),
    )
    page.themes.set(Theme.objects.filter(locale=page.locale, slug__in=["stolpersteine", "deportation"]))
    page.tags.add("Riga")
    page.save()
    CommemoratedPersonFactory(site=page, name="Adolf Kahn")
    CommemoratedPersonFactory(site=page, name="Emma Kahn")
    return page


def test_memorial_site_document(memorial_site, vocabulary):
    data = source(memorial_site)

    assert data["page_id"] == memorial_site.pk
    assert data["type"] == "memorial_site"
    assert data["language"] == "de"
    assert data["title"] == "Stolpersteine Achtungstraße 37"
    assert data["summary"] == "Zwei Steine für das Ehepaar Kahn."
    assert data["body"].startswith("HIER WOHNTE\nADOLF KAHN")
    assert "Adolf und Emma Kahn wohnten hier bis 1941." in data["body"]
    assert data["people"] == ["Adolf Kahn", "Emma Kahn"]
    assert data["place"] == ["Achtungstraße 37, Heilbronn"]
    assert data["city"] == "heilbronn"
    assert data["city_names"] == ["Heilbronn", "Хайльбронн"]
    assert sorted(data["themes"]) == ["deportation", "stolpersteine"]
    assert data["tags"] == ["Riga"]
    assert data["date"] == datetime.date(1941, 11, 1)
    assert data["date_precision"] == "month"
    assert data["decade"] == 1940
    assert data["display_date_de"] == "November 1941"
    assert data["display_date_ru"] == "Ноябрь 1941 г."
    assert data["location"] == {"lat": 49.14, "lon": 9.22}
    assert data["has_media"] is False
    # Completed from the title's start and from the names' (a word inside: search.suggestions).
    assert data["suggest"] == {"input": ["Stolpersteine Achtungstraße 37", "Adolf Kahn", "Emma Kahn"]}
    # The names as transliteration keys: a Cyrillic "Кан" finds them.
    assert set(data["translit"]) >= {"kan"}
    assert data["translation_key"] == str(memorial_site.translation_key)
    assert data["translation_group"] == memorial_site.translation_key.int >> 65
    assert data["url"] == memorial_site.url
    assert data["external_id"] == "hn-37"
    assert data["published_at"] == datetime.datetime(2024, 5, 8, 10, 0, tzinfo=datetime.UTC)
    assert set(data) == {
        *("title", "summary", "body", "people", "place", "language", "type", "city", "city_names", "themes"),
        *("tags", "decade", "date", "date_precision", "display_date_de", "display_date_ru", "has_media"),
        *("location", "suggest", "translit", "translation_key", "translation_group", "url", "external_id"),
        *("page_id", "published_at"),
    }


def test_documents_take_a_fixed_number_of_queries(archive_de, vocabulary, django_assert_num_queries):
    def entries(number):
        for _ in range(number):
            site = MemorialSitePageFactory(parent=archive_de, city=vocabulary["heilbronn"])
            site.tags.add("Riga")
            site.save()
            CommemoratedPersonFactory(site=site)
            initiative = InitiativePageFactory(parent=archive_de)
            initiative.partner_cities.set([vocabulary["suhl"]])
            initiative.themes.set(Theme.objects.filter(locale=initiative.locale)[:2])
            initiative.save()
            TestimonyPageFactory(parent=archive_de)
        return EntryPage.objects.all()

    entry_sources(entries(1))  # the site root paths are cached from here on
    # The pages, then themes, tags, people and partner cities: one query each, for 3 entries or 15.
    few = entries(0)
    with django_assert_num_queries(5):
        assert len(entry_sources(few)) == 3
    more = entries(4)
    with django_assert_num_queries(5):
        assert len(entry_sources(more)) == 15


def test_image_counts_as_media(memorial_site):
    memorial_site.image = ImageFactory()
    memorial_site.save()
    assert source(memorial_site)["has_media"] is True


def test_initiative_document(archive_ru, vocabulary):
    page = InitiativePageFactory(
        parent=archive_ru,
        title="Молодёжный обмен Зуль – Калуга",
        summary="Школьники двух городов-партнёров.",
        text="Ученики из Зуля приехали в Калугу.",
        organisers="Гимназия № 1\nStadt Suhl",
        city=vocabulary["kaluga"],
        date=datetime.date(1940, 1, 1),
        date_precision=DatePrecision.DECADE,
        latitude=None,
        longitude=None,
    )
    page.partner_cities.set([vocabulary["suhl"]])
    page.save()
    data = source(page)

    assert data["type"] == "initiative"
    assert data["language"] == "ru"
    assert data["body"] == "Ученики из Зуля приехали в Калугу.\n\nГимназия № 1\n\nStadt Suhl"
    assert data["city"] == "kaluga"
    assert data["partner_cities"] == ["suhl"]
    assert data["city_names"] == ["Kaluga", "Калуга", "Suhl", "Зуль"]
    assert data["decade"] == 1940
    assert data["display_date_de"] == "1940er Jahre"
    assert data["display_date_ru"] == "1940-е годы"
    assert "location" not in data
    assert "people" not in data


@pytest.fixture
def testimony(archive_de, vocabulary):
    return TestimonyPageFactory(
        parent=archive_de,
        title="Erinnerungen an die Blockade",
        text="Ein Gespräch in der Schule.",
        witness_name="Walentina Iwanowa Beispiel",
        recorded_place="Sankt Petersburg, Wohnung der Zeugin",
        transcript="<p>Wir hatten <b>Hunger</b>&nbsp;&amp; Kälte.</p><p>Dann kam der Frühling.</p>",
        city=vocabulary["sankt-petersburg"],
    )


def test_testimony_document_has_transcript_as_text_and_witness(testimony):
    data = source(testimony)

    assert data["type"] == "testimony"
    assert data["body"] == "Wir hatten Hunger\xa0& Kälte.\n\nDann kam der Frühling.\n\nEin Gespräch in der Schule."
    assert not re.search(r"<[a-z/]", data["body"])
    assert data["people"] == ["Walentina Iwanowa Beispiel"]
    assert data["place"] == ["Sankt Petersburg, Wohnung der Zeugin"]
    assert data["has_media"] is False


def test_testimony_recording_counts_as_media(testimony):
    testimony.media = wagtail_factories.DocumentFactory()
    testimony.save()
    assert source(testimony)["has_media"] is True


def test_testimony_with_personal_data_leaves_out_the_witness(testimony):
    testimony.contains_personal_data = True
    testimony.save()
    data = source(testimony)

    serialised = json.dumps(data, default=str, ensure_ascii=False)
    assert "Walentina" not in serialised
    assert "Wohnung der Zeugin" not in serialised
    assert "people" not in data
    assert "place" not in data
    # What the testimony says stays searchable.
    assert "Dann kam der Frühling." in data["body"]


def test_testimony_without_consent_leaves_out_the_transcript(testimony):
    # Such testimonies are never indexed (visible_entries); the document is safe even if one slips through.
    testimony.consent = TestimonyPage.Consent.NOT_RECORDED
    testimony.save()
    data = source(testimony)

    # Only the transcript says "Kälte"; the factory's random summary could say "Hunger" too.
    assert "Kälte" not in json.dumps(data, default=str, ensure_ascii=False)
    assert data["body"] == "Ein Gespräch in der Schule."


def test_entry_without_date_city_or_summary(archive_de):
    page = InitiativePageFactory(
        parent=archive_de, title="Ohne alles", summary="", date=None, city=None, text="", organisers=""
    )
    data = source(page)

    for absent in ("date", "date_precision", "decade", "display_date_de", "display_date_ru", "city", "summary", "body"):
        assert absent not in data, absent
    assert "city_names" not in data


def test_body_text_of_every_block_type_is_the_pages_body_text(archive_de):
    image, document = ImageFactory(), wagtail_factories.DocumentFactory()
    page = InitiativePageFactory(
        parent=archive_de,
        organisers="",
        body=[
            ("heading", "Die Familie Kahn"),
            ("paragraph", RichText("<p>Erste <b>Zeile</b><br/>zweite &amp; letzte.</p><ul><li>Punkt</li></ul>")),
            ("image", {"image": image, "caption": "Bildunterschrift", "credit": "Archiv"}),
            ("quote", {"text": "Niemand ist vergessen.", "attribution": "Olga Bergholz"}),
            ("document", {"document": document, "title": "Scan"}),
            ("paragraph", RichText("")),
        ],
    )
    page = EntryPage.objects.get(pk=page.pk)

    assert source(page)["body"] == page.body_text
    assert page.body_text.startswith("Die Familie Kahn\n\nErste Zeile\nzweite & letzte.")
    assert page.body_text.endswith("Niemand ist vergessen.")


# The URL: page.url, computed from the url_path without a page instance


def assert_url_is_page_url(page):
    url = Page.objects.get(pk=page.pk).url
    assert source(page).get("url") == url
    return url


def test_url_of_german_russian_and_nested_entries(archive_de, archive_ru, vocabulary):
    german = MemorialSitePageFactory(parent=archive_de, slug="achtungstrasse-37")
    russian = MemorialSitePageFactory(parent=archive_ru, slug="памятник-героям")
    section = ArchiveIndexPageFactory(parent=archive_ru, slug="kaluga", city=vocabulary["kaluga"])
    nested = InitiativePageFactory(parent=section, slug="vakhta-pamyati")

    assert assert_url_is_page_url(german) == "/de/archiv/achtungstrasse-37/"
    assert assert_url_is_page_url(russian) == "/ru/arkhiv/" + quote("памятник-героям") + "/"
    assert assert_url_is_page_url(nested) == "/ru/arkhiv/kaluga/vakhta-pamyati/"
    # One call for all of them, as a rebuild's chunk: each parent is reversed once, every URL still right.
    urls = {page_id: document["url"] for page_id, document in entry_sources(EntryPage.objects.all()).items()}
    assert urls == {page.pk: Page.objects.get(pk=page.pk).url for page in (german, russian, nested)}


def test_url_with_several_sites_is_absolute(archive_de):
    Site.clear_site_root_paths_cache()
    other_root = Page.get_first_root_node().add_child(instance=Page(title="Andere Seite", slug="andere"))
    Site.objects.create(hostname="andere.example", port=443, root_page=other_root)
    other_archive = ArchiveIndexPageFactory(parent=other_root, slug="archiv")
    try:
        here = MemorialSitePageFactory(parent=archive_de, slug="hier")
        there = MemorialSitePageFactory(parent=other_archive, slug="dort")

        assert assert_url_is_page_url(here).endswith("/de/archiv/hier/")
        assert assert_url_is_page_url(there) == "https://andere.example/de/archiv/dort/"
    finally:
        Site.clear_site_root_paths_cache()  # the cache outlives this test's transaction


def test_url_of_an_entry_outside_every_site_is_left_out(db):
    outside = ArchiveIndexPageFactory(parent=Page.get_first_root_node(), slug="ausserhalb")
    page = MemorialSitePageFactory(parent=outside)

    assert Page.objects.get(pk=page.pk).url is None
    assert "url" not in source(page)


def test_url_without_appended_slash(archive_de, monkeypatch):
    # Wagtail reads the setting once, when it is imported.
    monkeypatch.setattr(wagtail_pages, "WAGTAIL_APPEND_SLASH", False)
    page = MemorialSitePageFactory(parent=archive_de, slug="ohne-schraegstrich")
    assert assert_url_is_page_url(page) == "/de/archiv/ohne-schraegstrich"


# The index itself


@pytest.fixture
def entry_index(es_client, es_index_prefix):
    names = []

    def create(suffix="entries", **options):
        name = create_index(es_client, es_index_prefix + suffix, **options)
        names.append(name)
        return name

    yield create
    for name in names:
        es_client.indices.delete(index=name, ignore_unavailable=True)


def test_create_index_names_it_after_the_alias_with_a_timestamp(es_client, es_index_prefix, entry_index):
    name = entry_index("entries", replicas=0)

    assert re.fullmatch(re.escape(es_index_prefix) + r"entries-\d{20}", name)
    settings = es_client.indices.get_settings(index=name)[name]["settings"]["index"]
    assert settings["number_of_shards"] == "1"
    assert settings["number_of_replicas"] == "0"
    assert "refresh_interval" not in settings
    mapping = es_client.indices.get_mapping(index=name)[name]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"]["title"]["search_analyzer"] == "bilingual_text_search"


def test_create_index_for_a_bulk_build_defers_refresh_and_replicas(es_client, entry_index):
    name = entry_index("entries", replicas=2, building=True)
    settings = es_client.indices.get_settings(index=name)[name]["settings"]["index"]
    assert settings["refresh_interval"] == "-1"
    assert settings["number_of_replicas"] == "0"


def test_create_index_reads_the_alias_and_replicas_from_settings_at_call_time(
    settings, es_client, es_index_prefix, entry_index
):
    settings.MEMORIA_SEARCH_INDEX = es_index_prefix + "configured"
    settings.MEMORIA_SEARCH_REPLICAS = 1
    name = create_index(es_client)
    try:
        assert name.startswith(es_index_prefix + "configured-")
        settings_of_index = es_client.indices.get_settings(index=name)[name]["settings"]["index"]
        assert settings_of_index["number_of_replicas"] == "1"
    finally:
        es_client.indices.delete(index=name)


def test_indexed_documents_are_found_in_their_language(es_client, entry_index, archive_de, archive_ru, vocabulary):
    german = InitiativePageFactory(
        parent=archive_de,
        title="Städtepartnerschaft Suhl–Kaluga",
        text="Jugendliche aus Suhl besuchten die Gedenkstätte in Kaluga.",
        city=vocabulary["suhl"],
    )
    german.partner_cities.set([vocabulary["kaluga"]])
    german.save()
    russian = InitiativePageFactory(
        parent=archive_ru,
        title="Вахта памяти",
        text="Школьники ухаживают за могилами военнопленных и хранят память о погибших.",
        city=vocabulary["kaluga"],
    )
    MemorialSitePageFactory(parent=archive_de, title="Mahnmal am Bahnhof", text="Ein Denkmal.")
    name = entry_index("entries", replicas=0)
    for page_id, document in entry_sources(EntryPage.objects.all()).items():
        es_client.index(index=name, id=page_id, document=document)
    es_client.indices.refresh(index=name)

    def found(field, query):
        response = es_client.search(index=name, query={"match": {field: query}})
        return {int(hit["_id"]) for hit in response["hits"]["hits"]}

    assert found("title", "Partnerschaft") == {german.pk}
    assert found("body", "Gedenken") == {german.pk}
    assert found("body", "памяти") == {russian.pk}
    assert found("body", "могила") == {russian.pk}
    assert found("body", "военнопленные") == {russian.pk}
    assert found("title", "память") == {russian.pk}
    assert found("city_names", "Калуга") == {german.pk, russian.pk}

    suggestions = es_client.search(
        index=name, suggest={"titles": {"prefix": "stadtepart", "completion": {"field": "suggest"}}}
    )["suggest"]["titles"][0]["options"]
    assert [int(option["_id"]) for option in suggestions] == [german.pk]
