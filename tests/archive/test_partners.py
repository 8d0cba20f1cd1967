"""Partner cities write in their own section and collection only, and cannot publish.

Everything is checked through the admin as a partner sees it (Django's test client, logged
in as a member of the partner's group), with real uploads in each partner's collection.
"""

import io

import pytest
import wagtail_factories
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image as PILImage
from wagtail.images.models import Image as WagtailImage
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from archive.factories import TestimonyPageFactory
from archive.models import PartnerCity
from archive.partners import EDITORS, ensure_editorial, setup_partner_city

pytestmark = pytest.mark.django_db


# Helpers the review and consent tests share -------------------------------------


def make_user(django_user_model, username, *groups):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "secret-password")
    user.groups.add(*groups)
    return user


def edit_form_data(client, page, **changes):
    """The page editor's form as the browser would send it, with some fields changed."""
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    # The body's stream is drawn by JavaScript, so it is not in the HTML: send it empty.
    data.update(nested_form_data({"body": streamfield([])}))
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.fixture
def kaluga(archive_de, archive_ru):
    return setup_partner_city("kaluga", "Kaluga", "Калуга", "RU", "Oblast Kaluga")


@pytest.fixture
def suhl(archive_de, archive_ru):
    return setup_partner_city("suhl", "Suhl", "Зуль", "DE", "Thüringen")


@pytest.fixture
def editors(kaluga):
    return Group.objects.get(name=EDITORS)


@pytest.fixture
def partner(django_user_model, kaluga):
    return make_user(django_user_model, "kaluga-partner", kaluga.group)


@pytest.fixture
def partner_client(client, partner):
    client.force_login(partner)
    return client


# The command -----------------------------------------------------------------------


def test_add_partner_city_builds_sections_group_and_collection_and_can_run_again(archive_de, archive_ru, capsys):
    args = ["--slug", "kaluga", "--name-de", "Kaluga", "--name-ru", "Калуга", "--country", "RU"]
    call_command("add_partner_city", *args, "--region", "Oblast Kaluga")
    first = capsys.readouterr().out
    assert "Created partner city kaluga" in first
    assert "Partner: Kaluga" in first

    call_command("add_partner_city", *args, "--region", "Kaluzhskaya")
    assert "Updated partner city kaluga" in capsys.readouterr().out

    city = PartnerCity.objects.get(slug="kaluga")
    assert city.region == "Kaluzhskaya"
    group = Group.objects.get(name="Partner: Kaluga")
    sections = {perm.page.specific for perm in GroupPagePermission.objects.filter(group=group)}
    assert {section.locale.language_code for section in sections} == {"de", "ru"}
    assert {section.city for section in sections} == {city}
    assert len({section.translation_key for section in sections}) == 1  # linked as translations
    assert {section.get_parent().pk for section in sections} == {archive_de.pk, archive_ru.pk}
    codenames = set(GroupPagePermission.objects.filter(group=group).values_list("permission__codename", flat=True))
    assert codenames == {"add_page", "change_page"}
    assert group.permissions.filter(codename="access_admin").exists()
    # Media permissions on its own collection only, and no model-wide ones (those cover every collection).
    assert Collection.objects.filter(name="Partner: Kaluga").count() == 1
    assert set(GroupCollectionPermission.objects.filter(group=group).values_list("collection__name", flat=True)) == {
        "Partner: Kaluga"
    }
    assert not group.permissions.filter(content_type__app_label__in=["wagtailimages", "wagtaildocs"]).exists()
    # Run twice, nothing doubled.
    assert GroupPagePermission.objects.filter(group=group).count() == 4
    assert GroupCollectionPermission.objects.filter(group=group).count() == 6


def test_editors_may_publish_in_both_archives_and_review_them(archive_de, archive_ru):
    editors, workflow, archives = ensure_editorial()
    ensure_editorial()
    assert {archive.pk for archive in archives} == {archive_de.pk, archive_ru.pk}
    for archive in archives:
        codenames = set(
            GroupPagePermission.objects.filter(group=editors, page=archive).values_list(
                "permission__codename", flat=True
            )
        )
        assert {"add_page", "change_page", "publish_page", "delete_page"} <= codenames
        assert archive.get_workflow() == workflow
    assert [task.specific.groups.get() for task in workflow.tasks] == [editors]
    assert editors.permissions.filter(codename="change_partnercity").exists()
    assert editors.permissions.filter(codename="change_theme").exists()


# Isolation --------------------------------------------------------------------------


@pytest.fixture
def other_partners_work(suhl):
    """A draft entry, an image and a document of the other partner, Suhl."""
    section_de = suhl.sections[0]
    entry = TestimonyPageFactory(parent=section_de, title="Entwurf aus Suhl", live=False)
    image = wagtail_factories.ImageFactory(title="Bild aus Suhl", collection=suhl.collection)
    document = wagtail_factories.DocumentFactory(title="Dokument aus Suhl", collection=suhl.collection)
    return entry, image, document


@pytest.fixture
def own_work(kaluga):
    section_de = kaluga.sections[0]
    entry = TestimonyPageFactory(parent=section_de, title="Entwurf aus Kaluga", live=False)
    image = wagtail_factories.ImageFactory(title="Bild aus Kaluga", collection=kaluga.collection)
    document = wagtail_factories.DocumentFactory(title="Dokument aus Kaluga", collection=kaluga.collection)
    return entry, image, document


