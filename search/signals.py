"""How search learns about changes: every change that may alter what is public writes outbox rows.

The rows are written by signal handlers, so in the transaction of the change. The push to
Elasticsearch happens after the commit, never inside it: in production by the worker
(`search_index work`, which polls the outbox), on a machine without a worker (dev, tests) right
after the commit when MEMORIA_SEARCH_PUSH_ON_COMMIT is on. One of the two, never both.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import post_page_move

from archive.models import ENTRY_MODELS, EntryPage, PartnerCity
from archive.signals import entries_imported
from search.client import search_enabled
from search.indexing import IndexUnavailable, drain
from search.models import IndexOutbox

logger = logging.getLogger("memoria.search")


def enqueue(page_ids):
    """Outbox rows for these pages, and (without a worker) a push once the transaction commits."""
    page_ids = list(page_ids)
    if not page_ids or not search_enabled():
        return
    IndexOutbox.objects.bulk_create([IndexOutbox(page_id=page_id) for page_id in page_ids], batch_size=1000)
    if settings.MEMORIA_SEARCH_PUSH_ON_COMMIT:
        # One push per change: after the first, the others find the outbox empty (one query).
        transaction.on_commit(push_after_commit)


def push_after_commit():
    """Push the outbox now; what fails stays in it for the next change or `search_index sync`."""
    try:
        drain(max_batches=10)
    except IndexUnavailable as error:
        logger.warning("Search index not updated now, will retry: %s", error)
    except DatabaseError as error:
        # SQLite's "database is locked" while another process drains: the claim was not made,
        # the rows are still due.
        logger.warning("Search index not updated now (database busy): %s", error)
    except Exception:
        # The rows are safe in the outbox; the change itself has been committed.
        logger.exception("Pushing the search index failed")


def entries_below(page):
    return EntryPage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True)


def entry_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        enqueue([instance.pk])


def entry_deleted(sender, instance, **kwargs):
    enqueue([instance.pk])


def page_moved(sender, instance, **kwargs):
    enqueue(entries_below(instance))


def restriction_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    page = Page.objects.filter(pk=instance.page_id).first()  # gone when the restriction went with its page
    if page is not None:
        enqueue(entries_below(page))


def city_saved(sender, instance, raw=False, created=False, **kwargs):
    # Documents carry the city's names.
    if not raw and not created:
        enqueue(instance.entries.values_list("pk", flat=True))


def bulk_imported(sender, page_ids, **kwargs):
    enqueue(page_ids)


def register():
    for model in [EntryPage, *ENTRY_MODELS.values()]:
        post_save.connect(entry_saved, sender=model, dispatch_uid=f"memoria-outbox-save-{model.__name__}")
        post_delete.connect(entry_deleted, sender=model, dispatch_uid=f"memoria-outbox-delete-{model.__name__}")
    # Sent with the moved page's specific class as sender, whatever its type: listen to all.
    post_page_move.connect(page_moved, dispatch_uid="memoria-outbox-move")
    post_save.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="memoria-outbox-restrict")
    post_delete.connect(restriction_changed, sender=PageViewRestriction, dispatch_uid="memoria-outbox-unrestrict")
    post_save.connect(city_saved, sender=PartnerCity, dispatch_uid="memoria-outbox-city")
    entries_imported.connect(bulk_imported, dispatch_uid="memoria-outbox-import")
