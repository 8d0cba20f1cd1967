import datetime

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Page

from archive.factories import (
    CollectionItemFactory,
    CollectionPageFactory,
    CommemoratedPersonFactory,
    InitiativePageFactory,
    MemorialSitePageFactory,
    TestimonyPageFactory,
)
from archive.models import (
    ArchiveIndexPage,
    CollectionPage,
    InitiativePage,
    MemorialSitePage,
    TestimonyPage,
)
from home.models import HomePage, InformationPage

pytestmark = pytest.mark.django_db

ENTRY_FACTORIES = [InitiativePageFactory, TestimonyPageFactory, MemorialSitePageFactory]


@pytest.mark.parametrize("language", ["de", "ru"])
@pytest.mark.parametrize("factory", ENTRY_FACTORIES)
def test_every_entry_type_renders_in_both_locales(client, archive_de, archive_ru, factory, language):
    archive = archive_de if language == "de" else archive_ru
    entry = factory(parent=archive, title=f"Eintrag {language} Ω", attribution="Stadtarchiv Heilbronn")
    response = client.get(entry.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert entry.url.startswith(f"/{language}/")
    assert f'<html lang="{language}">' in html
    assert f"Eintrag {language} Ω" in html
    assert "Stadtarchiv Heilbronn" in html  # the source is shown on every entry
    assert entry.get_licence_display() in html


@pytest.mark.parametrize("language", ["de", "ru"])
def test_index_collection_and_home_render_in_both_locales(client, archive_de, archive_ru, language):
    archive = archive_de if language == "de" else archive_ru
    site = MemorialSitePageFactory(parent=archive, title="Achtungstraße 21")
    collection = CollectionPageFactory(parent=archive, title="Für den Unterricht")
    CollectionItemFactory(collection=collection, entry=site)
    for page, expected in ((archive, "Achtungstraße 21"), (collection, "Achtungstraße 21")):
        response = client.get(page.url)
        assert response.status_code == 200
        assert expected in response.content.decode()
    home = HomePage.objects.get(locale=archive.locale)
    response = client.get(home.url)
    assert response.status_code == 200
    assert "Achtungstraße 21" in response.content.decode()  # latest entries


def test_page_tree_rules(archive_de, home_de):
    assert InitiativePage.can_create_at(archive_de)
    assert MemorialSitePage.can_create_at(archive_de)
    assert TestimonyPage.can_create_at(archive_de)
    assert CollectionPage.can_create_at(archive_de)
    assert ArchiveIndexPage.can_create_at(home_de)
    assert not InitiativePage.can_create_at(home_de)
    assert not HomePage.can_create_at(archive_de)
    entry = InitiativePageFactory(parent=archive_de)
    assert not MemorialSitePage.can_create_at(entry)


def test_memorial_site_shows_inscription_people_and_coordinates(client, archive_de):
    site = MemorialSitePageFactory(
        parent=archive_de,
        latitude=49.14271,
        longitude=9.21234,
        inscription="HIER WOHNTE\nNANNCHEN KAHN\nJG. 1884\n\nHIER WOHNTE\nADOLF KAHN\nJG. 1881",
    )
    CommemoratedPersonFactory(site=site, name="Nannchen Kahn", birth_year=1884, fate="Deportiert 1941 Riga ermordet")
    html = client.get(site.url).content.decode()
    assert "Nannchen Kahn" in html
    assert "Deportiert 1941 Riga ermordet" in html
    # Each stone a paragraph of its own, its lines broken as on the stone.
    assert (
        '<div class="inscription"><p>HIER WOHNTE<br>NANNCHEN KAHN<br>JG. 1884</p>'
        "<p>HIER WOHNTE<br>ADOLF KAHN<br>JG. 1881</p></div>"
    ) in html
    assert "49.14271" in html


def test_living_person_flag_hides_witness_details(client, archive_de):
    testimony = TestimonyPageFactory(parent=archive_de, witness_name="Irina Wassiljewa", recorded_place="Kaluga")
    assert "Irina Wassiljewa" in client.get(testimony.url).content.decode()
    testimony.contains_personal_data = True
    testimony.save_revision().publish()
    html = client.get(testimony.url).content.decode()
    assert "Irina Wassiljewa" not in html
    assert "Kaluga" not in html.split("entry-source")[0].split("facts")[1]


def test_language_switcher_links_the_translation(client, archive_de, archive_ru):
    german = InitiativePageFactory(parent=archive_de, title="Kranzniederlegung", slug="kranz")
    russian = InitiativePageFactory(
        parent=archive_ru, title="Возложение венков", slug="venki", translation_key=german.translation_key
    )
    html = client.get(german.url).content.decode()
    assert f'href="{russian.url}" lang="ru"' in html
    assert 'hreflang="ru"' in html
    html = client.get(russian.url).content.decode()
    assert f'href="{german.url}" lang="de"' in html
    assert "language-switcher__missing" not in html


def test_language_switcher_names_each_language_in_itself_and_keeps_a_lists_filters(client, archive_de, archive_ru):
    html = client.get("/de/").content.decode()
    assert '<span aria-current="true" lang="de">Deutsch</span>' in html
    assert 'hreflang="ru">Русский</a>' in html
    html = client.get("/ru/").content.decode()
    assert '<span aria-current="true" lang="ru">Русский</span>' in html
    assert 'hreflang="de">Deutsch</a>' in html
    html = client.get(archive_de.url, {"city": "heilbronn", "page": "2"}).content.decode()
    # The filters go along to the other language's list; the page number does not.
    assert f'href="{archive_ru.url}?city=heilbronn" lang="ru"' in html


def test_language_switcher_says_when_there_is_no_translation(client, archive_de, home_ru):
    german_only = InitiativePageFactory(parent=archive_de)
    html = client.get(german_only.url).content.decode()
    assert "language-switcher__missing" in html
    assert f'href="{home_ru.url}" lang="ru"' in html


def test_date_with_precision_is_shown_on_the_page(client, archive_de, archive_ru):
    german = InitiativePageFactory(parent=archive_de, date=datetime.date(1942, 1, 1), date_precision="circa")
    russian = InitiativePageFactory(parent=archive_ru, date=datetime.date(1942, 1, 1), date_precision="circa")
    assert "um 1942" in client.get(german.url).content.decode()
    assert "около 1942 г." in client.get(russian.url).content.decode()


def test_archive_index_filters_and_paginates(client, archive_de, vocabulary):
    heilbronn, berlin = vocabulary["heilbronn"], vocabulary["berlin"]
    for number in range(30):
        MemorialSitePageFactory(parent=archive_de, title=f"Stein {number:02d}", city=heilbronn)
    InitiativePageFactory(parent=archive_de, title="Gedenken in Berlin", city=berlin)
    response = client.get(archive_de.url)
    assert response.context["entries"].paginator.count == 31
    assert len(response.context["entries"]) == ArchiveIndexPage.entries_per_page
    response = client.get(archive_de.url, {"city": "berlin"})
    assert [entry.title for entry in response.context["entries"]] == ["Gedenken in Berlin"]
    response = client.get(archive_de.url, {"type": "memorial_site", "page": 2})
    assert len(response.context["entries"]) == 30 - ArchiveIndexPage.entries_per_page


def test_unpublished_entries_and_unconsented_testimonies_are_not_listed(client, archive_de):
    draft = MemorialSitePageFactory(parent=archive_de, title="Entwurf Zyx", live=False)
    TestimonyPageFactory(parent=archive_de, title="Ohne Zustimmung Zyx", consent="not_recorded")
    html = client.get(archive_de.url).content.decode()
    assert "Entwurf Zyx" not in html
    assert "Ohne Zustimmung Zyx" not in html
    assert client.get(Page.objects.get(pk=draft.pk).url or "/de/archiv/entwurf/").status_code == 404


def test_tag_page_and_map_data(client, archive_de):
    site = MemorialSitePageFactory(parent=archive_de, title="Allee 39", latitude=49.1, longitude=9.2)
    site.tags.add("Riga")
    site.save()
    response = client.get("/de/tags/riga/")
    assert response.status_code == 200
    assert "Allee 39" in response.content.decode()
    data = client.get("/map/entries.geojson", {"language": "de"}).json()
    assert [feature["properties"]["title"] for feature in data["features"]] == ["Allee 39"]
    assert data["features"][0]["geometry"]["coordinates"] == [9.2, 49.1]
    site.unpublish()  # gone from the map data at once: it is not cached
    assert client.get("/map/entries.geojson", {"language": "de"}).json()["features"] == []
    assert client.get("/de/map/").status_code == 200


def test_error_pages(client, db):
    response = client.get("/de/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Memoria" in response.content.decode()


def test_the_favicon_is_served_at_the_root_and_linked_from_every_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.ico"
    assert finders.find("img/favicon.ico") and finders.find("img/favicon.svg")
    html = client.get("/de/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("de", "49,14347°\u00a0N, 9,22237°\u00a0O"), ("ru", "49,14347°\u00a0с.\u00a0ш., 9,22237°\u00a0в.\u00a0д.")],
)
def test_coordinates_read_unambiguously_with_decimal_commas(client, archive_de, archive_ru, language, expected):
    parent = archive_de if language == "de" else archive_ru
    site = MemorialSitePageFactory(parent=parent, latitude=49.143473, longitude=9.2223735000003)
    html = client.get(site.url).content.decode()
    assert f">{expected}</a>" in html
    assert "#49.14347,9.22237" in html  # the map's link keeps its dots


def test_a_persons_line_does_not_tell_the_deportation_twice(client, archive_de):
    site = MemorialSitePageFactory(parent=archive_de)
    CommemoratedPersonFactory(site=site, name="Adolf Kahn", deported="1941", fate="Deportiert 1941 ermordet in Riga")
    CommemoratedPersonFactory(
        site=site, name="Max Kahn", deported="1941 nach Riga", fate="Deportiert 1941 Riga ermordet"
    )
    CommemoratedPersonFactory(site=site, name="Rosa Kahn", deported="1942 nach Theresienstadt", fate="Ermordet")
    html = client.get(site.url).content.decode()
    with translation.override("de"):
        deported = translation.gettext("Deported")
    assert f"{deported}: 1941" not in html  # neither "1941" nor "1941 nach Riga"
    assert "Deportiert 1941 ermordet in Riga" in html
    assert f"{deported}: 1942 nach Theresienstadt" in html


def test_the_frame_of_every_page_follows_a_change_at_once_and_costs_no_query_of_its_own(client, home_de, archive_de):
    imprint = InformationPage(title="Impressum Zyx", slug="impressum-zyx", body="<p>Memoria</p>", locale=home_de.locale)
    home_de.add_child(instance=imprint)
    html = client.get("/de/").content.decode()
    assert "Impressum Zyx" in html
    assert f'href="{archive_de.url}"' in html

    def frame_queries():
        with CaptureQueriesContext(connection) as queries:
            client.get("/de/")
        tables = ("home_informationpage", "archive_archiveindexpage")
        return [query["sql"] for query in queries.captured_queries if any(table in query["sql"] for table in tables)]

    # Kept for the page cache's generation: a second request asks nothing for the frame.
    assert frame_queries() == []
    # Taken down: gone from the frame with the next request, in this process and in any other.
    imprint.unpublish()
    archive_de.unpublish()
    assert frame_queries() != []
    html = client.get("/de/").content.decode()
    assert "Impressum Zyx" not in html
    assert f'href="{archive_de.url}"' not in html