def refused(response):
    """Wagtail answers a forbidden admin page with a 403, or a redirect to the dashboard with a message."""
    return response.status_code == 403 or (response.status_code == 302 and "/edit/" not in response["Location"])


def test_explorer_shows_only_the_partners_own_section(
    partner_client, kaluga, suhl, archive_de, own_work, other_partners_work
):
    listing = partner_client.get(f"/admin/pages/{archive_de.pk}/").content.decode()
    assert "Kaluga" in listing
    assert "Suhl" not in listing

    own_section = partner_client.get(f"/admin/pages/{kaluga.sections[0].pk}/").content.decode()
    assert "Entwurf aus Kaluga" in own_section
    response = partner_client.get(f"/admin/pages/{suhl.sections[0].pk}/")
    assert "Entwurf aus Suhl" not in response.content.decode()


def test_another_partners_draft_cannot_be_explored_by_its_id(partner_client, own_work, other_partners_work):
    """The explorer and the chooser of a page by its id: Wagtail showed the draft's title in the header."""
    entry = other_partners_work[0]
    for url in (f"/admin/pages/{entry.pk}/", f"/admin/choose-page/{entry.pk}/"):
        response = partner_client.get(url)
        assert "Entwurf aus Suhl" not in response.content.decode(), url
    own = partner_client.get(f"/admin/pages/{own_work[0].pk}/")
    assert own.status_code == 200 and "Entwurf aus Kaluga" in own.content.decode()


def test_page_editor_of_another_partner_is_refused(partner_client, own_work, other_partners_work):
    assert partner_client.get(f"/admin/pages/{own_work[0].pk}/edit/").status_code == 200
    entry = other_partners_work[0]
    assert refused(partner_client.get(f"/admin/pages/{entry.pk}/edit/"))
    assert refused(partner_client.post(f"/admin/pages/{entry.pk}/edit/", {"title": "Übernommen"}))
    entry.refresh_from_db()
    assert entry.title == "Entwurf aus Suhl"
    # ... and so is adding a page in the other section.
    assert refused(partner_client.get(f"/admin/pages/add/archive/testimonypage/{entry.get_parent().pk}/"))


def test_admin_search_finds_only_the_partners_own_pages(partner_client, own_work, other_partners_work):
    response = partner_client.get("/admin/pages/search/", {"q": "Entwurf"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Entwurf aus Kaluga" in content
    assert "Entwurf aus Suhl" not in content


def test_page_chooser_hides_the_other_partners_drafts(partner_client, archive_de, own_work, other_partners_work):
    response = partner_client.get("/admin/choose-page/search/", {"q": "Entwurf"})
    content = response.content.decode()
    assert "Entwurf aus Kaluga" in content
    assert "Entwurf aus Suhl" not in content


@pytest.mark.parametrize(
    ("listing", "chooser", "edit"),
    [
        ("/admin/images/", "/admin/images/chooser/", "/admin/images/{pk}/"),
        ("/admin/documents/", "/admin/documents/chooser/", "/admin/documents/edit/{pk}/"),
    ],
)
def test_media_of_another_partner_can_be_neither_listed_nor_chosen_nor_edited(
    partner_client, own_work, other_partners_work, listing, chooser, edit
):
    is_image = listing.startswith("/admin/images/")
    own = own_work[1] if is_image else own_work[2]
    other = other_partners_work[1] if is_image else other_partners_work[2]
    for url in (listing, chooser):
        content = partner_client.get(url).content.decode()
        assert own.title in content, url
        assert other.title not in content, url
        # Searching by title does not find it either.
        content = partner_client.get(url, {"q": "aus"}).content.decode()
        assert other.title not in content, url
    assert partner_client.get(edit.format(pk=own.pk)).status_code == 200
    assert refused(partner_client.get(edit.format(pk=other.pk)))
    assert refused(partner_client.post(edit.format(pk=other.pk), {"title": "Übernommen"}))
    other.refresh_from_db()
    assert other.title.endswith("aus Suhl")


def test_a_partner_uploads_into_its_own_collection_only(partner_client, kaluga, suhl):
    def upload(collection, title):
        png = io.BytesIO()
        PILImage.new("RGB", (8, 8), "red").save(png, "PNG")
        data = {"title": title, "collection": collection.pk, "file": SimpleUploadedFile("bild.png", png.getvalue())}
        partner_client.post("/admin/images/add/", data)

    upload(kaluga.collection, "Hochgeladen in Kaluga")
    upload(suhl.collection, "Hochgeladen in Suhl")
    assert WagtailImage.objects.get(title="Hochgeladen in Kaluga").collection == kaluga.collection
    assert not WagtailImage.objects.filter(collection=suhl.collection).exists()


# Publishing -------------------------------------------------------------------------


def test_a_partner_cannot_publish(partner_client, partner, own_work):
    entry = own_work[0]
    assert entry.permissions_for_user(partner).can_edit()
    assert not entry.permissions_for_user(partner).can_publish()
    assert entry.permissions_for_user(partner).can_submit_for_moderation()

    response = partner_client.get(f"/admin/pages/{entry.pk}/edit/")
    assert 'name="action-publish"' not in response.content.decode()
    # Sending the publish button anyway only saves a draft.
    data = edit_form_data(partner_client, entry, title="Veröffentlicht?")
    data["action-publish"] = "action-publish"
    partner_client.post(f"/admin/pages/{entry.pk}/edit/", data)
    entry.refresh_from_db()
    assert not entry.live
    assert entry.get_latest_revision_as_object().title == "Veröffentlicht?"
