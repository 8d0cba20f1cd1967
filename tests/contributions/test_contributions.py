import io
import random
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction

from archive.factories import MemorialSitePageFactory
from contributions.models import Contribution
from memoria.client_address import hash_address

pytestmark = pytest.mark.django_db

URL_DE = "/de/contribute/"
URL_RU = "/ru/contribute/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit(settings):
    # The rate limit lives in the (process-wide) local memory cache; the tests' settings switch it off.
    settings.RATELIMIT_ENABLE = True
    cache.clear()


@pytest.fixture
def entry(archive_de):
    return MemorialSitePageFactory(parent=archive_de, title="Achtungstraße 21")


def image_bytes(image_format="PNG", size=(10, 10), noise=False):
    if noise:  # random pixels do not compress: a file of a predictable size
        image = Image.frombytes("RGB", size, random.Random(1943).randbytes(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, "red")
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def form_data(**overrides):
    data = {
        "kind": "memory",
        "text": "Meine Großmutter hat 1943 in diesem Haus gewohnt.",
        "name": "Anna",
        "email": "",
        "consent": "on",
        "website": "",
    }
    return {**data, **overrides}


def post(client, data, url=URL_DE, address="203.0.113.7", **extra):
    return client.post(url, data, REMOTE_ADDR=address, **extra)


# The form


@pytest.mark.parametrize("url, language", [(URL_DE, "de"), (URL_RU, "ru")])
def test_the_form_renders_in_both_languages(client, url, language):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "<fieldset" in html and "<legend" in html  # the kind's radio buttons
    for name in ("kind", "text", "photo", "name", "email", "consent"):
        assert f'name="{name}"' in html
    # The honeypot: out of the tab order, not autofilled, labelled for the humans who meet it.
    assert 'name="website"' in html
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html


def test_an_entry_page_links_to_the_form_with_the_entry_preselected(client, entry):
    html = client.get(entry.url).content.decode()
    assert f'href="{URL_DE}?entry={entry.pk}"' in html

    html = client.get(URL_DE, {"entry": entry.pk}).content.decode()
    assert "Achtungstraße 21" in html
    assert f'name="entry" value="{entry.pk}"' in html
    assert 'value="correction" required id="id_kind_0" checked' in html


@pytest.mark.parametrize("kind", ["draft", "restricted", "nonsense"])
def test_entries_that_are_not_public_are_ignored(client, entry, kind):
    if kind == "draft":
        entry.unpublish()
    elif kind == "restricted":
        PageViewRestriction.objects.create(page=entry, restriction_type="login")
    entry_id = "abc" if kind == "nonsense" else entry.pk
    html = client.get(URL_DE, {"entry": entry_id}).content.decode()
    assert "Achtungstraße 21" not in html
    assert 'name="entry" value' not in html

    # Posted anyway, the id is dropped rather than stored.
    response = post(client, form_data(entry=entry_id))
    assert response.status_code == 302
    assert Contribution.objects.get().entry is None


# What is stored, and that nothing is published


@pytest.mark.parametrize("value", ["99999999999999999999", "-99999999999999999999", "0", "NaN", "1e308", " "])
def test_an_entry_id_out_of_range_is_no_entry(client, value):
    """Found by bench/fuzz_campaign.py: an id past SQLite's integer range was a 500."""
    response = client.get(URL_DE, {"entry": value})
    assert response.status_code == 200
    assert post(client, form_data(entry=value)).status_code in (200, 302)


def test_a_correction_is_stored_as_new_and_nothing_is_published(client, entry, settings):
    settings.MEMORIA_EDITORS_EMAIL = "redaktion@example.org"
    pages_before = Page.objects.count()
    revisions_before = entry.revisions.count()
    published_at = entry.last_published_at

    response = post(client, form_data(kind="correction", entry=entry.pk, text="Die Hausnummer ist 23, nicht 21."))

    assert response.status_code == 302
    assert response["Location"] == "/de/contribute/thanks/"
    contribution = Contribution.objects.get()
    assert contribution.kind == Contribution.Kind.CORRECTION
    assert contribution.status == Contribution.Status.NEW
    assert contribution.entry.pk == entry.pk
    assert contribution.language == "de"
    assert contribution.consent is True
    # Privacy: a keyed hash of the address, never the address itself.
    assert contribution.ip_hash == hash_address("203.0.113.7")
    assert len(contribution.ip_hash) == 64 and "203.0.113.7" not in contribution.ip_hash

    entry.refresh_from_db()
    assert Page.objects.count() == pages_before
    assert entry.revisions.count() == revisions_before
    assert entry.last_published_at == published_at
    assert "Hausnummer ist 23" not in client.get(entry.url).content.decode()

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200

    # The editors are told, in their language, with a link to the admin and without the reader's address.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["redaktion@example.org"]
    assert f"/admin/contribution/inspect/{contribution.pk}/" in message.body
    assert "Hausnummer ist 23" in message.body


def test_a_memory_with_a_photo_is_stored_privately(client, settings):
    response = post(
        client,
        form_data(
            text="Мой дед был в Хайльбронне в 1945 году.", photo=SimpleUploadedFile("oma.jpg", image_bytes("JPEG"))
        ),
        url=URL_RU,
    )

    assert response.status_code == 302
    assert response["Location"] == "/ru/contribute/thanks/"
    contribution = Contribution.objects.get()
    assert contribution.kind == Contribution.Kind.MEMORY
    assert contribution.status == Contribution.Status.NEW
    assert contribution.language == "ru"
    assert contribution.entry is None
    # Not in the image library and not under MEDIA_ROOT: nothing serves it to the public.
    assert not get_image_model().objects.exists()
    photo_path = Path(contribution.photo.path)
    assert photo_path.is_file()
    assert Path(settings.MEDIA_ROOT) not in photo_path.parents
    assert "oma" not in photo_path.name  # the reader's file name is not kept
    with pytest.raises(ValueError, match="not accessible via a URL"):
        contribution.photo.url  # noqa: B018
    # No MEMORIA_EDITORS_EMAIL: nobody is mailed.
    assert mail.outbox == []

    contribution.delete()
    assert not photo_path.exists()


# Refusals


def shown(message):
    """A message of ours as the German form shows it (the tests post to /de/)."""
    with translation.override("de"):
        return escape(gettext(message))


def assert_refused(response, message):
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert message in html
    assert not Contribution.objects.exists()
    return html


def test_too_long_a_text_is_refused(client):
    response = post(client, form_data(text="x" * 5001))
    html = assert_refused(response, "5000")
    # The summary links to the field, which is described by its error.
    assert 'href="#id_text"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_text_helptext id_text_error"' in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "scan.jpg",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
            shown("This file is not an image we can read. Please send a JPEG, PNG or WebP photo."),
        ),
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
            shown("Please send a JPEG, PNG or WebP photo."),
        ),
        ("animation.gif", image_bytes("GIF"), shown("Please send a JPEG, PNG or WebP photo.")),
        # Wagtail's own message, in Wagtail's German: "… stimmt nicht mit dem Dateiformat überein (png)".
        ("photo.jpg", image_bytes("PNG"), "Dateiformat überein (png)"),
    ],
)
def test_a_wrong_file_type_is_refused(client, name, content, message):
    response = post(client, form_data(photo=SimpleUploadedFile(name, content)))
    html = assert_refused(response, message)
    assert 'href="#id_photo"' in html
    assert shown("Please choose your photo again: it is not kept after an error.") in html


