"""Handled contributions and their photos are deleted a set time after an editor handled them."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from contributions.models import Contribution
from tests.contributions.test_contributions import image_bytes

pytestmark = pytest.mark.django_db


def contribution(status, handled_days_ago=None, photo=False):
    item = Contribution.objects.create(
        kind="memory",
        name="Anna",
        text=f"{status} {handled_days_ago}",
        language="de",
        status=status,
        photo=SimpleUploadedFile("oma.png", image_bytes()) if photo else "",
    )
    if handled_days_ago is not None:
        Contribution.objects.filter(pk=item.pk).update(
            handled_at=timezone.now() - datetime.timedelta(days=handled_days_ago)
        )
        item.refresh_from_db()
    return item


def test_handling_a_contribution_records_when(settings):
    item = contribution(Contribution.Status.NEW)
    assert item.handled_at is None
    item.status = Contribution.Status.ACCEPTED
    item.save()
    assert item.handled_at is not None
    item.status = Contribution.Status.NEW  # back to the editors' list: the clock stops
    item.save()
    assert item.handled_at is None


def test_only_handled_contributions_past_the_retention_time_are_deleted_with_their_photos(settings, tmp_path):
    settings.MEMORIA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEMORIA_CONTRIBUTION_RETENTION_DAYS = 30
    old_declined = contribution(Contribution.Status.DECLINED, handled_days_ago=31, photo=True)
    photo = Path(old_declined.photo.path)
    assert photo.exists()
    old_accepted = contribution(Contribution.Status.ACCEPTED, handled_days_ago=40)
    recent = contribution(Contribution.Status.ACCEPTED, handled_days_ago=5)
    waiting = contribution(Contribution.Status.NEW)
    Contribution.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))

    call_command("prune_contributions", "--dry-run", stdout=(dry := io.StringIO()))
    assert "2 handled contributions" in dry.getvalue()
    assert Contribution.objects.count() == 4

    call_command("prune_contributions", stdout=io.StringIO())
    assert set(Contribution.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not photo.exists()
    assert not Contribution.objects.filter(pk__in=[old_declined.pk, old_accepted.pk]).exists()


def test_the_worker_deletes_what_is_past_its_retention_time(settings, tmp_path):
    """The worker's housekeeping: old handled contributions and old failed log-ins go, nothing else."""
    from axes.models import AccessAttempt

    from search import worker

    settings.MEMORIA_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEMORIA_CONTRIBUTION_RETENTION_DAYS = 30
    settings.MEMORIA_LOGIN_RECORDS_RETENTION_DAYS = 7
    old = contribution(Contribution.Status.ACCEPTED, handled_days_ago=31)
    recent = contribution(Contribution.Status.ACCEPTED, handled_days_ago=2)
    waiting = contribution(Contribution.Status.NEW)
    for days, username in ((8, "old"), (1, "recent")):
        attempt = AccessAttempt.objects.create(
            username=username, ip_address="192.0.2.1", user_agent="test", failures_since_start=1
        )
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - datetime.timedelta(days=days))
    worker.work_once(worker.WorkerState(), ensure_index=lambda: None, interval=1.0)
    assert set(Contribution.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert old.pk not in set(Contribution.objects.values_list("pk", flat=True))
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent"]


def test_a_successful_log_in_leaves_no_record(client, django_user_model):
    from axes.models import AccessAttempt, AccessLog

    django_user_model.objects.create_user("editor", password="a long pass phrase", is_staff=True)
    client.post("/admin/login/", {"username": "editor", "password": "a long pass phrase"})
    assert client.session.get("_auth_user_id")
    assert not AccessLog.objects.exists()
    assert not AccessAttempt.objects.exists()
