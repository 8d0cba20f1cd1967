"""Anonymous readers' pages from the cache, dropped by every change to content (memoria.page_cache)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from archive.factories import MemorialSitePageFactory, TestimonyPageFactory
from memoria import page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.MEMORIA_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def entry(archive_de):
    return MemorialSitePageFactory(parent=archive_de, title="Gedenkstein am Marktplatz")


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_a_second_anonymous_visit_is_served_from_the_cache(client, entry, archive_de):
    first, first_queries = get(client, entry.url)
    second, second_queries = get(client, entry.url)
    assert first.status_code == second.status_code == 200
    assert (first["X-Memoria-Cache"], second["X-Memoria-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second_queries <= 1 < first_queries  # at most the session-less cache itself (locmem: none)
    # The copy keeps the page's own headers, and tells the browser to keep nothing.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "max-age" not in second.get("Cache-Control", "")
    assert "Expires" not in second


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda page: page.unpublish(), id="unpublished"),
        pytest.param(lambda page: page.delete(), id="deleted"),
        pytest.param(
            lambda page: PageViewRestriction.objects.create(page=page, restriction_type="password", password="x"),
            id="password",
        ),
    ],
)
def test_a_change_drops_every_kept_page_at_once(client, entry, archive_de, change, django_capture_on_commit_callbacks):
    assert entry.title in client.get(archive_de.url).content.decode()
    assert client.get(archive_de.url)["X-Memoria-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        change(entry)
    listing = client.get(archive_de.url)
    assert listing["X-Memoria-Cache"] == "miss"
    assert entry.title not in listing.content.decode()
    assert client.get(entry.url).status_code != 200 or "Passwort" in client.get(entry.url).content.decode()


def test_withdrawn_consent_is_not_served_from_the_cache(client, archive_de, django_capture_on_commit_callbacks):
    testimony = TestimonyPageFactory(parent=archive_de, title="Erinnerungen einer Zeitzeugin")
    assert client.get(testimony.url).status_code == 200
    assert client.get(testimony.url)["X-Memoria-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        testimony.consent = "not_recorded"
        testimony.save_revision()  # withdrawing consent unpublishes at once
    assert client.get(testimony.url).status_code == 404
    assert testimony.title not in client.get(archive_de.url).content.decode()


def test_an_edit_is_shown_at_once(client, entry, django_capture_on_commit_callbacks):
    client.get(entry.url)
    with django_capture_on_commit_callbacks(execute=True):
        entry.title = "Gedenkstein am Rathaus"
        entry.save_revision().publish()
    entry.refresh_from_db()
    assert "Gedenkstein am Rathaus" in client.get(entry.url).content.decode()


def test_logged_in_users_and_forms_are_never_kept(client, entry, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    assert "X-Memoria-Cache" not in client.get(entry.url)
    assert "X-Memoria-Cache" not in client.get(entry.url)
    client.logout()
    # A page behind a password answers with Wagtail's password form, which sets the reader's own
    # CSRF cookie: the response carries a cookie, so it is not kept (the path is not in NEVER).
    restricted = MemorialSitePageFactory(parent=entry.get_parent(), title="Geschützt")
    PageViewRestriction.objects.create(page=restricted, restriction_type="password", password="x")
    assert not restricted.url.startswith(page_cache.NEVER)
    first = client.get(restricted.url)
    assert first.status_code == 200 and first.cookies, "the password form sets its CSRF cookie"
    assert "X-Memoria-Cache" not in first
    assert "X-Memoria-Cache" not in client.get(restricted.url)


def test_only_the_lists_filters_are_kept_not_any_query(client, entry, archive_de):
    """`?x=1`, `?x=2`, ... would fill the cache with copies of one page."""
    assert client.get(archive_de.url, {"page": "1"})["X-Memoria-Cache"] == "miss"
    assert client.get(archive_de.url, {"page": "1"})["X-Memoria-Cache"] == "hit"
    for query in ({"x": "1"}, {"page": ["1", "2"]}, {"tag": "t" * 101}):
        client.get(archive_de.url, query)
        assert "X-Memoria-Cache" not in client.get(archive_de.url, query), query


def test_renditions_made_while_a_page_renders_keep_the_generation(entry):
    from wagtail.images.models import Rendition

    before = page_cache.generation()
    page_cache.content_changed(Rendition)
    assert page_cache.generation() == before
    page_cache.content_changed(type(entry))
    assert page_cache.generation() > before


def test_search_and_api_follow_the_index_and_are_never_kept(client, entry):
    for url in ["/de/search/?q=Gedenkstein", "/api/v1/search/?q=Gedenkstein", "/healthz/"]:
        client.get(url)
        assert "X-Memoria-Cache" not in client.get(url), url


def test_a_lost_generation_key_never_brings_back_an_older_page(client, entry, archive_de):
    from django.core.cache import cache

    client.get(archive_de.url)
    old = page_cache.generation()
    cache.delete(page_cache.GENERATION_KEY)  # e.g. culled from a full database cache
    assert page_cache.generation() > old
    assert client.get(archive_de.url)["X-Memoria-Cache"] == "miss"


def test_off_by_default_outside_production(client, entry, settings):
    settings.MEMORIA_PAGE_CACHE_SECONDS = 0
    client.get(entry.url)
    assert "X-Memoria-Cache" not in client.get(entry.url)


def test_the_map_data_and_large_pages_are_not_kept(client, entry, archive_de, monkeypatch):
    """The map's data has its own cache; a large response is served, not written into the cache."""
    client.get("/map/entries.geojson")
    assert "X-Memoria-Cache" not in client.get("/map/entries.geojson")
    monkeypatch.setattr(page_cache, "LARGEST_KEPT_BYTES", 100)
    client.get(archive_de.url)
    assert "X-Memoria-Cache" not in client.get(archive_de.url)