def test_an_oversized_photo_is_refused(client, settings):
    settings.MEMORIA_CONTRIBUTION_PHOTO_MAX_SIZE = 2048
    content = image_bytes("PNG", size=(100, 100), noise=True)
    assert len(content) > 2048
    response = post(client, form_data(photo=SimpleUploadedFile("big.png", content)))
    assert_refused(response, "Die Datei ist zu groß")  # Wagtail's message, translated by Wagtail


def test_missing_consent_is_refused(client):
    data = form_data()
    del data["consent"]
    html = assert_refused(post(client, data), shown("Without your agreement the editors cannot use your contribution."))
    assert 'href="#id_consent"' in html


def test_a_missing_kind_links_to_the_first_radio_button(client):
    data = form_data()
    del data["kind"]
    html = assert_refused(post(client, data), shown("Choose whether you send a correction or a memory."))
    assert 'href="#id_kind_0"' in html


# Spam and abuse


def test_a_filled_honeypot_looks_accepted_but_stores_nothing(client, settings):
    settings.MEMORIA_EDITORS_EMAIL = "redaktion@example.org"
    response = post(client, form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == "/de/contribute/thanks/"
    assert not Contribution.objects.exists()
    assert mail.outbox == []


def test_a_flood_from_one_address_is_refused_but_others_are_not(client):
    for number in range(5):
        assert post(client, form_data(text=f"Erinnerung {number}")).status_code == 302

    # X-Forwarded-For is the client's own claim: it changes nothing unless a setting trusts it.
    response = post(client, form_data(text="Erinnerung 6"), HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429
    html = response.content.decode()
    assert (
        shown(
            "You have sent several contributions within the last hour. To protect the archive "
            "from automated messages, please wait an hour before sending the next one."
        )
        in html
    )
    assert "Erinnerung 6" in html  # what they wrote is still on the page
    assert Contribution.objects.count() == 5

    assert post(client, form_data(text="Von nebenan"), address="203.0.113.8").status_code == 302
    assert Contribution.objects.count() == 6


def test_x_forwarded_for_counts_when_a_setting_trusts_the_proxy(client, settings):
    settings.MEMORIA_TRUST_X_FORWARDED_FOR = True
    for _number in range(5):
        post(client, form_data(), address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert post(client, form_data(), address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert post(client, form_data(), address="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
    assert Contribution.objects.get(ip_hash=hash_address("198.51.100.2"))


# The editors' side


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


@pytest.fixture
def contribution_with_photo(client):
    post(client, form_data(photo=SimpleUploadedFile("oma.png", image_bytes("PNG"))))
    return Contribution.objects.get()


def test_editors_list_filter_and_inspect_contributions(editor_client, contribution_with_photo):
    Contribution.objects.create(kind="correction", name="Boris", text="Falsches Datum", language="ru", consent=True)
    assert reverse("contribution:index") in editor_client.get("/admin/").content.decode()  # the menu item

    response = editor_client.get(reverse("contribution:index"), {"kind": "correction"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Falsches Datum" in html
    assert "Meine Großmutter" not in html
    assert "/admin/contribution/new/" not in html  # contributions come from readers only

    response = editor_client.get(reverse("contribution:inspect", args=[contribution_with_photo.pk]))
    assert response.status_code == 200
    photo_url = reverse("contribution:photo", args=[contribution_with_photo.pk])
    assert f'<img src="{photo_url}"' in response.content.decode()

    response = editor_client.get(photo_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == contribution_with_photo.photo.open("rb").read()


def test_only_editors_see_the_photo(client, contribution_with_photo):
    response = client.get(reverse("contribution:photo", args=[contribution_with_photo.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_editor_moves_the_photo_into_the_image_library(editor_client, contribution_with_photo):
    response = editor_client.post(reverse("contribution:use_photo", args=[contribution_with_photo.pk]))
    image = get_image_model().objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailimages:edit", args=[image.pk])
    assert image.collection.name == "Contributions"
    assert "Anna" in image.title


def test_an_editor_decides_but_cannot_rewrite_the_contribution(editor_client, contribution_with_photo):
    edit_url = reverse("contribution:edit", args=[contribution_with_photo.pk])
    html = editor_client.get(edit_url).content.decode()
    assert 'name="status"' in html
    assert 'name="text"' not in html

    editor_client.post(edit_url, {"status": "accepted", "text": "Umgeschrieben"})
    contribution_with_photo.refresh_from_db()
    assert contribution_with_photo.status == Contribution.Status.ACCEPTED
    assert contribution_with_photo.text.startswith("Meine Großmutter")
