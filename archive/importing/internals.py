"""Every private name of Wagtail, treebeard, modelsearch and Django that the import relies on.

Why they are used at all: the bulk writer (bulk.py) creates new entries a chunk at
a time instead of through Page.add_child one by one, which makes a large import
many times faster (bench/import_berlin.py times both paths and prints the ratio).
add_child has no bulk form, so the bulk writer does what it does, from the same
pieces: treebeard's materialised paths, Django's multi-row INSERT per table, the
extraction Wagtail's reference index runs on save, and modelsearch's post_save
handler that the deferred updates (indexing.py) pause.

Why here: an upgrade of any of them may rename or change these, and then the tree,
the reference index or the search index would be written wrongly without an error.
tests/archive/test_import_internals.py writes the same rows through both paths and
compares what they store; keep every such use in this module, where that test
covers it.
"""

from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models.signals import post_save
from modelsearch.signal_handlers import post_save_signal_handler
from treebeard.exceptions import PathOverflow
from wagtail.models import Page, ReferenceIndex


def next_child_paths(parent: Page, count: int, using: str = "default") -> list[str]:
    """The paths of the parent's next `count` children, as add_child would give them one by one."""
    depth = parent.depth + 1
    siblings = Page.objects.using(using).filter(path__startswith=parent.path, depth=depth)
    last_path = siblings.order_by("-path").values_list("path", flat=True).first()
    position = Page._str2int(last_path[-Page.steplen :]) if last_path else 0
    if position + count >= len(Page.alphabet) ** Page.steplen:
        raise PathOverflow(f"{parent.url_path} cannot take {count} more children")
    return [Page._get_path(parent.path, depth, position + offset) for offset in range(1, count + 1)]


def insert_pages(pages: list[Page], using: str = "default"):
    """One INSERT per table of the multi-table model, base table first, as Model.save does per page.

    Django's bulk_create refuses multi-table models; this is what it does for one
    table, through the same Manager._insert, once per table: wagtailcore_page
    first (returning the ids), then each child table with its parent link set to
    that id. No signals are sent.
    """
    model = type(pages[0])
    if any(type(page) is not model for page in pages):
        for entry_type in {type(page) for page in pages}:
            insert_pages([page for page in pages if type(page) is entry_type], using)
        return
    tables = [*reversed(model._meta.get_parent_list()), model]
    for table in tables:
        fields = [field for field in table._meta.local_concrete_fields if field is not table._meta.auto_field]
        if table is Page:
            ids = _insert_rows(table, pages, fields, [table._meta.pk], using)
            for page, (page_id,) in zip(pages, ids, strict=True):
                page.id = page_id
        else:
            for page in pages:
                setattr(page, table._meta.pk.attname, page.id)
            _insert_rows(table, pages, fields, None, using)
    for page in pages:
        page._state.adding = False
        page._state.db = using


def _insert_rows(table, objs, fields, returning, using):
    connection = connections[using]
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        batch_size = 1  # the database cannot tell the ids of a multi-row INSERT
    else:
        batch_size = max(connection.ops.bulk_batch_size(fields, objs), 1)
    results = []
    for start in range(0, len(objs), batch_size):
        batch = objs[start : start + batch_size]
        rows = table._base_manager._insert(batch, fields=fields, returning_fields=returning, using=using)
        results.extend(rows or [])
    return results


def reference_rows(obj) -> list[ReferenceIndex]:
    """The reference index rows, unsaved, that create_or_update_for_object would write for a new object."""
    content_types = [
        ContentType.objects.get_for_model(model, for_concrete_model=False)
        for model in [type(obj), *obj._meta.get_parent_list()]
    ]
    return [
        ReferenceIndex(
            content_type=content_types[0],
            base_content_type=content_types[-1],
            object_id=obj.pk,
            to_content_type_id=to_content_type_id,
            to_object_id=to_object_id,
            model_path=model_path,
            content_path=content_path,
            content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
        )
        for to_content_type_id, to_object_id, model_path, content_path in set(
            ReferenceIndex._extract_references_from_object(obj)
        )
    ]


@contextmanager
def search_index_on_save_paused(models):
    """Disconnect modelsearch's post_save handler, which reindexes an object on every save, for these models."""
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)
