"""Consent rules for testimonies, the living-persons flag, and embargoes (scheduled publishing)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageLogEntry, WorkflowState

from archive.factories import InitiativePageFactory, TestimonyPageFactory
from archive.models import TestimonyPage
from archive.models.pages import CONSENT_REQUIRED, ConsentRequired
from archive.partners import EDITORS, setup_partner_city
from search.indexing import actions_for
from search.models import IndexOutbox
from tests.archive.test_partners import edit_form_data, make_user

pytestmark = pytest.mark.django_db

NO_CONSENT = {"consent": TestimonyPage.Consent.NOT_RECORDED, "consent_given_by": "", "consent_date": None}


@pytest.fixture
def kaluga(archive_de, archive_ru):
    return setup_partner_city("kaluga", "Kaluga", "Калуга", "RU", "Oblast Kaluga")


@pytest.fixture
def editor(django_user_model, kaluga):
    return make_user(django_user_model, "editor", Group.objects.get(name=EDITORS))


@pytest.fixture
def partner(django_user_model, kaluga):
    return make_user(django_user_model, "kaluga-partner", kaluga.group)


@pytest.fixture
def section(kaluga):
    return kaluga.sections[0]


def post_edit(client, user, page, action=None, **changes):
    client.force_login(user)
    data = edit_form_data(client, page, **changes)
    if action:
        data[action] = action
    return client.post(f"/admin/pages/{page.pk}/edit/", data)


# Publishing needs consent ----------------------------------------------------------------


@pytest.mark.parametrize("action", ["action-publish", "action-submit"])
def test_the_editor_refuses_to_publish_or_submit_a_testimony_without_consent(client, editor, section, action):
    testimony = TestimonyPageFactory(parent=section, live=False, **NO_CONSENT)
    response = post_edit(client, editor, testimony, action, title="Ohne Einwilligung")

    assert response.status_code == 200  # the editor again, with the error
    assert response.context["form"].errors["consent"] == [str(CONSENT_REQUIRED)]
    testimony.refresh_from_db()
    assert not testimony.live
    assert not WorkflowState.objects.filter(object_id=str(testimony.pk)).exists()


def test_a_testimony_without_consent_can_be_saved_as_a_draft(client, editor, section):
    testimony = TestimonyPageFactory(parent=section, live=False, **NO_CONSENT)
    response = post_edit(client, editor, testimony, title="Entwurf ohne Einwilligung")
    assert response.status_code == 302
    testimony.refresh_from_db()
    assert testimony.title == "Entwurf ohne Einwilligung"
    assert not testimony.live


def test_recording_consent_lets_the_editor_publish(client, editor, section):
    testimony = TestimonyPageFactory(parent=section, live=False, **NO_CONSENT)
    response = post_edit(
        client,
        editor,
        testimony,
        "action-publish",
        consent="public",
        consent_given_by="Anna P.",
        consent_date="2024-05-08",
    )
    assert response.status_code == 302
    testimony.refresh_from_db()
    assert testimony.live
    assert testimony.consent == "public"


def test_no_other_route_publishes_a_testimony_without_consent(editor, partner, section):
    testimony = TestimonyPageFactory(parent=section, live=False, **NO_CONSENT)
    revision = testimony.save_revision(user=editor)
    with pytest.raises(ConsentRequired):
        revision.publish(user=editor)
    testimony.refresh_from_db()
    assert not testimony.live
    assert not PageLogEntry.objects.filter(page=testimony, action="wagtail.publish").exists()


def test_approving_a_review_of_a_testimony_without_consent_is_refused(client, editor, partner, section):
    # Submitting from the editor is refused (above); a review started another way still cannot publish.
    testimony = TestimonyPageFactory(parent=section, live=False, **NO_CONSENT)
    testimony.save_revision(user=partner)
    state = testimony.get_workflow().start(testimony, partner)
    client.force_login(editor)
    response = client.post(
        f"/admin/pages/workflow/action/{testimony.pk}/approve/{state.current_task_state.pk}/", {"comment": ""}
    )
    # Refused like any publish the user may not do: Wagtail's admin turns it into its "permission
    # denied" redirect (a 403 for a script), and rolls the approval back.
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    testimony.refresh_from_db()
    assert not testimony.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS  # nothing of the approval was kept


# Withdrawing consent --------------------------------------------------------------------


def test_withdrawing_consent_unpublishes_at_once(client, editor, section, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # search writes its outbox (never pushed: no commit)
    testimony = TestimonyPageFactory(parent=section)
    url = testimony.url
    assert client.get(url).status_code == 200
    outbox_before = IndexOutbox.objects.filter(page_id=testimony.pk).count()

    # The editor only saves a draft: for a live page that normally leaves the live version alone.
    response = post_edit(client, editor, testimony, consent="not_recorded", consent_given_by="", consent_date="")
    assert response.status_code == 302

    testimony.refresh_from_db()
    assert not testimony.live
    assert testimony.consent == TestimonyPage.Consent.NOT_RECORDED
    unpublished = PageLogEntry.objects.get(page=testimony, action="wagtail.unpublish")
    assert unpublished.user == editor
    client.logout()
    assert client.get(url).status_code == 404
    # The search index is told, and its next push deletes the entry.
    assert IndexOutbox.objects.filter(page_id=testimony.pk).count() > outbox_before
    assert [action["_op_type"] for action in actions_for({testimony.pk: 1}, "test")] == ["delete"]


def test_withdrawing_consent_cancels_a_scheduled_publication(editor, section):
    testimony = TestimonyPageFactory(parent=section, live=True)
    testimony.go_live_at = timezone.now() + datetime.timedelta(days=1)
    testimony.save_revision(user=editor).publish(user=editor)  # live, a new version scheduled
    assert testimony.revisions.exclude(approved_go_live_at=None).exists()

    for name, value in NO_CONSENT.items():
        setattr(testimony, name, value)
    testimony.save_revision(user=editor)

    testimony.refresh_from_db()
    assert not testimony.live
    assert not testimony.revisions.exclude(approved_go_live_at=None).exists()


# The living-persons flag ----------------------------------------------------------------


def test_only_an_editor_may_clear_the_living_persons_flag(client, editor, partner, section):
    testimony = TestimonyPageFactory(parent=section, live=False, contains_personal_data=True)
    # The checkbox left unticked is how the browser clears it.
    response = post_edit(client, partner, testimony, contains_personal_data=None)
    assert response.status_code == 200
    assert "contains_personal_data" in response.context["form"].errors
    testimony.refresh_from_db()
    assert testimony.contains_personal_data

    # Setting it is fine for anyone; clearing it is fine for an editor.
    response = post_edit(client, editor, testimony, contains_personal_data=None)
    assert response.status_code == 302
    testimony.refresh_from_db()
    assert not testimony.contains_personal_data


# Embargo: scheduled publishing ----------------------------------------------------------


def test_an_embargoed_entry_goes_live_only_when_its_date_has_come(client, editor, section, monkeypatch):
    entry = InitiativePageFactory(parent=section, live=False, title="Gedenkstunde mit Sperrfrist")
    go_live_at = timezone.now() + datetime.timedelta(days=2)
    response = post_edit(
        client,
        editor,
        entry,
        "action-publish",
        go_live_at=timezone.localtime(go_live_at).strftime("%Y-%m-%d %H:%M"),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert not entry.live
    assert entry.go_live_at is not None
    client.logout()
    assert client.get(entry.url).status_code == 404

    call_command("publish_scheduled")  # before the date: nothing happens
    entry.refresh_from_db()
    assert not entry.live

    later = go_live_at + datetime.timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("publish_scheduled")
    entry.refresh_from_db()
    assert entry.live
    assert client.get(entry.url).status_code == 200
    assert PageLogEntry.objects.filter(page=entry, action="wagtail.publish.scheduled").exists()
