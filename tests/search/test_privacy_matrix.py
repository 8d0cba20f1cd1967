"""Every public surface against every state an entry may be in that is not public, on both engines.

Each staged entry carries a word of its own (in its title, summary and body, or only where the
state puts it); no surface may show the word or link the page. A public control entry must show
on every surface, so that a surface which shows nothing cannot pass. A new public surface joins
by being added to SURFACES; a new non-public state by being added to STATES. The site has no
sitemap, feed or OAI-PMH endpoint yet: each joins SURFACES when it is built.

On Elasticsearch the entries are first public and indexed, then put into their state, and the
outbox is drained: the index must follow the change, not only a rebuild.
"""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from archive.factories import (
    ArchiveIndexPageFactory,
    CollectionItemFactory,
    CollectionPageFactory,
    MemorialSitePageFactory,
    PartnerCityFactory,
    TestimonyPageFactory,
)
from archive.models import TestimonyPage
from home.models import FeaturedCollection
from search import indexing

pytestmark = pytest.mark.django_db

TAG = "matrix-probe"


def restrict(page, kind=PageViewRestriction.PASSWORD):
    PageViewRestriction.objects.create(page=page, restriction_type=kind, password="geheim")


def section_city(parent):
    return getattr(parent.specific, "city", None)


def memorial(parent, word, **fields):
    fields.setdefault("title", f"Stein {word}")
    fields.setdefault("city", section_city(parent))
    return MemorialSitePageFactory(
        parent=parent,
        summary=f"Zusammenfassung {word}",
        text=f"Text über {word}.",
        inscription="",
        latitude=49.14,
        longitude=9.22,
        **fields,
    )


def witness_account(parent, word, **fields):
    fields.setdefault("city", section_city(parent))
    return TestimonyPageFactory(
        parent=parent, title=f"Zeugnis {word}", summary=f"Zusammenfassung {word}", text=f"Bericht {word}.", **fields
    )


# Each state: (make the entry public, put it into the state). The word is the state's own.
def _draft_revision(page, word):
    page.title = f"Entwurf {word}"
    page.save_revision()


def _consent_withdrawn(page, word):
    page.consent = TestimonyPage.Consent.NOT_RECORDED
    page.save_revision()  # for a live testimony: unpublished at once


STATES = {
    "draft of a new entry": (lambda parent, word: memorial(parent, word, live=False), None),
    "draft revision of a live entry": (
        lambda parent, word: memorial(parent, "Vorversion", title="Stein veröffentlicht"),
        _draft_revision,
    ),
    "unpublished": (memorial, lambda page, word: page.unpublish()),
    "deleted": (memorial, lambda page, word: page.delete()),
    "behind a password": (memorial, lambda page, word: restrict(page)),
    "behind a log-in": (memorial, lambda page, word: restrict(page, PageViewRestriction.LOGIN)),
    "under a restricted parent": (
        lambda parent, word: memorial(ArchiveIndexPageFactory(parent=parent, title="Intern", slug="intern"), word),
        lambda page, word: restrict(page.get_parent()),
    ),
    "before its go-live date": (
        lambda parent, word: memorial(
            parent, word, live=False, go_live_at=timezone.now() + datetime.timedelta(days=30)
        ),
        None,
    ),
    "testimony without consent": (
        witness_account,
        lambda page, word: TestimonyPage.objects.filter(pk=page.pk).update(consent=TestimonyPage.Consent.NOT_RECORDED),
    ),
    "testimony whose consent was withdrawn": (witness_account, _consent_withdrawn),
    "witness named who is a living person": (
        lambda parent, word: witness_account(
            parent, "Lebend", witness_name=f"Zeugin {word}", contains_personal_data=True
        ),
        None,
    ),
}
# States whose page stays public: only the word may not show, the link may.
PUBLIC_PAGE = {"draft revision of a live entry", "witness named who is a living person"}
WORDS = {state: f"Quarzwort{chr(ord('a') + number)}" for number, state in enumerate(STATES)}
CONTROL = "Kontrollwort"  # no state's word is a part of it


