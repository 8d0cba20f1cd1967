"""The search page in a real browser: suggestions as you type, the map, the filters, both languages.

Every state the reader sees is checked with axe-core and leaves a full-page screenshot in
test-artifacts/search-page/ (German and Russian, desktop and narrow). The database engine answers
the first tests, as on the embedded default; the last one runs against Elasticsearch, which gives
the facets and "did you mean".
"""

import datetime
import os
import re
import shutil
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from archive.factories import ImageFactory, InitiativePageFactory, MemorialSitePageFactory
from tests.browser.conftest import Journey

pytestmark = [
    pytest.mark.browser,
    # The live server answers from another thread: the data must be committed (see test_partner_flow).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "search-page"
NARROW = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def artifacts():
    """This page's screenshots in a folder of their own, emptied once per run."""
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture
def journey(artifacts, request):
    """Each test's screenshots in a subfolder named after it."""
    folder = artifacts / request.node.name.removeprefix("test_")
    folder.mkdir()
    return Journey(folder)


def memorial(parent, title, text, **fields):
    """A memorial site whose every searchable word is given here (the factory's inscription names a Kahn)."""
    defaults = {"summary": "", "text": text, "inscription": "", "address": "", "latitude": None, "longitude": None}
    return MemorialSitePageFactory(parent=parent, title=title, **{**defaults, **fields})


@pytest.fixture
def archive(archive_de, archive_ru, vocabulary):
    rosa = memorial(
        archive_de,
        "Stolperstein für Rosa Kahn",
        "Rosa Kahn wohnte in der Achtungstraße.",
        city=vocabulary["heilbronn"],
        date=datetime.date(1941, 12, 1),
        latitude=49.1427,
        longitude=9.2109,
        image=ImageFactory(title="Stolperstein in Heilbronn"),
    )
    rosa.tags.add("Familie Kahn")
    rosa.save()
    memorial(
        archive_ru,
        "Камень преткновения для Розы Кан",
        "Роза Кан жила на улице Ахтунгштрассе.",
        city=vocabulary["heilbronn"],
        date=datetime.date(1941, 12, 1),
        latitude=49.1427,
        longitude=9.2109,
        translation_key=rosa.translation_key,
    )
    memorial(
        archive_de,
        "Stolperstein für Adolf Kahn",
        "Adolf Kahn, Kaufmann, deportiert nach Riga.",
        city=vocabulary["heilbronn"],
        date=datetime.date(1942, 4, 26),
        latitude=49.1398,
        longitude=9.2219,
    )
    memorial(
        archive_de,
        "Gedenktafel für die Familie Kahn",
        "Eine Tafel in Berlin erinnert an die Familie Kahn.",
        city=vocabulary["berlin"],
        date=datetime.date(1988, 11, 9),
        latitude=52.5220,
        longitude=13.3503,
    )
    InitiativePageFactory(
        parent=archive_de,
        title="Jugendaustausch Kahn-Schule",
        summary="",
        text="Schüler aus Kaluga und Suhl erinnern an die Familie Kahn.",
        organisers="",
        city=vocabulary["kaluga"],
        date=datetime.date(2010, 6, 1),
    )
    memorial(
        archive_de,
        "Deportation nach Theresienstadt",
        "Die Deportation der Familie Löwenthal.",
        date=datetime.date(1942, 6, 1),
    )


def query_field(page):
    return page.locator("#id_q")


def suggestions_by_keyboard(journey, page, name):
    """Type, arrow through the suggestions, check the combobox's state at each step."""
    field = query_field(page)
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-expanded") == "false"
    listbox_id = field.get_attribute("aria-controls")
    listbox = page.locator(f"#{listbox_id}")
    assert listbox.get_attribute("role") == "listbox"

    field.fill("")
    field.press_sequentially("Kah", delay=40)
    options = listbox.get_by_role("option")
    options.first.wait_for()
    count = options.count()
    assert 2 <= count <= 8
    assert field.get_attribute("aria-expanded") == "true"
    # The polite live region tells how many there are.
    status = page.locator("#search-suggestions-status")
    assert status.get_attribute("role") == "status"
    assert str(count) in status.inner_text()
    assert field.get_attribute("aria-activedescendant") is None

    field.press("ArrowDown")
    first = options.nth(0).get_attribute("id")
    assert field.get_attribute("aria-activedescendant") == first
    assert options.nth(0).get_attribute("aria-selected") == "true"
    field.press("ArrowDown")
    second = options.nth(1).get_attribute("id")
    assert field.get_attribute("aria-activedescendant") == second
    assert options.nth(0).get_attribute("aria-selected") == "false"
    field.press("ArrowUp")
    assert field.get_attribute("aria-activedescendant") == first
    # The focus never left the field: the options are chosen by aria-activedescendant.
    assert page.evaluate("document.activeElement.id") == "id_q"
    journey.screenshot(page, f"{name}-suggestions")
    journey.check_accessibility(page, f"{name}-suggestions")

    field.press("Escape")
    assert field.get_attribute("aria-expanded") == "false"
    assert field.get_attribute("aria-activedescendant") is None
    assert field.input_value() == "Kah"

    # Down again opens the list on its first option; Enter goes to that entry.
    field.press("ArrowDown")
    assert field.get_attribute("aria-expanded") == "true"
    title = options.nth(0).locator(".combobox__title").inner_text()
    field.press("Enter")
    page.wait_for_load_state()
    page.get_by_role("heading", level=1, name=title).wait_for()


def map_by_keyboard(page):
    """Tab into the map, open a marker's popup, close it, and Tab on out of the map."""
    area_button = page.locator("[data-search-area]")
    container = page.locator("#search-map")
    container.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "search-map__marker" in focused
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup a[href]:not(.leaflet-popup-close-button)").first
    link.wait_for()
    assert page.evaluate("document.activeElement.closest('.leaflet-popup') !== null")
    assert label.split(". ", 1)[1].split(";")[0] in link.inner_text()
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached")
    assert "search-map__marker" in page.evaluate("document.activeElement.className")
    # No trap: Tab leads on from the markers and the zoom buttons to the map-area button.
    for _step in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-search-area')"):
            break
    else:
        pytest.fail("Tab did not lead out of the map")
    assert area_button.is_visible()


def test_suggestions_map_and_filters_with_keyboard_and_screen_reader_in_mind(new_context, journey, archive):
    page = new_context(locale="de-DE").new_page()
    page.goto("/de/search/?q=Kahn")
    journey.visit_public(page, "de-desktop-results")

    # Each result in its language, with its other language version.
    version = page.locator(".search-results a[hreflang='ru']")
    assert version.count() == 1
    assert version.locator("span[lang='ru']").inner_text() == "Камень преткновения для Розы Кан"

    # The map: a marker per place of this page's results (the initiative has no coordinates).
    page.locator(".search-map").wait_for()
    assert page.locator(".search-map__marker").count() == 3
    map_by_keyboard(page)

    # Zoomed in on Heilbronn (the wheel zooms around the pointer once the map has the focus),
    # "Search in this map area" searches there.
    page.locator("#search-map").focus()
    heilbronn = page.locator(".search-map__marker[aria-label*='Rosa Kahn']").bounding_box()
    page.mouse.move(heilbronn["x"] + heilbronn["width"] / 2, heilbronn["y"] + heilbronn["height"] / 2)
    for _step in range(2):  # two zoom levels each
        page.mouse.wheel(0, -200)
        page.wait_for_timeout(500)
    page.get_by_role("button", name=re.compile("map area|Kartenausschnitt", re.IGNORECASE)).click()
    page.wait_for_url(re.compile(r"bbox="))
    query = parse_qs(urlsplit(page.url).query)
    west, south, east, north = map(float, query["bbox"][0].split(","))
    assert west < 9.2109 < east and south < 49.1427 < north
    assert query["q"] == ["Kahn"]
    titles = page.locator(".search-results .entry-card__title").all_inner_texts()
    assert "Gedenktafel für die Familie Kahn" not in titles
    assert "Stolperstein für Rosa Kahn" in titles
    # The area is drawn, and listed among the active filters with a link that removes it.
    assert page.locator(".search-map .leaflet-overlay-pane path").count() == 1
    remove_area = page.locator(".active-filters a").filter(has_text=re.compile("Karte|Map"))
    assert remove_area.count() == 1
    journey.visit_public(page, "de-desktop-map-area")
    remove_area.click()
    page.wait_for_url(lambda url: "bbox" not in url)

    # Tag and media filters, the years, the sort order: labelled fields of the form.
    page.get_by_role("textbox", name="Schlagwort").fill("Familie Kahn")
    page.locator("#id_has_media").check()
    assert page.locator("label[for=id_has_media]").count() == 1
    page.get_by_label("Ab Jahr").fill("1940")
    page.get_by_label("Bis Jahr").fill("1949")
    page.locator(".search-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"tag=Familie"))
    assert page.locator(".search-results .entry-card__title").all_inner_texts() == ["Stolperstein für Rosa Kahn"]
    assert page.locator(".active-filters li").count() >= 3
    journey.visit_public(page, "de-desktop-filtered")

    page.goto("/de/search/?q=Kahn&sort=oldest")
    titles = page.locator(".search-results .entry-card__title").all_inner_texts()
    assert titles[0] == "Stolperstein für Rosa Kahn"
    assert titles[-1] == "Jugendaustausch Kahn-Schule"

    suggestions_by_keyboard(journey, page, "de-desktop")
    page.context.close()

    page = new_context(locale="de-DE").new_page()
    page.set_viewport_size(NARROW)
    page.goto("/de/search/?q=Kahn")
    # On a narrow screen the filters start folded; the results come first.
    assert not page.locator("details.search-filters-panel").evaluate("details => details.open")
    journey.visit_public(page, "de-narrow-results")
    page.context.close()

    for viewport, name in (({"width": 1280, "height": 900}, "ru-desktop"), (NARROW, "ru-narrow")):
        page = new_context(locale="ru-RU").new_page()
        page.set_viewport_size(viewport)
        page.goto("/ru/search/?q=Kahn")
        # The reader's language first: the Russian version is the result, the German one is linked.
        version = page.locator(".search-results a[hreflang='de']")
        assert version.count() == 1
        journey.visit_public(page, f"{name}-results")
        suggestions_by_keyboard(journey, page, name)
        page.context.close()

    assert not journey.violations, "axe found serious or critical problems:\n" + "\n".join(journey.violations)


def test_without_javascript_the_page_is_a_plain_form(new_context, journey, archive):
    page = new_context(locale="de-DE", java_script_enabled=False).new_page()
    page.goto("/de/search/?q=Kahn&bbox=9,49,9.5,49.5")
    field = query_field(page)
    assert field.get_attribute("role") is None
    assert field.get_attribute("type") == "search"
    assert not page.locator(".search-map").is_visible()
    # The map area still filters, and can be removed.
    titles = page.locator(".search-results .entry-card__title").all_inner_texts()
    assert sorted(titles) == ["Stolperstein für Adolf Kahn", "Stolperstein für Rosa Kahn"]
    # axe needs JavaScript: the same HTML is checked, enhanced, in the test above.
    journey.screenshot(page, "de-no-javascript")
    page.locator(".active-filters a").filter(has_text="Karte").click()
    page.wait_for_url(lambda url: "bbox" not in url)
    field.fill("Gedenktafel")
    page.get_by_role("button", name="Suche", exact=True).click()
    page.wait_for_url(re.compile(r"q=Gedenktafel"))
    assert page.locator(".search-results .entry-card__title").all_inner_texts() == ["Gedenktafel für die Familie Kahn"]


@pytest.fixture
def elasticsearch(settings, archive):
    """Elasticsearch answers, with an index of this test's own built from the archive above."""
    url = os.environ.get("TEST_ELASTICSEARCH_URL") or os.environ.get("ELASTICSEARCH_URL")
    if not url:
        message = "no Elasticsearch: set TEST_ELASTICSEARCH_URL (make test starts one)"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must not skip Elasticsearch tests)")
        pytest.skip(message)
    from search import client as search_client
    from search import indexing

    settings.ELASTICSEARCH_URL = url
    settings.MEMORIA_SEARCH_INDEX = f"test-{uuid.uuid4().hex[:8]}-search-page"
    search_client._clients.clear()
    indexing.rebuild()
    yield
    client = search_client.get_client()
    for name in client.indices.get(index=settings.MEMORIA_SEARCH_INDEX + "*", allow_no_indices=True):
        client.indices.delete(index=name, ignore_unavailable=True)
    search_client._clients.clear()


@pytest.mark.elasticsearch
def test_facets_and_did_you_mean_with_elasticsearch(new_context, journey, elasticsearch):
    page = new_context(locale="de-DE").new_page()
    page.goto("/de/search/?q=Kahn&sort=newest")
    # The facets are a complementary landmark, named by their heading.
    facets = page.get_by_role("complementary")
    facets.wait_for()
    assert facets.get_attribute("aria-labelledby") == "facets-heading"
    journey.visit_public(page, "es-de-desktop-facets")

    # A facet link adds its filter and keeps the others (the words, the sort order).
    facets.get_by_role("link", name=re.compile(r"^Heilbronn")).click()
    page.wait_for_url(re.compile(r"city=heilbronn"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == ["Kahn"]
    assert query["sort"] == ["newest"]
    assert page.locator(".facet__value--active").filter(has_text="Heilbronn").count() == 1
    assert page.locator(".active-filters a").filter(has_text="Heilbronn").count() == 1
    journey.visit_public(page, "es-de-desktop-city")

    page.locator(".search-facets a").filter(has_text="1940er Jahre").click()
    page.wait_for_url(re.compile(r"date_from=1940"))
    query = parse_qs(urlsplit(page.url).query)
    assert (query["date_from"], query["date_to"], query["city"]) == (["1940"], ["1949"], ["heilbronn"])
    page.context.close()

    for viewport, name in (({"width": 1280, "height": 900}, "es-ru-desktop"), (NARROW, "es-ru-narrow")):
        page = new_context(locale="ru-RU").new_page()
        page.set_viewport_size(viewport)
        page.goto("/ru/search/?q=Kahn")
        page.locator("aside.search-facets").wait_for()
        assert page.locator(".search-facets a").filter(has_text="Хайльбронн").count() == 1
        journey.visit_public(page, f"{name}-facets")
        page.context.close()

    # A misspelt word: "did you mean" replaces the words and keeps the filters.
    page = new_context(locale="de-DE").new_page()
    page.goto("/de/search/?q=Deportaion&type=memorial_site")
    suggestion = page.locator(".search-suggestion a")
    suggestion.wait_for()
    journey.visit_public(page, "es-de-desktop-did-you-mean")
    suggestion.click()
    page.wait_for_url(re.compile(r"q=deportation", re.IGNORECASE))
    assert parse_qs(urlsplit(page.url).query)["type"] == ["memorial_site"]
    page.context.close()

    assert not journey.violations, "axe found serious or critical problems:\n" + "\n".join(journey.violations)
