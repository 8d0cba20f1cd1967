"""Production settings send the work out of the request: the worker pushes the index and runs the tasks."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django_tasks_db.models import DBTaskResult

from archive.factories import InitiativePageFactory
from contributions.models import Contribution
from search import worker
from search.models import IndexOutbox

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def production_settings():
    """memoria.settings.production's word on tasks and the push, read in a process of its own."""
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'TASKS': settings.TASKS, 'PUSH': settings.MEMORIA_SEARCH_PUSH_ON_COMMIT}))"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="memoria.settings.production",
        SECRET_KEY="a-test-secret-for-reading-the-production-settings",
        DATABASE_URL="postgres://memoria@localhost/memoria",
    )
    result = subprocess.run(  # noqa: S603 (our own manage.py, our own code)
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def production_tasks(settings, production_settings):
    settings.TASKS = production_settings["TASKS"]
    settings.MEMORIA_SEARCH_PUSH_ON_COMMIT = production_settings["PUSH"]
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert settings.MEMORIA_SEARCH_PUSH_ON_COMMIT is False


def test_production_queues_the_editors_mail_for_the_worker(production_tasks, client, archive_de, settings):
    settings.MEMORIA_EDITORS_EMAIL = "redaktion@example.org"
    response = client.post(
        "/de/contribute/",
        {
            "kind": "memory",
            "text": "Mein Großvater war 1942 in Kaluga.",
            "name": "Anna",
            "email": "",
            "consent": "on",
            "website": "",
        },
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert mail.outbox == []  # not sent inside the reader's request
    queued = DBTaskResult.objects.get(task_path="contributions.tasks.notify_editors")
    assert queued.status == "READY"

    assert worker.run_queued_tasks()[0] >= 1  # Wagtail's own tasks (its search and reference index) too
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert [message.to for message in mail.outbox] == [["redaktion@example.org"]]
    assert str(Contribution.objects.get().pk) in mail.outbox[0].body
    assert worker.run_queued_tasks() == (0, False)  # run once, not again


def test_a_failing_task_is_marked_failed_and_the_worker_goes_on(production_tasks, archive_de, settings):
    from contributions.tasks import notify_editors

    settings.MEMORIA_EDITORS_EMAIL = "redaktion@example.org"
    notify_editors.enqueue(10**9)  # no such contribution
    later = notify_editors.enqueue(10**9 + 1)
    assert worker.run_queued_tasks()[0] >= 2
    failed = DBTaskResult.objects.get(pk=later.id)
    assert failed.status == "FAILED"
    assert "DoesNotExist" in failed.exception_class_path
    assert mail.outbox == []


def test_production_pushes_the_index_in_the_worker_not_in_the_request(
    production_tasks, search_index, es_client, archive_de, django_capture_on_commit_callbacks
):
    from search import indexing

    indexing.rebuild()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry = InitiativePageFactory(parent=archive_de, title="Vom Worker gebracht")
    from search.signals import push_after_commit

    assert push_after_commit not in callbacks  # nothing waits for the commit to push
    assert IndexOutbox.objects.filter(page_id=entry.pk, processed_at=None).exists()

    state = worker.WorkerState()
    worker.work_once(state, ensure_index=lambda: None, interval=1.0)
    # The push, then the entry's vector, which goes in with a second row at the next round.
    assert IndexOutbox.objects.filter(page_id=entry.pk).exclude(processed_at=None).exists()
    worker.work_once(state, ensure_index=lambda: None, interval=1.0)
    assert not IndexOutbox.objects.filter(processed_at=None).exists()
    es_client.indices.refresh(index=search_index)
    hits = es_client.search(index=search_index, query={"match_all": {}})["hits"]["hits"]
    assert {int(hit["_id"]): hit["_source"]["title"] for hit in hits} == {entry.pk: "Vom Worker gebracht"}


def test_dev_and_tests_push_at_commit_without_a_worker(settings):
    assert settings.MEMORIA_SEARCH_PUSH_ON_COMMIT is True
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"
    assert worker.run_queued_tasks() == (0, False)


def test_the_worker_builds_a_lost_index_from_the_text_at_once_and_the_vectors_after(
    search_index, es_client, archive_de, monkeypatch
):
    from io import StringIO

    from django.core.management import call_command

    from search.management.commands import search_index as command
    from search.models import EntryEmbedding

    entries = [InitiativePageFactory(parent=archive_de, title=f"Ohne Vektor {n}") for n in range(3)]
    EntryEmbedding.objects.all().delete()
    assert not es_client.indices.exists_alias(name=search_index)
    rounds = []

    def sleep(seconds):
        es_client.indices.refresh(index=search_index)
        every = es_client.search(index=search_index, query={"match_all": {}})["hits"]["hits"]
        # The vector is left out of _source: asked for by the field itself.
        with_vector = es_client.search(index=search_index, query={"exists": {"field": "vector"}})["hits"]["hits"]
        vector_ids = {hit["_id"] for hit in with_vector}
        rounds.append({int(hit["_id"]): hit["_id"] in vector_ids for hit in every})
        if len(rounds) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(command.time, "sleep", sleep)
    monkeypatch.setattr(worker, "EMBED_BATCH", 2)
    call_command("search_index", "work", "--interval", "0", stdout=StringIO(), stderr=StringIO())

    ids = {entry.pk for entry in entries}
    # After the first round every entry is searchable by its text; the vectors come a batch (of two)
    # a round, each pushed at the round after.
    assert rounds[0] == dict.fromkeys(ids, False)
    assert sorted(rounds[1].values()) == [False, True, True]
    assert rounds[2] == dict.fromkeys(ids, True)
    assert EntryEmbedding.objects.count() == 3


def test_the_worker_runs_the_tasks_while_elasticsearch_is_away(production_tasks, search_index, archive_de, settings):
    from contributions.tasks import notify_editors

    settings.MEMORIA_EDITORS_EMAIL = "redaktion@example.org"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    from search import client as search_client

    search_client._clients.clear()
    contribution = Contribution.objects.create(kind="memory", text="Erinnerung", name="Anna", consent=True)
    notify_editors.enqueue(contribution.pk)
    wait = worker.work_once(worker.WorkerState(), ensure_index=lambda: None, interval=1.0)
    assert wait == 1.0
    assert [message.to for message in mail.outbox] == [["redaktion@example.org"]]


def test_a_round_that_leaves_tasks_waiting_starts_the_next_at_once(production_tasks, archive_de, monkeypatch):
    from contributions.tasks import notify_editors

    for _ in range(3):
        notify_editors.enqueue(10**9)
    monkeypatch.setattr(worker, "TASK_SECONDS_PER_ROUND", 0.0)
    monkeypatch.setattr(worker.run_queued_tasks, "__defaults__", (0.0, None))
    assert worker.run_queued_tasks() == (1, True)
    assert worker.work_once(worker.WorkerState(), ensure_index=lambda: None, interval=1.0) == 0


def test_sigterm_stops_the_worker_after_its_round(search_index, archive_de, monkeypatch):
    import os
    import signal
    from io import StringIO

    from django.core.management import call_command

    from search.management.commands import search_index as command

    rounds = []

    def work_once(state, ensure_index, interval):
        rounds.append(state.stopping)
        if len(rounds) == 2:
            os.kill(os.getpid(), signal.SIGTERM)  # arrives in the middle of the round
        return 0

    previous = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(command, "work_once", work_once)
    out = StringIO()
    try:
        call_command("search_index", "work", stdout=out, stderr=StringIO())
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert rounds == [False, False]  # the second round ended, no third began
    assert "Stopped." in out.getvalue()
