import pytest
from django.core.management import call_command
from wagtail.models import Locale

from archive.demo import written_rows
from archive.importing import import_rows, numbered
from archive.models import CollectionPage, EntryPage, InitiativePage, MemorialSitePage, TestimonyPage
from home.models import HomePage, InformationPage

pytestmark = pytest.mark.django_db


def test_load_demo_builds_a_bilingual_demo_and_can_run_again(client):
    call_command("load_demo", berlin_sample=5, verbosity=0)
    count = EntryPage.objects.count()
    heilbronn = MemorialSitePage.objects.filter(external_id__startswith="heilbronn-")
    assert heilbronn.filter(locale__language_code="de").count() == 60
    assert heilbronn.filter(locale__language_code="ru").count() == 30
    assert MemorialSitePage.objects.filter(external_id__startswith="berlin-").count() == 5
    kaluga = InitiativePage.objects.get(external_id="demo-kaluga-2021")
    assert kaluga.get_translation(Locale.objects.get(language_code="ru")).title.startswith(
        "XVI Российско-германская конференция городов-партнёров 2021 в Калуге"
    )
    assert TestimonyPage.objects.filter(consent="public").count() == 2
    assert CollectionPage.objects.count() == 4
    for home in HomePage.objects.all():
        assert home.featured_collections.count() == 2
        assert client.get(home.url).status_code == 200
    assert client.get(kaluga.url).status_code == 200

    # The project's own entries say who wrote them in their own language.
    written = EntryPage.objects.filter(external_id__startswith="demo-")
    assert {entry.locale.language_code: entry.attribution for entry in written} == {
        "de": "Memoria (Demo-Inhalt)",
        "ru": "Memoria (демонстрационные материалы)",
    }

    call_command("load_demo", berlin_sample=5, verbosity=0)
    assert EntryPage.objects.count() == count
    assert CollectionPage.objects.count() == 4


def test_the_demo_has_an_imprint_and_a_privacy_notice_in_both_languages_linked_in_every_footer(client, settings):
    settings.MEMORIA_CONTRIBUTION_RETENTION_DAYS = 180
    call_command("load_demo", berlin_sample=0, verbosity=0)
    call_command("load_demo", berlin_sample=0, verbosity=0)  # again: nothing twice
    assert InformationPage.objects.count() == 4
    privacy = InformationPage.objects.get(slug="datenschutz")
    assert privacy.get_translation(Locale.objects.get(language_code="ru")).slug == "zashchita-dannykh"
    german = client.get("/de/").content.decode()
    assert 'href="/de/impressum/"' in german and 'href="/de/datenschutz/"' in german
    russian = client.get("/ru/search/").content.decode()
    assert 'href="/ru/zashchita-dannykh/"' in russian
    notice = client.get("/de/datenschutz/").content.decode()
    assert "180 Tage nach der Bearbeitung" in notice
    assert "zashchita-dannykh" in notice  # the language switcher leads to the Russian notice


def test_load_demo_full_asks_for_every_berlin_stone(monkeypatch):
    from home.management.commands import load_demo

    asked = []
    # What --full changes is what it asks the demo for; the rows themselves are load_demo's test above.
    monkeypatch.setattr(load_demo, "demo_rows", lambda data_dir, sample, problems: asked.append(sample) or iter(()))
    monkeypatch.setattr(load_demo.Command, "build_collections", lambda self: None)
    monkeypatch.setattr(load_demo.Command, "build_information_pages", lambda self: None)
    call_command("load_demo", full=True, verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("load_demo", berlin_sample=7, verbosity=0)
    # Each run reads the rows twice: checked first, then written.
    assert asked == [None, None, 200, 200, 7, 7]


def test_the_demo_names_the_conference_as_its_report_does_and_xvi_finds_it(client, settings, vocabulary):
    settings.ELASTICSEARCH_URL = ""
    report = import_rows(lambda: numbered(written_rows()))
    assert not report.problems
    kaluga = InitiativePage.objects.get(external_id="demo-kaluga-2021")
    assert kaluga.title == "XVI. Deutsch-Russische Städtepartnerkonferenz 2021 in Kaluga"
    assert (kaluga.date.isoformat(), kaluga.date_end.isoformat()) == ("2021-06-28", "2021-06-30")
    for words in ("Jugendaustauschs", "2022", "Essen", "2023", "als europäisches Datum"):
        assert words in kaluga.body_text
    for prefix in ("/de", "/ru"):
        titles = [hit.entry.title for hit in client.get(f"{prefix}/search/", {"q": "XVI"}).context["results"].hits]
        assert titles and titles[0].startswith("XVI")
