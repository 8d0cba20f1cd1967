"""Keeping the Elasticsearch index true to the database: the outbox push and the rebuild.

Only what may be public is ever indexed (archive.listing.visible_entries). Every write
carries an external version, the id of the newest outbox row it answers, so an older
update never overwrites a newer one, whichever worker sends it.
"""

import datetime
import logging
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from elasticsearch import ApiError, TransportError, helpers

from archive.listing import visible_entries
from search.client import get_client, index_alias
from search.documents import PageURLs, create_index, entry_sources
from search.embeddings import compute_missing, pages_missing_vectors, vectors_for_sources
from search.models import IndexOutbox

logger = logging.getLogger("memoria.search")

MAX_BACKOFF = datetime.timedelta(minutes=5)
# A rebuild builds this many documents per batch of queries and sends each batch as one bulk
# request; REBUILD_THREADS requests are in flight while the next batch is built (the building
# holds the GIL, the requests mostly wait for Elasticsearch). Measured by bench/search_index.py.
REBUILD_CHUNK = 1000
REBUILD_THREADS = 2
# A drain batch of at most this many pages (an editor's publish, not an import) is made searchable
# at once: its bulk request refreshes the index instead of waiting up to the 1 s refresh interval.
# A larger batch waits for the interval: a refresh per batch would only make small segments.
REFRESH_AT_ONCE = 20


class IndexUnavailable(Exception):
    """Elasticsearch cannot be reached, or the index does not exist yet."""


def entries_for_indexing(page_ids=None):
    entries = visible_entries()
    if page_ids is not None:
        entries = entries.filter(pk__in=page_ids)
    return entries


def with_vectors(sources: dict[int, dict]) -> dict[int, dict]:
    """The documents with their entry vectors, where one matches the entry's current text."""
    for page_id, vector in vectors_for_sources(sources).items():
        sources[page_id]["vector"] = vector
    return sources


def embed_missing(page_ids=None, progress=None, limit=None) -> list[int]:
    """Compute the vectors the visible entries among page_ids lack (all: None), and queue them.

    Runs in the worker and before a rebuild, never in a request: an entry goes into the index
    with its text at once, and with its vector once this has run, through an outbox row.
    `limit`: at most this many now (the worker keeps pushing between batches). Returns the ids
    of the entries embedded.
    """
    if page_ids is not None and not page_ids:
        return []
    missing = pages_missing_vectors(page_ids)[:limit]
    if missing:
        compute_missing(missing, progress=progress)
        IndexOutbox.objects.bulk_create([IndexOutbox(page_id=page_id) for page_id in missing])
    return missing


def actions_for(page_versions: dict[int, int], index: str):
    """Bulk actions for these pages at these versions: index the public ones, delete the rest."""
    sources = with_vectors(entry_sources(entries_for_indexing(page_versions)))
    for page_id, version in sorted(page_versions.items()):
        common = {"_index": index, "_id": page_id, "version": version, "version_type": "external_gte"}
        if page_id in sources:
            yield {**common, "_op_type": "index", "_source": sources[page_id]}
        else:
            yield {**common, "_op_type": "delete"}


def push(page_versions: dict[int, int], index: str | None = None, client=None, refresh=False):
    """Send the current state of these pages; returns the ids whose write failed."""
    client = client or get_client()
    index = index or index_alias()
    failed = set()
    try:
        for ok, item in helpers.streaming_bulk(
            client,
            actions_for(page_versions, index),
            chunk_size=500,
            raise_on_error=False,
            raise_on_exception=True,
            max_retries=0,
            refresh=refresh,
            # Writing to a missing alias would make Elasticsearch create an index of that
            # name with guessed mappings, and the rows would count as done: refuse instead.
            require_alias=index == index_alias(),
        ):
            if ok:
                continue
            ((operation, result),) = item.items()
            status = result.get("status")
            # 409: a newer version is there already; 404 on delete: nothing to remove. Both are done.
            if status == 409 or (operation == "delete" and status == 404):
                continue
            if status == 404 and result.get("error", {}).get("type") == "index_not_found_exception":
                raise IndexUnavailable(f"no index {index!r}: run `manage.py search_index rebuild`")
            failed.add(int(result["_id"]))
            logger.warning("Indexing page %s failed: %s", result["_id"], result.get("error"))
    except (TransportError, ApiError) as error:
        raise IndexUnavailable(str(error)) from error
    return failed


