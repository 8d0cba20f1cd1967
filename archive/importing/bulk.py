"""Creating new entries in bulk, a chunk of rows at a time, for large imports."""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page, ReferenceIndex
from wagtail.search.backends import get_search_backends

from archive.models import (
    ENTRY_MODELS,
    ArchiveIndexPage,
    CommemoratedPerson,
    EntryPage,
    EntryTag,
    InitiativePage,
)
from archive.signals import entries_imported

from .checking import CleanRow
from .indexing import load_for_indexing
from .internals import insert_pages, next_child_paths, reference_rows
from .placing import TreePlacer
from .writing import may_go_live, set_row_fields, unique_slug


class NewEntryWriter:
    """Creates new entries in bulk, a chunk of rows at a time; for large imports.

    Saving a page one by one runs Page.full_clean and its uniqueness queries,
    treebeard's add_child (a locked parent read, a numchild update, a last-child
    query), one INSERT per table of the multi-table model (wagtailcore_page,
    archive_entrypage, the type's table), the cluster's children one by one,
    then the post_save handlers: the search index (through django-tasks, which
    loads the page again) and Wagtail's reference index. Here each chunk costs a
    few queries per table instead (bench/import_berlin.py times both paths):

    - tree positions: treebeard's materialised paths for the parent's next
      children, computed from its current last child as add_child would
      (internals.next_child_paths), and the parent's numchild raised once per
      chunk;
    - pages: one multi-row INSERT per table of the model, wagtailcore_page
      first (internals.insert_pages);
    - themes, tags (taggit's Tag get-or-create by exact name, then EntryTag
      rows), partner cities and the people commemorated (in row order, with
      sort_order) as bulk_create;
    - search: no post_save is sent, so the search index is filled per chunk
      through the configured backends' add_bulk with the pages loaded as the
      update_index command loads them; a page that is missing from the index
      after an import is a bug;
    - reference index: the entries' references (city, tags, any in the body)
      are written in bulk too, from the extraction Wagtail's own
      create_or_update_for_object uses (internals.reference_rows), so "usage"
      in the admin stays right; leaving it to rebuild_references_index would
      rescan the whole site after every import. (write_row's save-time update
      misses the tags: it runs on the page's post_save, before modelcluster
      writes the tagged items.)

    The result is what write_row gives a new entry, with two deliberate
    differences: no full_clean (the row checker validated the values; slug
    clashes among siblings, which full_clean would catch, are checked here per
    chunk) and, as with write_row, no revision (latest_revision stays None, as
    for any page created without the editor).
    """

    chunk_size = 1000

    def __init__(self, placer: TreePlacer, locales: dict, themes_cache: dict, using: str = "default"):
        self.placer = placer
        self.locales = locales
        self.themes_cache = themes_cache
        self.using = using
        self.published_at = timezone.now()
        self.pending: list[tuple[CleanRow, EntryPage, ArchiveIndexPage]] = []
        # external_id -> translation_key of the entries this import creates, so that a
        # translation can name an entry of the same file that is not yet written.
        self.translation_keys: dict[str, object] = {}
        self.created = 0

    def accepts(self, row: CleanRow) -> bool:
        # A row whose external_id and title give no ASCII slug gets Wagtail's own
        # (Unicode, de-duplicated) slug through write_row.
        return bool(unique_slug(row))

    def is_pending(self, external_id: str) -> bool:
        return any(row.external_id == external_id for row, _, _ in self.pending)

    def add(self, row: CleanRow):
        page, parent = self._build_page(row)
        self.pending.append((row, page, parent))
        self.translation_keys[row.external_id] = page.translation_key
        if len(self.pending) >= self.chunk_size:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        chunk, self.pending = self.pending, []
        self._place_in_tree(chunk)
        pages = [page for _, page, _ in chunk]
        insert_pages(pages, self.using)
        self._insert_relations(chunk)
        self._index(pages)
        entries_imported.send(sender=EntryPage, page_ids=[page.id for page in pages])
        self.created += len(chunk)

    # Building -----------------------------------------------------------------

    def _build_page(self, row: CleanRow):
        """The unsaved page, with every field write_row would set on a new entry."""
        live = may_go_live(row)
        page = ENTRY_MODELS[row.type](
            locale=self.locales[row.language],
            external_id=row.external_id,
            live=live,
            has_unpublished_changes=not live,
            first_published_at=self.published_at if live else None,
            last_published_at=self.published_at if live else None,
        )
        parent = self.placer.parent_for(row.language, row.values["city"])
        # parse_iso_prefix gives the canonical date of its precision: nothing to normalise.
        set_row_fields(page, row)
        page.slug = unique_slug(row)
        if row.translation_of:
            page.translation_key = self._translation_key(row.translation_of)
        return page, parent

    def _translation_key(self, external_id):
        if external_id in self.translation_keys:
            return self.translation_keys[external_id]
        return EntryPage.objects.using(self.using).get(external_id=external_id).translation_key

    # Tree ---------------------------------------------------------------------

    def _place_in_tree(self, chunk):
        """Give each page its path, depth and url_path as the parent's next children, in row order."""
        by_parent = {}
        for _, page, parent in chunk:
            by_parent.setdefault(parent.pk, (parent, []))[1].append(page)
        for parent, pages in by_parent.values():
            self._check_slugs(parent, pages)
            paths = next_child_paths(parent, len(pages), self.using)
            for page, path in zip(pages, paths, strict=True):
                page.depth = parent.depth + 1
                page.path = path
                page.numchild = 0
                page.url_path = parent.url_path + page.slug + "/"
            Page.objects.using(self.using).filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
            parent.numchild += len(pages)

    def _check_slugs(self, parent, pages):
        # What Page.full_clean checks one page at a time, for the whole chunk.
        slugs = [page.slug for page in pages]
        taken = set(
            Page.objects.using(self.using)
            .filter(path__startswith=parent.path, depth=parent.depth + 1, slug__in=slugs)
            .values_list("slug", flat=True)
        )
        for page in pages:
            if page.slug in taken:
                raise ValidationError(
                    {"slug": f"The slug {page.slug!r} is already in use within the parent page at {parent.url_path!r}."}
                )
            taken.add(page.slug)

    # Writing ------------------------------------------------------------------

    def _insert_relations(self, chunk):
        themes_through = EntryPage.themes.through
        theme_links = [
            themes_through(entrypage_id=page.id, theme_id=self.themes_cache[(row.language, slug)].pk)
            for row, page, _ in chunk
            for slug in dict.fromkeys(row.themes)
        ]
        themes_through.objects.using(self.using).bulk_create(theme_links)

        tags = self._tags({name for row, _, _ in chunk for name in row.tags})
        tag_links = [
            EntryTag(content_object_id=page.id, tag=tag)
            for row, page, _ in chunk
            for tag in dict.fromkeys(tags[name] for name in row.tags)
        ]
        EntryTag.objects.using(self.using).bulk_create(tag_links)

        cities_through = InitiativePage.partner_cities.through
        city_links = [
            cities_through(initiativepage_id=page.id, partnercity_id=city.pk)
            for row, page, _ in chunk
            if row.type == "initiative"
            for city in dict.fromkeys(row.partner_cities)
        ]
        cities_through.objects.using(self.using).bulk_create(city_links)

        people = [
            CommemoratedPerson(site_id=page.id, sort_order=order, **person)
            for row, page, _ in chunk
            for order, person in enumerate(row.people or [])
        ]
        CommemoratedPerson.objects.using(self.using).bulk_create(people)

    def _tags(self, names):
        """Tag by name, created where missing; exact names, as taggit matches them by default."""
        tag_model = EntryTag.tag_model()
        manager = tag_model._default_manager.using(self.using)
        tags = {tag.name: tag for tag in manager.filter(name__in=names)}
        for name in sorted(names - tags.keys()):
            # one by one: few are new, and taggit makes the unique slug on save
            tags[name], _ = manager.get_or_create(name=name)
        return tags

    # Indexes ------------------------------------------------------------------

    def _index(self, pages):
        ids_by_model = {}
        for page in pages:
            ids_by_model.setdefault(type(page), []).append(page.id)
        for model, ids in ids_by_model.items():
            # Loaded as update_index loads them (related fields prefetched), so what is
            # indexed is what was stored.
            stored = load_for_indexing(model, ids, self.using)
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(model, stored)
            self._add_references(stored, self.using)

    @staticmethod
    def _add_references(pages, using):
        """The reference index rows create_or_update_for_object would write for new pages."""
        rows = [row for page in pages for row in reference_rows(page)]
        ReferenceIndex.objects.using(using).bulk_create(rows)
