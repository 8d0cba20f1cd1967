"""The search document of each entry type, what it leaves out, and the index it goes into."""

import datetime
import json
import re

import pytest
import wagtail_factories

from archive.factories import (
    CommemoratedPersonFactory,
    ImageFactory,
    InitiativePageFactory,
    MemorialSitePageFactory,
    TestimonyPageFactory,
)
from archive.models import DatePrecision, EntryPage, TestimonyPage, Theme
from search.documents import EntryDocument, create_index, index_template

pytestmark = pytest.mark.django_db


def source(page):
    """The document as it is sent to Elasticsearch."""
    return EntryDocument.from_entry(page).to_dict()


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
    )
    page.themes.set(Theme.objects.filter(locale=page.locale, slug__in=["stolpersteine", "deportation"]))
    page.tags.add("Riga")
    page.save()
    CommemoratedPersonFactory(site=page, name="Adolf Kahn")
    CommemoratedPersonFactory(site=page, name="Emma Kahn")
    return page


def test_memorial_site_document(memorial_site, vocabulary):
    document = EntryDocument.from_entry(memorial_site)
    data = document.to_dict()

    assert document.meta.id == memorial_site.pk
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
    assert data["suggest"] == {"input": ["Stolpersteine Achtungstraße 37"]}
    assert data["translation_key"] == str(memorial_site.translation_key)
    assert data["url"] == memorial_site.url
    assert data["external_id"] == "hn-37"


def test_a_generic_entry_page_gives_the_specific_document(memorial_site):
    generic = EntryPage.objects.get(pk=memorial_site.pk)
    assert source(generic)["people"] == ["Adolf Kahn", "Emma Kahn"]


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
    assert mapping["properties"]["title"]["fields"]["de"]["search_analyzer"] == "german_text_search"


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


def test_index_template_gives_a_bare_index_the_settings_and_mappings(es_client, es_index_prefix):
    alias = es_index_prefix + "templated"
    index_template(alias, replicas=0).save(using=es_client)
    name = alias + "-restored"
    try:
        es_client.indices.create(index=name)
        analyzed = es_client.indices.analyze(index=name, field="title.de", text="Gedenkstätten")
        assert [token["token"] for token in analyzed["tokens"]] == ["gedenkstatt", "gedenk", "denk", "statt"]
        mapping = es_client.indices.get_mapping(index=name)[name]["mappings"]
        assert mapping["properties"]["location"]["type"] == "geo_point"
    finally:
        es_client.indices.delete(index=name, ignore_unavailable=True)
        es_client.indices.delete_index_template(name=alias)


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
    unrelated = MemorialSitePageFactory(parent=archive_de, title="Mahnmal am Bahnhof", text="Ein Denkmal.")
    name = entry_index("entries", replicas=0)
    for page in (german, russian, unrelated):
        document = EntryDocument.from_entry(page)
        es_client.index(index=name, id=document.meta.id, document=document.to_dict())
    es_client.indices.refresh(index=name)

    def found(field, query):
        response = es_client.search(index=name, query={"match": {field: query}})
        return {int(hit["_id"]) for hit in response["hits"]["hits"]}

    assert found("title.de", "Partnerschaft") == {german.pk}
    assert found("body.de", "Gedenken") == {german.pk}
    assert found("body.ru", "памяти") == {russian.pk}
    assert found("body.ru", "могила") == {russian.pk}
    assert found("body.ru", "военнопленные") == {russian.pk}
    assert found("title.ru", "память") == {russian.pk}
    assert found("city_names", "Калуга") == {german.pk, russian.pk}

    suggestions = es_client.search(
        index=name, suggest={"titles": {"prefix": "stadtepart", "completion": {"field": "suggest"}}}
    )["suggest"]["titles"][0]["options"]
    assert [int(option["_id"]) for option in suggestions] == [german.pk]
