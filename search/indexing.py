"""Keeping the Elasticsearch index true to the database: the outbox push and the rebuild.

Only what may be public is ever indexed (archive.listing.visible_entries). Every write
carries an external version, the id of the newest outbox row it answers, so an older
update never overwrites a newer one, whichever worker sends it.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from elasticsearch import ApiError, TransportError, helpers

from archive.listing import visible_entries
from archive.models import ENTRY_MODELS
from search.client import get_client, index_alias
from search.documents import EntryDocument, create_index
from search.models import IndexOutbox

logger = logging.getLogger("memoria.search")

MAX_BACKOFF = datetime.timedelta(minutes=5)
REBUILD_CHUNK = 1000


class IndexUnavailable(Exception):
    """Elasticsearch cannot be reached, or the index does not exist yet."""


# What EntryDocument.from_entry reads of each type, fetched in a few queries per chunk.
RELATED = ["city", "locale", "image"]
PREFETCH = ["themes", "tagged_items__tag"]
PREFETCH_BY_TYPE = {"initiative": ["partner_cities"], "memorial_site": ["people"], "testimony": []}


def entries_for_indexing(page_ids=None):
    entries = visible_entries()
    if page_ids is not None:
        entries = entries.filter(pk__in=page_ids)
    return entries


def _specific_pages(queryset):
    """The specific pages of a queryset, each type loaded with what its document needs."""
    ids = list(queryset.values_list("pk", flat=True))
    pages = []
    for slug, model in ENTRY_MODELS.items():
        pages.extend(
            model.objects.filter(pk__in=ids)
            .select_related(*RELATED)
            .prefetch_related(*PREFETCH, *PREFETCH_BY_TYPE[slug])
        )
    return sorted(pages, key=lambda page: page.pk)


def actions_for(page_versions: dict[int, int], index: str):
    """Bulk actions for these pages at these versions: index the public ones, delete the rest."""
    public = {page.pk: page for page in _specific_pages(entries_for_indexing(page_versions))}
    for page_id, version in sorted(page_versions.items()):
        common = {"_index": index, "_id": page_id, "version": version, "version_type": "external_gte"}
        if page_id in public:
            yield {**common, "_op_type": "index", "_source": EntryDocument.from_entry(public[page_id]).to_dict()}
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

    retry_now also takes the rows that wait for their next attempt (an operator's sync).
    """
    totals = {"pushed": 0, "failed": 0, "batches": 0}
    while max_batches is None or totals["batches"] < max_batches:
        now = timezone.now()
        with transaction.atomic():
            due = IndexOutbox.objects.select_for_update(skip_locked=True).filter(processed_at=None)
            if not retry_now:
                due = due.exclude(next_attempt_at__gt=now)
            rows = list(due.order_by("id")[:batch_size])
            if not rows:
                break
            versions = {}
            for row in rows:
                versions[row.page_id] = max(row.id, versions.get(row.page_id, 0))
            try:
                failed = push(versions, client=client)
                error = "indexing failed"
            except IndexUnavailable as unavailable:
                failed, error = set(versions), str(unavailable)
            done = [row.pk for row in rows if row.page_id not in failed]
            IndexOutbox.objects.filter(pk__in=done).update(processed_at=now)
            for row in rows:
                if row.page_id in failed:
                    row.attempts += 1
                    row.next_attempt_at = now + min(datetime.timedelta(seconds=2**row.attempts), MAX_BACKOFF)
                    row.last_error = error[:2000]
            IndexOutbox.objects.bulk_update(
                [row for row in rows if row.page_id in failed], ["attempts", "next_attempt_at", "last_error"]
            )
        totals["batches"] += 1
        totals["pushed"] += len(done)
        totals["failed"] += len(rows) - len(done)
        if failed:
            break  # back off: the failed rows wait for their next attempt
    return totals


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
    documents = 0
    ids = list(entries_for_indexing().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), REBUILD_CHUNK):
        chunk = ids[start : start + REBUILD_CHUNK]
        pages = _specific_pages(entries_for_indexing(chunk))
        actions = (
            {
                "_index": name,
                "_id": page.pk,
                "version": mark,
                "version_type": "external_gte",
                "_source": EntryDocument.from_entry(page).to_dict(),
            }
            for page in pages
        )
        written, _ = helpers.bulk(client, actions, chunk_size=500, max_retries=2)
        documents += written
        if progress:
            progress(len(chunk))
    client.indices.put_settings(
        index=name, settings={"index": {"refresh_interval": None, "number_of_replicas": _replicas()}}
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


def _replay_since(mark, index, client):
    versions = {}
    for row_id, page_id in IndexOutbox.objects.filter(id__gt=mark).values_list("id", "page_id"):
        versions[page_id] = max(row_id, versions.get(page_id, 0))
    if versions:
        push(versions, index=index, client=client)
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


def status(client=None) -> dict:
    """The live index, its document count against what may be public, and the outbox backlog."""
    pending = IndexOutbox.objects.filter(processed_at=None)
    info = {
        "alias": index_alias(),
        "public_entries": visible_entries().count(),
        "backlog": pending.count(),
        "retrying": pending.filter(attempts__gt=0).count(),
        "oldest_pending": pending.order_by("id").values_list("created_at", flat=True).first(),
        "index": None,
        "documents": None,
        "error": None,
    }
    client = client or get_client()
    try:
        if _alias_exists(client, info["alias"]):
            info["index"] = ", ".join(client.indices.get_alias(name=info["alias"]))
            info["documents"] = client.count(index=info["alias"])["count"]
    except (TransportError, ApiError) as error:
        info["error"] = str(error)
    return info
