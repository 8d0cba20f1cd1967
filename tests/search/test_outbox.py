"""The outbox's life: claimed and committed before the push, due again when a worker dies, pruned."""

import datetime
import socket
import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from archive.factories import InitiativePageFactory, MemorialSitePageFactory
from search import client as search_client
from search import indexing
from search.models import IndexOutbox


def indexed_titles(es_client, index):
    es_client.indices.refresh(index=index)
    hits = es_client.search(index=index, size=100, query={"match_all": {}})["hits"]["hits"]
    return {int(hit["_id"]): hit["_source"]["title"] for hit in hits}


class SlowProxy:
    """A TCP relay in front of the real Elasticsearch that holds each request back for `delay` s.

    A slow or overloaded cluster, as the drain meets it: the request arrives, the answer comes late.
    `on_request` is called in the relay's thread when a request has arrived, before it waits.
    """

    def __init__(self, upstream_port, delay, on_request=None):
        self.upstream_port, self.delay, self.on_request = upstream_port, delay, on_request
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.requests = 0
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped:
            try:
                downstream, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(downstream, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, downstream, False), daemon=True).start()

    def _pump(self, source, target, is_request):
        try:
            while data := source.recv(65536):
                if is_request:
                    self.requests += 1
                    if self.on_request:
                        self.on_request()
                    time.sleep(self.delay)
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                sock.close()

    def close(self):
        self.stopped = True
        self.listener.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_push_holds_no_database_lock_while_elasticsearch_is_slow(search_index, es_client, archive_de, settings):
    """An editor's save completes while a drain waits on a slow Elasticsearch.

    Before the claims, the drain pushed inside the transaction that had selected its rows: on
    SQLite that transaction held the write lock for the whole request, and the save failed with
    "database table is locked" (or waited out its timeout); on PostgreSQL the rows stayed locked.
    """
    settings.MEMORIA_SEARCH_PUSH_ON_COMMIT = False  # this test drains by hand, as the worker does
    indexing.rebuild()
    waiting = MemorialSitePageFactory(parent=archive_de, title="Wartet auf den langsamen Server")
    edited = InitiativePageFactory(parent=archive_de, title="Erste Fassung")

    drain_connection = {}
    seen_in_transaction = []
    arrived = threading.Event()

    def on_request():
        # Asked in the relay's thread while the drain's request is in flight.
        seen_in_transaction.append(drain_connection["connection"].in_atomic_block)
        arrived.set()

    port = int(es_client.transport.node_pool.get().base_url.rsplit(":", 1)[1])
    proxy = SlowProxy(port, delay=2.0, on_request=on_request)
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{proxy.port}"
    settings.MEMORIA_SEARCH_TIMEOUT = 30
    search_client._clients.clear()
    totals = {}

    def drain_in_worker():
        from django.db import connection as worker_connection

        drain_connection["connection"] = worker_connection
        try:
            totals.update(indexing.drain())
        finally:
            worker_connection.close()

    worker = threading.Thread(target=drain_in_worker)
    try:
        worker.start()
        assert arrived.wait(10), "the drain's request never reached Elasticsearch"
        started = time.monotonic()
        edited.title = "Zweite Fassung"
        edited.save_revision().publish()
        saved_after = time.monotonic() - started
        still_pushing = worker.is_alive()
        worker.join(30)
    finally:
        proxy.close()

    assert still_pushing, "the push should still wait on the slow server when the save completes"
    assert saved_after < 1.0
    assert seen_in_transaction and not any(seen_in_transaction)
    # The edit came after the first batch's claim: the drain's next batch took it.
    assert totals["batches"] == 2 and totals["failed"] == 0
    assert not IndexOutbox.objects.filter(processed_at=None).exists()
    assert indexed_titles(es_client, search_index) == {
        waiting.pk: "Wartet auf den langsamen Server",
        edited.pk: "Zweite Fassung",
    }
    connection.close()