def drain(batch_size: int = 500, max_batches: int | None = None, client=None, retry_now=False) -> dict:
    """Push due outbox rows in batches until none is due; returns counts. Safe to run in parallel.

    Each batch is claimed and committed before the push, and marked after it: no database lock
    is held while Elasticsearch answers, so a slow or hanging server never blocks an editor's
    save (on SQLite the claim's transaction would otherwise hold the write lock for the whole
    request). retry_now also takes the rows that wait for their next attempt (an operator's sync).
    """
    totals = {"pushed": 0, "failed": 0, "batches": 0}
    pushed_pages = set()
    # A batch's bulk request may take longer than a reader's search may wait: its own timeout.
    client = client or get_client(timeout=settings.MEMORIA_SEARCH_PUSH_TIMEOUT)
    while max_batches is None or totals["batches"] < max_batches:
        token, rows = claim(batch_size, retry_now=retry_now)
        if not rows:
            break
        versions = {}
        for row in rows:
            versions[row.page_id] = max(row.id, versions.get(row.page_id, 0))
        try:
            failed = push(versions, client=client, refresh=len(versions) <= REFRESH_AT_ONCE)
            error = "indexing failed"
        except IndexUnavailable as unavailable:
            failed, error = set(versions), str(unavailable)
        except DatabaseError:
            release(token)  # the database's own trouble: the caller's back-off, the rows due again at once
            raise
        except Exception as problem:
            # A document that cannot be built (one entry's bad data, a defect of ours) must not stop
            # the outbox for every other change: the batch waits for its back-off like a failed
            # push, the error on its rows, and the log says what it was.
            logger.exception("Pushing a batch of %d page(s) failed", len(versions))
            failed, error = set(versions), f"{type(problem).__name__}: {problem}"
        except BaseException:
            release(token)  # interrupted (SIGINT): the rows are due again at once, not after the claim
            raise
        done = [row.pk for row in rows if row.page_id not in failed]
        _settle(token, rows, done, failed, error)
        totals["batches"] += 1
        totals["pushed"] += len(done)
        pushed_pages.update(set(versions) - failed)
        totals["failed"] += len(rows) - len(done)
        if failed:
            break  # back off: the failed rows wait for their next attempt
    totals["pages"] = sorted(pushed_pages)
    return totals


def claim(batch_size: int, retry_now=False) -> tuple[str, list[IndexOutbox]]:
    """Claim up to batch_size due rows for this worker; returns its token and the rows, oldest first.

    One UPDATE statement, so the claim is atomic on its own and commits at once. Two workers never
    hold the same row: the second's UPDATE finds it claimed (on PostgreSQL it waits for the first's
    row lock, then sees the claim); a claim older than OUTBOX_CLAIM_SECONDS is a dead worker's.
    """
    now = timezone.now()
    token = uuid.uuid4().hex
    free = Q(claimed_until=None) | Q(claimed_until__lt=now)
    due = IndexOutbox.objects.filter(free, processed_at=None)
    if not retry_now:
        due = due.exclude(next_attempt_at__gt=now)
    candidates = due.order_by("id").values("pk")[:batch_size]
    claimed_until = now + datetime.timedelta(seconds=settings.MEMORIA_SEARCH_OUTBOX_CLAIM_SECONDS)
    IndexOutbox.objects.filter(free, pk__in=candidates, processed_at=None).update(
        claimed_by=token, claimed_until=claimed_until
    )
    return token, list(IndexOutbox.objects.filter(claimed_by=token, processed_at=None).order_by("id"))


