"""Editorial review: a partner submits, an editor approves (publishes) or requests changes.

The steps go through the admin views, as in the browser; the emails are Wagtail's own
workflow notifications (locmem backend in the tests).
"""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import PageLogEntry, TaskState, WorkflowState

from archive.factories import TestimonyPageFactory
from archive.partners import EDITORS, setup_partner_city
from tests.archive.test_partners import edit_form_data, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def kaluga(archive_de, archive_ru):
    return setup_partner_city("kaluga", "Kaluga", "Калуга", "RU", "Oblast Kaluga")


@pytest.fixture
def partner(django_user_model, kaluga):
    return make_user(django_user_model, "kaluga-partner", kaluga.group)


@pytest.fixture
def editor(django_user_model, kaluga):
    return make_user(django_user_model, "editor", Group.objects.get(name=EDITORS))


@pytest.fixture
def draft(kaluga):
    return TestimonyPageFactory(parent=kaluga.sections[0], title="Zeugnis aus Kaluga", live=False)


@pytest.fixture
def submitted(client, partner, editor, draft):
    """The partner presses "Submit for review" in the page editor."""
    client.force_login(partner)
    data = edit_form_data(client, draft)
    data["action-submit"] = "action-submit"
    response = client.post(f"/admin/pages/{draft.pk}/edit/", data)
    assert response.status_code == 302
    client.logout()
    return WorkflowState.objects.get(object_id=str(draft.pk))


def act(client, user, page, action, **data):
    """An editor's workflow action, as the dashboard's buttons and modals post it."""
    task_state = TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)
    client.force_login(user)
    return client.post(f"/admin/pages/workflow/action/{page.pk}/{action}/{task_state.pk}/", data)


def actions(page):
    return list(PageLogEntry.objects.filter(page=page).order_by("timestamp", "pk").values_list("action", flat=True))


def test_submitting_starts_the_review_and_tells_the_editors(submitted, draft, editor, partner):
    assert submitted.workflow.name == "Editorial review"
    assert submitted.status == WorkflowState.STATUS_IN_PROGRESS
    assert submitted.requested_by == partner
    draft.refresh_from_db()
    assert not draft.live
    assert editor.email in [address for message in mail.outbox for address in message.to]
    # The partner cannot change the page while it is being reviewed by the editors.
    assert draft.permissions_for_user(partner).page_locked()


def test_approving_publishes_and_tells_the_partner(client, submitted, draft, editor, partner):
    mail.outbox.clear()
    response = act(client, editor, draft, "approve")
    assert response.status_code == 302

    draft.refresh_from_db()
    assert draft.live
    submitted.refresh_from_db()
    assert submitted.status == WorkflowState.STATUS_APPROVED
    assert [message.to for message in mail.outbox] == [[partner.email]]
    assert draft.title in mail.outbox[0].subject
    assert client.get(draft.url).status_code == 200
    # The history shows each step, by whom.
    assert actions(draft)[-3:] == ["wagtail.workflow.start", "wagtail.workflow.approve", "wagtail.publish"]
    publish = PageLogEntry.objects.get(page=draft, action="wagtail.publish")
    assert publish.user == editor


def test_requesting_changes_keeps_the_draft_and_records_the_comment(client, submitted, draft, editor, partner):
    mail.outbox.clear()
    comment = "Bitte die Quelle und das Datum der Einwilligung ergänzen."
    response = act(client, editor, draft, "reject", comment=comment)
    assert response.status_code == 302

    draft.refresh_from_db()
    assert not draft.live
    submitted.refresh_from_db()
    assert submitted.status == WorkflowState.STATUS_NEEDS_CHANGES
    task_state = TaskState.objects.get(workflow_state=submitted)
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.comment == comment
    entry = PageLogEntry.objects.get(page=draft, action="wagtail.workflow.reject")
    assert entry.user == editor
    assert entry.data["comment"] == comment
    assert [message.to for message in mail.outbox] == [[partner.email]]
    assert comment in mail.outbox[0].body

    # The partner may edit again, and sees the comment in the page's history.
    assert not draft.permissions_for_user(partner).page_locked()
    client.force_login(partner)
    history = client.get(f"/admin/pages/{draft.pk}/history/").content.decode()
    assert comment in history


def test_the_workflow_history_lists_every_step(client, submitted, draft, editor):
    act(client, editor, draft, "reject", comment="Quelle fehlt.")
    client.force_login(editor)
    response = client.get(f"/admin/pages/{draft.pk}/workflow_history/detail/{submitted.pk}/")
    assert response.status_code == 200
    assert "Quelle fehlt." in response.content.decode()
    assert actions(draft)[-2:] == ["wagtail.workflow.start", "wagtail.workflow.reject"]


# The editors' dashboard -------------------------------------------------------------


def test_the_dashboard_shows_the_editors_what_waits_for_them(client, submitted, draft, editor, partner, kaluga):
    translated = TestimonyPageFactory(parent=kaluga.sections[0], title="Übersetzt")
    TestimonyPageFactory(parent=kaluga.sections[1], title="Переведено", translation_key=translated.translation_key)
    unconsented = TestimonyPageFactory(
        parent=kaluga.sections[1], title="Без согласия", live=False, consent="not_recorded", consent_given_by=""
    )

    client.force_login(editor)
    response = client.get("/admin/")
    html = response.content.decode()
    assert 'id="memoria-editorial-section"' in html
    panel = next(panel for panel in response.context["panels"] if panel.name == "memoria_editorial")
    context = panel.get_context_data({"request": response.wsgi_request})

    # One submission waiting, in Kaluga, with links to its sections.
    [row] = context["waiting"]
    assert (row["city"], row["count"]) == (kaluga.city, 1)
    assert f"/admin/pages/{kaluga.sections[0].pk}/" in html
    # The submitted draft (German) and the testimony without consent (Russian) lack a translation;
    # the translated pair does not.
    counts = {row["locale__language_code"]: row["count"] for row in context["untranslated"]["per_language"]}
    assert counts == {"de": 1, "ru": 1}
    assert f"/admin/translation/submit/page/{draft.pk}/" in html
    assert f"/admin/pages/{translated.pk}/edit/" not in html
    # The testimony without consent, with a link to record it.
    assert list(context["without_consent"]) == [unconsented]
    assert f"/admin/pages/{unconsented.pk}/edit/" in html

    client.force_login(partner)
    assert 'id="memoria-editorial-section"' not in client.get("/admin/").content.decode()