def test_a_dead_workers_claim_runs_out_and_its_rows_are_pushed(search_index, es_client, archive_de, settings):
    """A worker killed between its claim and its push: its rows wait out the claim, then any worker takes them."""
    indexing.rebuild()
    entry = MemorialSitePageFactory(parent=archive_de, title="Vom toten Worker beansprucht")
    token, rows = indexing.claim(500)  # the killed worker's claim: never pushed, never settled
    assert [row.page_id for row in rows] == [entry.pk]
    assert indexing.drain()["pushed"] == 0  # another worker leaves a live claim alone
    assert entry.pk not in indexed_titles(es_client, search_index)

    IndexOutbox.objects.filter(claimed_by=token).update(claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    totals = indexing.drain()
    assert totals["pushed"] == len(rows)
    assert indexed_titles(es_client, search_index)[entry.pk] == "Vom toten Worker beansprucht"
    assert not IndexOutbox.objects.filter(processed_at=None).exists()
    assert not IndexOutbox.objects.exclude(claimed_by="").exists()


def test_a_claimed_row_is_not_claimed_again(search_index, archive_de):
    for n in range(5):
        MemorialSitePageFactory(parent=archive_de, title=f"Stein {n}")
    first_token, first = indexing.claim(3)
    second_token, second = indexing.claim(500)
    assert first_token != second_token
    assert len(first) == 3
    assert {row.pk for row in first}.isdisjoint({row.pk for row in second})
    assert {row.pk for row in first} | {row.pk for row in second} == set(
        IndexOutbox.objects.filter(processed_at=None).values_list("pk", flat=True)
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_claiming_at_the_same_moment_never_share_a_row(archive_de, settings):
    """Four threads, each with its own connection, claim at once (a barrier): no row twice, none lost.

    A claim that meets a lock (SQLite's shared-cache test database says "table is locked" at once
    instead of waiting) is tried again, as the worker's back-off does.
    """
    from django.db import OperationalError, connections

    settings.MEMORIA_SEARCH_PUSH_ON_COMMIT = False
    IndexOutbox.objects.bulk_create([IndexOutbox(page_id=archive_de.pk) for _ in range(200)])
    barrier = threading.Barrier(4)
    claimed, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            rounds = 0
            while rounds < 10:
                try:
                    _token, rows = indexing.claim(25)
                except OperationalError:
                    time.sleep(0.01)
                    continue
                claimed.extend(row.pk for row in rows)
                rounds += 1
        except Exception as error:  # reported below, with the thread's own error
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(claimed) == len(set(claimed)) == 200


def test_a_failed_push_releases_its_claim_for_the_back_off(search_index, archive_de, settings):
    entry = MemorialSitePageFactory(parent=archive_de)
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    search_client._clients.clear()
    totals = indexing.drain()
    assert totals["failed"] >= 1
    row = IndexOutbox.objects.get(page_id=entry.pk, processed_at=None)
    assert (row.claimed_by, row.claimed_until) == ("", None)
    assert row.attempts == 1 and row.next_attempt_at > timezone.now()


def test_processed_rows_are_pruned_after_the_retention_time_pending_ones_never(search_index, archive_de, settings):
    settings.MEMORIA_SEARCH_OUTBOX_RETENTION_DAYS = 7
    now = timezone.now()
    _old_done, recent_done, old_pending = (
        IndexOutbox.objects.create(page_id=archive_de.pk, processed_at=now - datetime.timedelta(days=8)),
        IndexOutbox.objects.create(page_id=archive_de.pk, processed_at=now - datetime.timedelta(days=6)),
        IndexOutbox.objects.create(page_id=archive_de.pk),
    )
    IndexOutbox.objects.filter(pk=old_pending.pk).update(created_at=now - datetime.timedelta(days=30))

    out = StringIO()
    call_command("search_index", "prune", stdout=out)
    assert "Deleted 1 processed outbox row(s) older than 7 day(s)." in out.getvalue()
    assert set(IndexOutbox.objects.values_list("pk", flat=True)) == {recent_done.pk, old_pending.pk}

    settings.MEMORIA_SEARCH_OUTBOX_RETENTION_DAYS = 5
    assert indexing.prune_outbox() == 1
    assert set(IndexOutbox.objects.values_list("pk", flat=True)) == {old_pending.pk}


def test_the_worker_prunes_at_its_first_round_and_once_an_hour(search_index, archive_de):
    """At the first round whatever the clock: time.monotonic() counts from boot (a fresh CI machine: minutes)."""
    from search import worker

    old = timezone.now() - datetime.timedelta(days=30)
    IndexOutbox.objects.create(page_id=archive_de.pk, processed_at=old)
    state = worker.WorkerState()
    indexing.rebuild()
    worker.work_once(state, ensure_index=lambda: None, interval=1.0)
    assert not IndexOutbox.objects.filter(processed_at=old).exists()  # pruned at the first round
    IndexOutbox.objects.create(page_id=archive_de.pk, processed_at=old)
    worker.work_once(state, ensure_index=lambda: None, interval=1.0)
    assert IndexOutbox.objects.filter(processed_at=old).exists()  # the next round: not again
    state.last_housekeeping -= worker.HOUSEKEEPING_EVERY_SECONDS
    worker.work_once(state, ensure_index=lambda: None, interval=1.0)
    assert not IndexOutbox.objects.filter(processed_at=old).exists()  # an hour later


def test_status_shows_the_backlog_and_the_age_of_its_oldest_row(search_index, archive_de):
    indexing.rebuild()
    entry = MemorialSitePageFactory(parent=archive_de)
    IndexOutbox.objects.filter(page_id=entry.pk, processed_at=None).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    out = StringIO()
    call_command("search_index", "status", stdout=out)
    text = out.getvalue()
    assert "cluster:        green" in text or "cluster:        yellow" in text
    backlog = next(line for line in text.splitlines() if line.startswith("outbox backlog:"))
    seconds = int(backlog.split("oldest ")[1].split(" s old")[0])
    assert 299 <= seconds <= 330
    assert backlog.startswith("outbox backlog: 1 (0 retrying;")


def test_a_batch_whose_documents_cannot_be_built_waits_and_the_worker_goes_on(search_index, archive_de, monkeypatch):
    """One entry's bad data (or a defect of ours) in building documents must not stop the outbox."""
    from search import worker

    indexing.rebuild()
    entry = MemorialSitePageFactory(parent=archive_de)

    def broken(*args, **kwargs):
        raise ValueError("a date the index cannot take")

    monkeypatch.setattr(indexing, "entry_sources", broken)
    rows = IndexOutbox.objects.filter(page_id=entry.pk, processed_at=None)
    waiting = rows.count()
    totals = indexing.drain(retry_now=True)
    assert totals["pushed"] == 0 and totals["failed"] >= waiting
    assert {(row.attempts, row.claimed_by) for row in rows} == {(1, "")}
    assert all("ValueError: a date the index cannot take" in row.last_error for row in rows)
    state = worker.WorkerState()
    worker.work_once(state, ensure_index=lambda: None, interval=1.0)  # does not raise
    monkeypatch.undo()
    assert indexing.drain(retry_now=True)["pushed"] >= waiting
    assert not IndexOutbox.objects.filter(page_id=entry.pk, processed_at=None).exists()