def _get(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, (path, params, response.status_code)
    return response.content.decode()


def _pages(client, *urls):
    return "".join(_get(client, url) for url in urls)


# Each surface: what it shows of the archive when asked about a word (all it shows, where it
# takes no word). Searches ask in lower case, so the query's echo is never the word as written.
SURFACES = {
    "search page": lambda c, w, site: _get(c, "/de/search/", q=w.lower()) + _get(c, "/ru/search/", q=w.lower()),
    "search API": lambda c, w, site: _get(c, "/api/v1/search/", q=w.lower()),
    "suggestions": lambda c, w, site: _get(c, "/api/v1/suggest/", q=w.lower()),
    # Both languages: the Russian map also shows the sites not yet in Russian, in German.
    "map data": lambda c, w, site: (
        _get(c, "/map/entries.geojson", language="de") + _get(c, "/map/entries.geojson", language="ru")
    ),
    "home page": lambda c, w, site: _pages(c, "/de/", "/ru/"),
    "archive list": lambda c, w, site: _pages(c, site["archive"].url),
    "city section": lambda c, w, site: _pages(c, site["section"].url),
    "archive list by city": lambda c, w, site: _get(c, site["archive"].url, city=site["section"].city.slug),
    # A public entry whose text links every staged entry (rich-text page links).
    "links in an entry's text": lambda c, w, site: _pages(c, site["linking"].url),
    # A reader's correction to an entry, the entry named by its id in the URL.
    "contribution form": lambda c, w, site: _get(c, "/de/contribute/", entry=site["by_word"][w].pk),
    "tag page": lambda c, w, site: _get(c, f"/de/tags/{TAG}/"),
    "collection page": lambda c, w, site: _pages(c, site["collection"].url),
    # The public Russian translation of the entry: its language switcher and hreflang links.
    "translation's links": lambda c, w, site: _pages(c, site["neighbours"][w].url),
}


@pytest.fixture
def staged(archive_de, archive_ru, home_de):
    """The control entry, one entry per state, in a city's section of the archive; a collection with
    all of them, featured on the home page; a public entry whose text links each of them.

    Each has a public Russian translation (its neighbour). The control is published after the
    staged entries, so that it is among the home page's latest entries.
    """
    section = ArchiveIndexPageFactory(
        parent=archive_de, title="Heilbronn", slug="heilbronn", city=PartnerCityFactory(slug="heilbronn")
    )
    entries = {state: make(section, WORDS[state]) for state, (make, _change) in STATES.items()}
    entries["control"] = memorial(section, CONTROL)
    for entry in entries.values():
        entry.tags.add(TAG)
        if entry.live:
            entry.save_revision().publish()
        else:
            entry.save()
    collection = CollectionPageFactory(parent=archive_de, title="Sammlung für die Prüfung")
    for entry in entries.values():
        CollectionItemFactory(collection=collection, entry=entry)
    FeaturedCollection.objects.create(home=home_de, collection=collection, sort_order=0)
    links = "".join(
        f'<p><a linktype="page" id="{entry.pk}">Verweis {number}</a></p>'
        for number, entry in enumerate(entries.values())
    )
    linking = memorial(archive_de, "Verweise", title="Verweise", body=[("paragraph", RichText(links))])
    neighbours = {
        (CONTROL if state == "control" else WORDS[state]): memorial(
            archive_ru, f"Nachbar {number}", title=f"Камень {number}", translation_key=entry.translation_key
        )
        for number, (state, entry) in enumerate(entries.items())
    }
    return {
        "by_word": {CONTROL if state == "control" else WORDS[state]: entry for state, entry in entries.items()},
        "entries": entries,
        "collection": collection,
        "archive": archive_de,
        "section": section,
        "linking": linking,
        "neighbours": neighbours,
    }


def _apply_states(staged):
    urls = {}
    for state, (_make, change) in STATES.items():
        page = staged["entries"][state]
        urls[state] = page.url
        if change:
            change(page.specific, WORDS[state])
    return urls


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, settings):
    settings.RATELIMIT_ENABLE = False
    cache.clear()
    if request.param == "elasticsearch":
        return request.getfixturevalue("search_index")
    settings.ELASTICSEARCH_URL = ""
    return None


