"""Search and reference index updates during an import: once per chunk of pages, not once per save."""

from contextlib import contextmanager

from django.db.models.signals import post_save
from modelcluster.models import get_all_child_relations
from modelsearch.index import class_is_indexed, get_indexed_models
from wagtail.models import ReferenceIndex
from wagtail.search.backends import get_search_backends
from wagtail.signal_handlers import disable_reference_index_auto_update

from .internals import search_index_on_save_paused


@contextmanager
def deferred_index_updates(using: str = "default", chunk_size: int = 500):
    """Update the search and reference indexes once at the end, not on every save.

    For the rows written one by one (updates of existing entries, new archive
    sections): on each save modelsearch's post_save handler reindexes the page
    through a django-tasks task that loads it again, and Wagtail's handler
    rebuilds its references, which together take about half the time of an
    update. Here those handlers are swapped for one that notes what was saved,
    and the pages noted are indexed in chunks when the block ends (inside the
    caller's transaction, as the immediate task backend would have done). The
    swap is process-wide, so use it in management commands, not in a web request.
    """
    search_models = [model for model in get_indexed_models() if getattr(model, "search_auto_update", True)]
    watched = set(search_models) | set(ReferenceIndex.tracked_models)
    saved: dict[type, set] = {}

    def note_save(sender, instance, raw=False, **kwargs):
        if not raw:
            saved.setdefault(sender, set()).add(instance.pk)

    with search_index_on_save_paused(search_models):
        for model in watched:
            post_save.connect(note_save, sender=model, weak=False)
        try:
            with disable_reference_index_auto_update():
                yield
        finally:
            for model in watched:
                post_save.disconnect(note_save, sender=model)
    for model, pks in saved.items():
        pks = sorted(pks)
        for start in range(0, len(pks), chunk_size):
            objects = load_for_indexing(model, pks[start : start + chunk_size], using)
            if model in search_models:
                for backend in get_search_backends(with_auto_update=True):
                    backend.add_bulk(model, objects)
            if ReferenceIndex.is_indexed(model):
                for obj in objects:
                    ReferenceIndex.create_or_update_for_object(obj)


def load_for_indexing(model, pks, using):
    """The objects as update_index loads them (related search fields prefetched), plus their
    child relations, which the reference index scans (a query per object and relation otherwise)."""
    queryset = model.get_indexed_objects() if class_is_indexed(model) else model._default_manager.all()
    child_relations = [relation.get_accessor_name() for relation in get_all_child_relations(model)]
    return list(queryset.using(using).filter(pk__in=pks).prefetch_related(*child_relations))