def release(token: str):
    IndexOutbox.objects.filter(claimed_by=token).update(claimed_by="", claimed_until=None)


def _settle(token, rows, done, failed, error):
    """Mark a pushed batch: done rows processed, failed ones due again after their back-off."""
    now = timezone.now()
    with transaction.atomic():
        IndexOutbox.objects.filter(pk__in=done, claimed_by=token).update(
            processed_at=now, claimed_by="", claimed_until=None
        )
        # Only rows still ours: a claim that ran out meanwhile is another worker's now.
        ours = set(
            IndexOutbox.objects.select_for_update()
            .filter(pk__in=[row.pk for row in rows if row.page_id in failed], claimed_by=token)
            .values_list("pk", flat=True)
        )
        retry = [row for row in rows if row.pk in ours]
        for row in retry:
            row.attempts += 1
            row.next_attempt_at = now + min(datetime.timedelta(seconds=2**row.attempts), MAX_BACKOFF)
            row.last_error = error[:2000]
            row.claimed_by, row.claimed_until = "", None
        IndexOutbox.objects.bulk_update(
            retry, ["attempts", "next_attempt_at", "last_error", "claimed_by", "claimed_until"]
        )


def prune_outbox(now=None) -> int:
    """Delete the rows processed longer ago than the retention time; returns how many went.

    Pending rows stay whatever their age: they are changes the index has not got yet.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.MEMORIA_SEARCH_OUTBOX_RETENTION_DAYS)
    deleted, _ = IndexOutbox.objects.filter(processed_at__lt=cutoff).delete()
    return deleted


@dataclass
class RebuildReport:
    index: str
    documents: int
    seconds: float
    replayed: int


def rebuild(client=None, progress=None, keep_old=False) -> RebuildReport:
    """A new index from the database, then an atomic alias swap, then what changed meanwhile.

    Outbox rows up to the mark are answered by the new index (it is read after the
    mark); rows after it, processed meanwhile into the old index or not, are pushed
    again to the new one after the swap, so no write made during the build is lost.
    """
    client = client or get_client(timeout=120)
    alias = index_alias()
    started = timezone.now()
    mark = IndexOutbox.objects.aggregate(mark=Max("id"))["mark"] or 0
    name = create_index(client, alias, building=True)
    try:
        documents = _fill(client, name, mark, progress)
    except Exception:
        client.indices.delete(index=name, ignore_unavailable=True)  # a half-built index answers nobody
        raise
    client.indices.put_settings(
        index=name,
        # Back to the defaults create_index(building=True) left: refresh each second, translog synced per request.
        settings={"index": {"refresh_interval": None, "translog.durability": None, "number_of_replicas": _replicas()}},
    )
    client.indices.refresh(index=name)
    old = list(client.indices.get_alias(name=alias, ignore_unavailable=True)) if _alias_exists(client, alias) else []
    client.indices.update_aliases(
        actions=[
            *({"remove": {"index": index, "alias": alias}} for index in old),
            {"add": {"index": name, "alias": alias}},
        ]
    )
    IndexOutbox.objects.filter(id__lte=mark, processed_at=None).update(processed_at=timezone.now())
    replayed = _replay_since(mark, name, client)
    if not keep_old:
        for index in old:
            client.indices.delete(index=index, ignore_unavailable=True)
    seconds = (timezone.now() - started).total_seconds()
    return RebuildReport(name, documents, seconds, replayed)


def _fill(client, name, mark, progress):
    """Every public entry into the new index, chunk by chunk over primary keys; returns the count."""
    ids = list(entries_for_indexing().order_by("pk").values_list("pk", flat=True))
    urls = PageURLs()
    documents = 0
    with ThreadPoolExecutor(max_workers=REBUILD_THREADS, thread_name_prefix="rebuild-bulk") as pool:
        sent = deque()
        for start in range(0, len(ids), REBUILD_CHUNK):
            chunk = ids[start : start + REBUILD_CHUNK]
            # Visibility is asked again per chunk: a page unpublished since the ids were read is left
            # out. A range, not the ids (a thousand parameters cost Django more than the query): a
            # page published since may come in, as its outbox row after the mark would bring it.
            entries = entries_for_indexing().filter(pk__gte=chunk[0], pk__lte=chunk[-1])
            actions = [
                {"_index": name, "_id": page_id, "version": mark, "version_type": "external_gte", "_source": source}
                for page_id, source in with_vectors(entry_sources(entries, urls)).items()
            ]
            if len(sent) == REBUILD_THREADS:
                documents += sent.popleft().result()
            # The database is read in this thread only (a connection is per thread, and a test's
            # transaction is this thread's); the pool only sends.
            sent.append(pool.submit(_send, client, actions))
            if progress:
                progress(len(chunk))
        while sent:
            documents += sent.popleft().result()
    return documents


def _send(client, actions):
    written, _ = helpers.bulk(client, actions, chunk_size=REBUILD_CHUNK, max_retries=2)
    return written


def _replay_since(mark, index, client):
    """Push what changed during the build to the new index; what fails stays pending for the drain."""
    versions = {}
    for row_id, page_id in IndexOutbox.objects.filter(id__gt=mark).values_list("id", "page_id"):
        versions[page_id] = max(row_id, versions.get(page_id, 0))
    if not versions:
        return 0
    try:
        failed = push(versions, index=index, client=client)
    except IndexUnavailable as unavailable:
        failed = set(versions)
        logger.warning("Replaying the changes made during the rebuild failed: %s", unavailable)
    if failed:
        # Those rows may have been pushed to the old index meanwhile, and marked done: the new
        # index has not got them. Pending again, the drain retries them through the alias, which
        # names the new index now.
        IndexOutbox.objects.filter(id__gt=mark, page_id__in=failed).update(
            processed_at=None, next_attempt_at=None, last_error="not replayed into the rebuilt index"
        )
    return len(versions)


def _alias_exists(client, alias):
    return bool(client.indices.exists_alias(name=alias))


def index_exists(client=None) -> bool:
    try:
        return _alias_exists(client or get_client(), index_alias())
    except (TransportError, ApiError) as error:
        raise IndexUnavailable(str(error)) from error


def _replicas():
    return settings.MEMORIA_SEARCH_REPLICAS


def outbox_lag() -> tuple[int, datetime.datetime | None, float]:
    """The pending rows: how many, when the oldest was written, its age in seconds (0 without one)."""
    pending = IndexOutbox.objects.filter(processed_at=None)
    oldest = pending.order_by("id").values_list("created_at", flat=True).first()
    return pending.count(), oldest, (timezone.now() - oldest).total_seconds() if oldest else 0.0


def status(client=None) -> dict:
    """The live index, its document count against what may be public, the cluster and the outbox backlog."""
    backlog, oldest, age = outbox_lag()
    info = {
        "alias": index_alias(),
        "public_entries": visible_entries().count(),
        "backlog": backlog,
        "retrying": IndexOutbox.objects.filter(processed_at=None, attempts__gt=0).count(),
        "oldest_pending": oldest,
        "oldest_pending_seconds": age if oldest else None,
        "processed_kept": IndexOutbox.objects.exclude(processed_at=None).count(),
        "cluster": None,
        "index": None,
        "documents": None,
        "error": None,
    }
    client = client or get_client()
    try:
        info["cluster"] = client.cluster.health()["status"]
        if _alias_exists(client, info["alias"]):
            info["index"] = ", ".join(client.indices.get_alias(name=info["alias"]))
            info["documents"] = client.count(index=info["alias"])["count"]
    except (TransportError, ApiError) as error:
        info["error"] = str(error)
    return info
