"""A real browser for the end-to-end tests: Debian's Chromium, driven by Playwright's sync API.

Playwright's wheel brings its driver but we never download its browsers (`playwright install`):
the machine has Debian's Chromium (`make setup-dev` installs it) and no network beyond the
package registries. The site under test is pytest-django's `live_server`.
"""

import contextlib
import json
import os
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
# Headless and quiet: no sandbox (the tests may run as root), and none of Chromium's own calls
# home (updates, sync, QUIC probes), which would only wait for a network that is not there.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"


def _missing(message):
    # A skipped browser test in CI would look like a pass: there, a missing browser is a failure.
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI must not skip the browser tests)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def browser():
    """Chromium for one test.

    While Playwright's event loop runs, Django's connections are local to the async context, not
    to the thread: with a browser for the whole module, a transactional test's setup sees a
    connection without the serialized contents, and a second test finds no locales after the
    first one's flush. Started after the database fixtures and stopped before their teardown,
    the browser leaves the serialized rollback to the thread's own connection.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed: run `make setup-dev` (pip install -r requirements-dev.txt)")
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM}: run `make setup-dev` (installs Debian's chromium)")
    if not AXE_JS.exists():
        _missing(f"no {AXE_JS.relative_to(settings.BASE_DIR)}: run `npm ci`")
    with sync_playwright() as playwright, pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API runs an asyncio event loop in this thread as long as it is started,
        # and Django refuses database access from a thread with a running loop. These tests touch the
        # database only between browser steps, never at the same time, so the check is switched off
        # while the browser is there (the database's teardown included), and for these tests only.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only once the test database exists.

    Started earlier (pytest may set session fixtures up in any order), it cannot see that the test
    database will be SQLite in memory, so it does not share the test's connection: its request
    threads open their own, and SQLite answers concurrent requests (the page editor's autosave next
    to a save) with "database table is locked".
    """
    return live_server


class Journey:
    """Numbered full-page screenshots of every step, and axe-core's findings on the public pages."""

    # What axe reports at these levels stops a reader; "moderate" and "minor" are left to reviews.
    BLOCKING_IMPACTS = {"serious", "critical"}

    def __init__(self, folder):
        self.folder = folder
        self.step = 0
        self.violations = []

    def screenshot(self, page, name):
        self.step += 1
        path = self.folder / f"{self.step:02d}-{name}.png"
        # Wagtail's admin scrolls inside <main>, not the document, so a full-page screenshot alone
        # would stop at the window's edge: the window grows to the content's height for the picture.
        hidden = page.evaluate(
            "() => { const main = document.querySelector('main.content-wrapper');"
            " return main ? main.scrollHeight - main.clientHeight : 0; }"
        )
        viewport = page.viewport_size
        if hidden > 0:
            page.set_viewport_size({"width": viewport["width"], "height": viewport["height"] + hidden})
        page.screenshot(path=path, full_page=True)
        page.set_viewport_size(viewport)

    def check_accessibility(self, page, name):
        # Evaluated, not added as a <script>: the page's Content Security Policy allows no inline
        # script (the test's own tool is not the page's), and the watcher would report it.
        page.evaluate(f"() => {{ {AXE_JS.read_text(encoding='utf-8')}\n }}")
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in self.BLOCKING_IMPACTS:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
                self.violations.append(
                    f"{name} ({page.url}): {violation['id']} [{violation['impact']}] {violation['help']}\n"
                    f"    {violation['helpUrl']}\n    targets: {json.dumps(targets, ensure_ascii=False)}"
                )

    def visit_public(self, page, name):
        """A public page as a reader sees it, once everything has loaded: screenshot, then axe."""
        page.wait_for_load_state("networkidle")
        self.screenshot(page, name)
        self.check_accessibility(page, name)


@pytest.fixture
def journey():
    """Screenshots go to test-artifacts/browser/, emptied first so none of an earlier run mixes in."""
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    return Journey(ARTIFACTS)


@pytest.fixture
def new_context(browser, live_server, settings):
    """Opens browser contexts (one per person: their own cookies) that see only the live server.

    Requests elsewhere are aborted rather than left to time out. Uploaded media are answered from
    MEDIA_ROOT: the live server, like production, serves static files only, and without this every
    image would show as broken in the screenshots.
    """
    # The admin's default avatars, rather than Gravatar pictures that cannot load here.
    settings.WAGTAIL_GRAVATAR_PROVIDER_URL = None
    contexts = []
    media_prefix = f"{live_server.url}{settings.MEDIA_URL}"

    def route(route):
        url = unquote(route.request.url.split("?", 1)[0])
        if url.startswith(media_prefix):
            path = (Path(settings.MEDIA_ROOT) / url.removeprefix(media_prefix)).resolve()
            if path.is_file() and path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
                route.fulfill(path=path)
            else:
                route.fulfill(status=404)
        elif url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    # What the Content Security Policy refused on any page of any context: each refusal is
    # something of the site that does not work under the policy.
    refused = []

    def open_context(**options):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, **options)
        context.set_default_timeout(15_000)
        context.route("**/*", route)
        context.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and refused.append(f"{message.page.url if message.page else '?'}: {message.text}")
            ),
        )
        contexts.append(context)
        return context

    yield open_context
    assert refused == [], "refused by the Content Security Policy"
    # A test that stopped half-way leaves its context open: a picture of where it stood, if it can.
    from playwright.sync_api import Error as PlaywrightError

    for number, context in enumerate(contexts, start=1):
        for page in context.pages:
            with contextlib.suppress(PlaywrightError):
                page.screenshot(path=ARTIFACTS / f"stopped-{number}.png", full_page=True)
        context.close()
