"""A partner's memorial site, from the admin to a reader, in a real browser.

The partner in Kaluga writes an entry in Russian with a photo and submits it for review; an
editor approves it; a reader on the German site finds it with the search box and opens it.
Every public page on the way is checked with axe-core, and every step leaves a full-page
screenshot in test-artifacts/browser/ (numbered in the order taken).

The admin's language is each user's own preference; both users have English, so the test can
find Wagtail's buttons by their (stable, untranslated) English names.
"""

import re

import pytest
from django.contrib.auth.models import Group
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.models import WorkflowState
from wagtail.users.models import UserProfile

from archive.models import MemorialSitePage
from archive.partners import EDITORS, ensure_editorial, setup_partner_city
from archive.vocabulary import ensure_vocabulary
from tests.archive.test_partners import make_user

pytestmark = [
    pytest.mark.browser,
    # The live server answers from another thread, so the data must be committed. The flush after a
    # transactional test also empties what the migrations created (locales, home pages): the
    # serialized rollback puts that back first, whichever test ran before.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "secret-password"  # make_user's
UNIQUE_WORD = "Тестовская"  # found nowhere else in the archive
TITLE = f"Мемориальная доска {UNIQUE_WORD}"
ALT_TEXT = "Мемориальная доска на стене дома, тёмно-красная табличка"


@pytest.fixture
def kaluga(db):
    ensure_vocabulary()
    # Creates the archive of each locale (through the importer's TreePlacer), Kaluga's section in
    # both, the partner group and its collection; it calls ensure_editorial() itself, and so do we,
    # as `make run` does with the setup_editorial command.
    setup = setup_partner_city("kaluga", "Kaluga", "Калуга", "RU", "Oblast Kaluga")
    ensure_editorial()
    return setup


def english_speaking(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def partner(django_user_model, kaluga):
    return english_speaking(make_user(django_user_model, "kaluga-partner", kaluga.group))


@pytest.fixture
def editor(django_user_model, kaluga):
    return english_speaking(make_user(django_user_model, "editor", Group.objects.get(name=EDITORS)))


@pytest.fixture
def photo(tmp_path):
    """A small real PNG: a dark red plaque on a light wall."""
    path = tmp_path / "memorial-plaque.png"
    image = PILImage.new("RGB", (480, 320), "#e8e2d8")
    ImageDraw.Draw(image).rectangle((120, 80, 360, 240), fill="#7a1f1f", outline="#3b0f0f", width=6)
    image.save(path)
    return path


def log_in(journey, page, user, name):
    # The login page comes before the user's preference is known, so it is in the site's default
    # language (German): fields by id, the button by its type.
    page.goto("/admin/login/")
    journey.screenshot(page, f"{name}-login")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def show_action(page, name):
    """A button of the page editor's action menu, which shows only its first; the rest drop up."""
    button = page.get_by_role("button", name=name, exact=True)
    if not button.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    button.wait_for(state="visible")
    return button


def partner_submits(journey, new_context, partner, kaluga, photo):
    page = new_context().new_page()
    log_in(journey, page, partner, "partner")
    journey.screenshot(page, "partner-dashboard")

    # Straight to Kaluga's Russian section in the explorer: how the explorer's menus lead there is
    # Wagtail's business; that the partner may write there is ours.
    section_ru = kaluga.sections[1]
    page.goto(f"/admin/pages/{section_ru.pk}/")
    journey.screenshot(page, "partner-kaluga-section-ru")
    page.get_by_role("link", name="Add child page").first.click()
    page.wait_for_url(re.compile(rf"/admin/pages/{section_ru.pk}/add_subpage/$"))
    journey.screenshot(page, "partner-choose-page-type")
    page.get_by_role("link", name=re.compile(r"^Memorial site", re.IGNORECASE)).first.click()

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill("Доска в память о жителях Калуги, погибших в годы войны.")
    page.locator("#id_address").fill("Калуга, улица Ленина, 1")
    page.locator("#id_latitude").fill("54.5293")
    page.locator("#id_longitude").fill("36.2754")

    # The photo goes in through the image chooser's upload tab, into Kaluga's own collection (the
    # only one the partner may add to); the description is the image's alt text.
    page.get_by_role("button", name="Choose an image").click()
    modal = page.locator(".modal-content")
    modal.get_by_role("tab", name="Upload").click()
    modal.locator("input[type=file]").set_input_files(photo)
    modal.locator("#id_image-chooser-upload-title").fill("Мемориальная доска, Калуга")
    modal.locator("#id_image-chooser-upload-description").fill(ALT_TEXT)
    journey.screenshot(page, "partner-image-upload")
    modal.get_by_role("button", name="Upload").click()
    page.locator(".modal-content").wait_for(state="hidden")
    journey.screenshot(page, "partner-entry-filled-in")

    # Wagtail 8 autosaves a new page half a second after the last change and turns the form into the
    # page's edit form. A person pauses that long anyway; a test does not, and a "Submit" that
    # overtakes that first autosave creates the page a second time ("slug already in use"). So the
    # test waits, as a person would, until the editor says the entry is saved.
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    page.locator("#w-autosave-indicator[data-w-autosave-state-value='saved']").wait_for()
    submit = show_action(page, "Submit to Editorial review")
    journey.screenshot(page, "partner-submit-menu")
    submit.click()
    page.wait_for_url(re.compile(rf"/admin/pages/{section_ru.pk}/$"))
    journey.screenshot(page, "partner-submitted")
    page.context.close()

    entry = MemorialSitePage.objects.get(title=TITLE)
    assert not entry.live
    assert entry.locale.language_code == "ru"
    assert entry.image.collection == kaluga.collection
    assert entry.image.description == ALT_TEXT
    assert WorkflowState.objects.get(object_id=str(entry.pk)).status == WorkflowState.STATUS_IN_PROGRESS
    return entry


def editor_approves(journey, new_context, editor, entry):
    page = new_context().new_page()
    log_in(journey, page, editor, "editor")
    # The dashboard lists what awaits the editor's review; the title leads to the edit view.
    journey.screenshot(page, "editor-dashboard")
    page.get_by_role("region", name="Awaiting your review").get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(rf"/admin/pages/{entry.pk}/edit/$"))
    approve = show_action(page, "Approve and Publish")
    journey.screenshot(page, "editor-approve-menu")
    approve.click()
    page.wait_for_url(re.compile(rf"/admin/pages/{entry.get_parent().pk}/$"))
    journey.screenshot(page, "editor-approved")
    page.context.close()

    entry.refresh_from_db()
    assert entry.live


def reader_finds(journey, new_context, entry):
    page = new_context(locale="de-DE").new_page()
    page.goto("/de/")
    journey.visit_public(page, "reader-home-de")
    page.goto("/ru/")
    journey.visit_public(page, "reader-home-ru")

    page.goto("/de/search/")
    # A German reader types the Russian name in Latin letters.
    page.locator("#id_q").fill("Testovskaya")
    page.get_by_role("button", name="Suche", exact=True).click()
    page.wait_for_url(re.compile(r"/de/search/\?"))
    result = page.locator(".search-results").get_by_role("link", name=TITLE)
    assert result.count() == 1
    journey.visit_public(page, "reader-search-results")

    result.click()
    page.wait_for_url(f"**{entry.url}")
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    image = page.locator(".entry-image img")
    assert image.get_attribute("alt") == ALT_TEXT
    journey.visit_public(page, "reader-entry")

    page.goto("/de/map/")
    journey.visit_public(page, "reader-map")
    page.goto("/de/contribute/")
    journey.visit_public(page, "reader-contribute")
    page.context.close()


def test_a_partners_memorial_site_is_reviewed_published_found_and_accessible(
    new_context, journey, kaluga, partner, editor, photo
):
    entry = partner_submits(journey, new_context, partner, kaluga, photo)
    editor_approves(journey, new_context, editor, entry)
    reader_finds(journey, new_context, entry)

    # Checked at the end, so that one run reports every page's problems at once.
    assert not journey.violations, "axe found serious or critical problems:\n" + "\n".join(journey.violations)
