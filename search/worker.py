"""The worker: one process beside the web processes that does what no request should wait for.

Each round it pushes the outbox to Elasticsearch, computes the vectors of the entries just
pushed (and, a batch at a time, of those that had none when it started), runs the tasks queued
in the database (django-tasks-db: the editors' mail), and at its first round and once an hour
after runs the housekeeping (MEMORIA_WORKER_HOUSEKEEPING: processed outbox rows, handled
contributions and old log-in records past their retention time). Without Elasticsearch it runs
the tasks and the housekeeping alone. Several workers may run at once: outbox rows and tasks are
claimed, never shared.
`manage.py search_index work` runs it.
"""

import datetime
import logging
import os
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.utils import exclusive_transaction

from search.client import search_enabled
from search.embeddings import pages_missing_vectors
from search.indexing import IndexUnavailable, drain, embed_missing

logger = logging.getLogger("memoria.worker")

# Seconds the worker waits at most after failed rounds in a row.
MAX_BACKOFF = 30.0
# Entries embedded per round: a batch small enough that the outbox keeps moving between them.
EMBED_BATCH = 32
# Seconds a round spends on queued tasks at most, so the outbox keeps moving while many wait; a
# round that stops for this budget starts the next at once. A time budget, not a count: a fixed
# number of tasks a round fell behind an editor who publishes often (each publish queues
# Wagtail's two index tasks).
TASK_SECONDS_PER_ROUND = 2.0
HOUSEKEEPING_EVERY_SECONDS = 3600


@dataclass
class WorkerState:
    backlog: list[int] | None = None  # entries still without a vector, read once at the start
    failures: int = 0  # rounds failed in a row, for the back-off
    last_housekeeping: float | None = None  # time.monotonic() of the last; None: not yet
    stopping: bool = False  # asked to stop (SIGTERM): after the round in hand


def run_queued_tasks(seconds: float = TASK_SECONDS_PER_ROUND, worker_id: str | None = None) -> tuple[int, bool]:
    """Run the tasks waiting in the database queue for up to `seconds`; returns (how many ran, more wait).

    With the immediate backend (dev, tests) tasks ran when they were enqueued: nothing waits here.
    The claim and the run are django-tasks-db's own (`Worker.run_task` marks a task successful or
    failed and sends django-tasks' signals), so its `db_worker` and this loop treat a task alike.
    """
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return 0, False
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker_id = worker_id or f"memoria-{os.getpid()}"
    runner = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend.alias,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
    )
    ran, deadline = 0, time.monotonic() + seconds
    while True:
        ready = DBTaskResult.objects.ready().filter(backend_name=backend.alias)
        # The library's own exclusive transaction: on SQLite a plain one lets two workers claim
        # the same task (its db_worker does the same). Inside a transaction already (a test's),
        # SQLite cannot begin another: a savepoint of that one.
        claiming = (
            transaction.atomic(using=ready.db)
            if transaction.get_connection(ready.db).in_atomic_block
            else exclusive_transaction(ready.db)
        )
        with claiming:
            result = ready.get_locked()
            if result is not None:
                result.claim(worker_id)
        if result is None:
            return ran, False
        runner.run_task(result)
        ran += 1
        if time.monotonic() >= deadline:
            return ran, DBTaskResult.objects.ready().filter(backend_name=backend.alias).exists()


def work_once(state: WorkerState, ensure_index, interval: float) -> float:
    """One round of the worker; returns the seconds to wait before the next."""
    try:
        started = time.monotonic()
        totals, embedded = push_and_embed(state, ensure_index)
        # The tasks run whether or not Elasticsearch answers: the editors' mail does not wait for it.
        tasks, more_tasks = run_queued_tasks()
        pruned = 0
        if state.last_housekeeping is None or time.monotonic() - state.last_housekeeping >= HOUSEKEEPING_EVERY_SECONDS:
            pruned = housekeeping()
            state.last_housekeeping = time.monotonic()
        if totals["batches"] or embedded or tasks or pruned:
            logger.info(
                "pushed %d change(s) of %d page(s) in %d batch(es), %d failed; embedded %d; ran %d task(s); "
                "pruned %d; %.0f ms",
                totals["pushed"],
                len(totals["pages"]),
                totals["batches"],
                totals["failed"],
                len(embedded),
                tasks,
                pruned,
                (time.monotonic() - started) * 1000,
            )
    except DatabaseError as error:
        # E.g. SQLite's "database is locked" when the site writes meanwhile, or PostgreSQL restarting.
        # A claim already made runs out and its rows are due again (a push already made is made
        # again, with the same versions). A fresh connection, a growing pause, again.
        wait = _back_off(state, interval)
        logger.warning("Database error, retrying in %.1f s: %s", wait, error)
        for connection in connections.all(initialized_only=True):
            # Not one inside an atomic block: that transaction is its owner's to end
            # (a test's, for one); closing it under them fails on PostgreSQL.
            if not connection.in_atomic_block:
                connection.close()
        return wait
    except Exception:
        # Anything else (an embedding that fails, a photo that cannot be deleted): logged with its
        # traceback, and the next round after a growing pause, not the end of the worker.
        wait = _back_off(state, interval)
        logger.exception("The worker's round failed, retrying in %.1f s", wait)
        return wait
    state.failures = 0
    return 0 if more_tasks else interval


def _back_off(state: WorkerState, interval: float) -> float:
    """Seconds before the next round after one more failed round in a row: doubling, bounded."""
    state.failures += 1
    return min(max(interval, 0.1) * 2**state.failures, MAX_BACKOFF)


def prune_task_results(now=None) -> int:
    """Delete the results of tasks finished more than MEMORIA_TASK_RESULTS_RETENTION_DAYS ago.

    Every publish queues tasks (Wagtail's index updates), so the table would grow without end;
    django-tasks-db's prune_db_task_results does the same for a deployment without this worker.
    """
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.MEMORIA_TASK_RESULTS_RETENTION_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


def housekeeping() -> int:
    """Each of MEMORIA_WORKER_HOUSEKEEPING once; how many rows went in all."""
    pruned = 0
    for path in settings.MEMORIA_WORKER_HOUSEKEEPING:
        count = import_string(path)()
        if count:
            logger.info("housekeeping: %s deleted %d", path.rsplit(".", 1)[-1], count)
        pruned += count
    return pruned


def push_and_embed(state: WorkerState, ensure_index) -> tuple[dict, list[int]]:
    """The outbox to Elasticsearch, then the vectors; nothing when it is not configured or away."""
    totals, embedded = {"pushed": 0, "failed": 0, "batches": 0, "pages": []}, []
    if not search_enabled():
        return totals, embedded
    try:
        ensure_index()
        if state.backlog is None:
            # Once at start: entries imported or changed while no worker ran.
            state.backlog = pages_missing_vectors()
        totals = drain()
        # The entries just pushed with a new text get their vectors, then are pushed again;
        # the backlog a batch at a time, so the outbox keeps moving meanwhile.
        embedded = embed_missing(totals["pages"])
        if state.backlog:
            embedded += embed_missing(state.backlog[:EMBED_BATCH])
            state.backlog = state.backlog[EMBED_BATCH:]
    except IndexUnavailable as error:
        # The outbox keeps every change; try again after the interval.
        logger.warning("Elasticsearch unavailable: %s", error)
    return totals, embedded