@pytest.mark.parametrize("surface", SURFACES)
def test_no_surface_shows_an_entry_that_is_not_public(client, staged, engine, surface):
    if engine:
        indexing.rebuild()  # all of them public and indexed first
    urls = _apply_states(staged)
    if engine:
        indexing.drain(retry_now=True)
        from search.client import get_client

        get_client().indices.refresh(index=engine)
    assert_nothing_shown(client, staged, surface, urls)


@pytest.mark.parametrize("surface", SURFACES)
def test_no_page_kept_for_readers_shows_an_entry_after_its_change(
    client, staged, settings, surface, django_capture_on_commit_callbacks
):
    """The page cache (memoria.page_cache) on: every surface is seen, and kept, before the changes."""
    settings.ELASTICSEARCH_URL = ""
    settings.MEMORIA_PAGE_CACHE_SECONDS = 300
    for word in [CONTROL, *WORDS.values()]:
        SURFACES[surface](client, word, staged)
    with django_capture_on_commit_callbacks(execute=True):
        urls = _apply_states(staged)
    assert_nothing_shown(client, staged, surface, urls)


def assert_nothing_shown(client, staged, surface, urls):
    show = SURFACES[surface]
    control = show(client, CONTROL, staged)
    shown = CONTROL in control or staged["entries"]["control"].url in control
    assert shown, f"{surface} does not show the public control entry: the check would prove nothing"
    leaks = []
    for state in STATES:
        text = show(client, WORDS[state], staged)
        if WORDS[state] in text:
            leaks.append(f"{state}: the word")
        if state not in PUBLIC_PAGE and urls[state] and urls[state] in text:
            leaks.append(f"{state}: the link {urls[state]}")
    assert leaks == []


# Every URL pattern of the site that shows something of the archive is a surface above; the
# others say here why they are none. A new pattern fails this test until it is in one of the two.
SURFACE_OF_ROUTE = {
    "search": "search page",
    "tag": "tag page",
    "map_geojson": "map data",
    "contribute": "contribution form",
    "api-v1:search": "search API",
    "api-v1:suggest": "suggestions",
    # Wagtail's page serving: home, archive lists, city sections, entries, collections.
    "wagtail_serve": "home page",
}
NOT_A_SURFACE = {
    "map": "the map page is a frame; what it shows comes from the map data",
    "healthz": "counts and states, no content",
    "api-v1:openapi-json": "the API's schema",
    "api-v1:api-root": "the API's root, no content",
    "api-v1:openapi-view": "the API's documentation page: it shows the schema, no content",
    "wagtaildocs_serve": "a document, behind its own collection's privacy (Wagtail's)",
    "wagtaildocs_authenticate_with_password": "the password form of a private document collection",
    "wagtailcore_authenticate_with_password": "the password form of a restricted page: it names no page",
    "wagtailcore_login": "the log-in form of a page behind a log-in: it names no page",
    "contribute_thanks": "a thank-you, no content",
    "favicon": "the site's icon",
}


def _route_names():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if str(pattern.pattern).startswith("admin/") or pattern.app_name == "wagtailadmin":
                    continue
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                if str(pattern.pattern).startswith("admin/"):
                    continue
                yield f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern)

    return set(walk(get_resolver().url_patterns, ""))


def test_every_public_url_pattern_is_a_surface_of_the_matrix_or_says_why_not():
    routes = _route_names()
    assert set(SURFACE_OF_ROUTE.values()) <= set(SURFACES)
    unlisted = sorted(routes - set(SURFACE_OF_ROUTE) - set(NOT_A_SURFACE))
    assert unlisted == [], "a URL pattern neither in the matrix nor exempted with a reason"
    assert sorted((set(SURFACE_OF_ROUTE) | set(NOT_A_SURFACE)) - routes) == []  # none stale
