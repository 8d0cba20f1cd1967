"""Text that a partner or an imported file wrote never runs as script, on any page a reader opens.

An entry whose title, summary and body are script payloads is published, put on the map and in
a collection; then the entry page, the search page (results, its map, the suggestions), the
collection page and the map page (tooltips and popups) are opened in Chromium. Each payload
records where it ran (window.__ran) and opens a dialog; an <img src=x> that is parsed as HTML
asks the server for /x. None of that may happen, and no page may throw.
"""

import datetime

import pytest

from archive.factories import CollectionItemFactory, CollectionPageFactory, MemorialSitePageFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORD = "Zufluchtsort"


def payload(where):
    run = f"window.__ran.push('{where}');alert('{where}')"
    return f'{WORD} <img src=x onerror="{run}"><script>{run}</script> </mark><svg onload="{run}"> &lt;b&gt;'


@pytest.fixture
def hostile_entry(archive_de, vocabulary):
    entry = MemorialSitePageFactory(
        parent=archive_de,
        title=payload("title"),
        summary=payload("summary"),
        text=payload("body"),
        inscription="",
        address="",
        city=vocabulary["heilbronn"],
        date=datetime.date(1942, 4, 26),
        latitude=49.1398,
        longitude=9.2219,
    )
    # A second site, so that the map has an area to fit rather than a point.
    MemorialSitePageFactory(parent=archive_de, title="Gedenktafel", latitude=49.15, longitude=9.20)
    collection = CollectionPageFactory(parent=archive_de, title="Sammlung", intro_text="Einführung")
    CollectionItemFactory(collection=collection, entry=entry, note=payload("note"))
    return entry, collection


def watch(page):
    """What the page did that it must not: script run, dialogs, console errors, requests for the payload's image."""
    seen = {"dialogs": [], "errors": [], "console_errors": [], "image_requests": []}
    page.add_init_script("window.__ran = [];")
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("console", lambda message: message.type == "error" and seen["console_errors"].append(message.text))
    page.on(
        "request", lambda request: request.url.rstrip("/").endswith("/x") and seen["image_requests"].append(request.url)
    )
    return seen


def nothing_ran(page, seen):
    return {"ran": page.evaluate("window.__ran"), **seen} == {
        "ran": [],
        "dialogs": [],
        "errors": [],
        "console_errors": [],
        "image_requests": [],
    }


def test_no_payload_runs_on_any_page_a_reader_opens(new_context, hostile_entry):
    entry, collection = hostile_entry
    page = new_context().new_page()
    seen = watch(page)

    page.goto(entry.url)
    page.wait_for_load_state("networkidle")
    # The title is shown as the text it is.
    assert page.locator("h1").inner_text().startswith(f"{WORD} <img src=x")
    assert nothing_ran(page, seen), seen

    page.goto(f"/de/search/?q={WORD}")
    page.wait_for_load_state("networkidle")
    assert page.locator(".entry-card").count() == 1
    marker = page.locator("#search-map .leaflet-marker-icon").first
    marker.click()
    page.locator(".leaflet-popup-content a").wait_for()
    assert page.locator(".leaflet-popup-content a").inner_text().startswith(WORD)
    assert nothing_ran(page, seen), seen

    page.fill("#id_q", WORD[:6])
    page.locator("[role=listbox] [role=option]").first.wait_for()
    assert WORD in page.locator("[role=listbox]").inner_text()
    assert nothing_ran(page, seen), seen

    page.goto(collection.url)
    page.wait_for_load_state("networkidle")
    assert WORD in page.locator("main").inner_text()
    assert nothing_ran(page, seen), seen

    page.goto("/de/map/")
    page.wait_for_load_state("networkidle")
    site = page.locator("#map path.leaflet-interactive").first
    site.hover()
    page.locator(".leaflet-tooltip").wait_for()
    page.wait_for_load_state("networkidle")
    assert nothing_ran(page, seen), seen
    assert page.locator(".leaflet-tooltip").inner_text().startswith(f"{WORD} <img src=x")
    site.click()
    page.locator(".leaflet-popup-content a").wait_for()
    assert nothing_ran(page, seen), seen
