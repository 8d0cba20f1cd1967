"""Writing one checked row: create or update its entry through Wagtail's public page API.

The fields a row sets on a page (set_row_fields, unique_slug, may_go_live) are here
too, since the bulk writer for new entries (bulk.py) sets them the same way.
"""

from django.utils import timezone
from django.utils.text import slugify

from archive.models import ENTRY_MODELS, CommemoratedPerson, EntryPage, TestimonyPage
from archive.text import paragraphs_html, stream_to_text, text_to_stream

from .checking import CleanRow, RowError
from .placing import TreePlacer


def write_row(row: CleanRow, placer: TreePlacer, locales: dict, themes_cache: dict) -> bool:
    """Create or update the entry of a checked row. Returns True when it was created."""
    model = ENTRY_MODELS[row.type]
    existing = EntryPage.objects.filter(external_id=row.external_id).first()
    parent = placer.parent_for(row.language, row.values["city"])
    if existing is not None:
        page = existing.specific
        if not isinstance(page, model):
            raise RowError("type", f"entry {row.external_id} exists as another type ({page.entry_type})")
        if page.locale_id != locales[row.language].pk:
            raise RowError("language", f"entry {row.external_id} exists in another language")
    else:
        live = may_go_live(row)
        page = model(
            locale=locales[row.language], external_id=row.external_id, live=live, has_unpublished_changes=not live
        )
    set_row_fields(page, row)
    if not page.slug:
        page.slug = unique_slug(row)
    if row.translation_of:
        source = EntryPage.objects.filter(external_id=row.translation_of).first()
        page.translation_key = source.translation_key
    page.themes.set([themes_cache[(row.language, slug)] for slug in row.themes])
    page.tags.set(row.tags)
    if row.type == "initiative":
        page.partner_cities.set(row.partner_cities)
    if row.people is not None:
        page.people = [CommemoratedPerson(sort_order=order, **person) for order, person in enumerate(row.people)]
    if existing is None:
        # Imported entries are published as they are created, so they get publication dates like
        # entries an editor publishes (the home page lists the latest by first_published_at).
        if page.live:
            page.first_published_at = page.last_published_at = timezone.now()
        parent.add_child(instance=page)
        return True
    page.save()
    if page.live and not may_go_live(row):
        page.unpublish()  # consent withdrawn in the file: off the site, and out of search, at once
    if page.get_parent().pk != parent.pk:
        page.move(parent, pos="last-child")
    return False


def may_go_live(row: CleanRow) -> bool:
    """Imported entries are published, except testimonies without recorded consent: they wait as drafts."""
    return row.type != "testimony" or row.values["consent"] != TestimonyPage.Consent.NOT_RECORDED


def set_row_fields(page, row: CleanRow):
    """The row's own fields on the page, not its relations; both write paths use it."""
    values = dict(row.values)
    body = values.pop("body")
    transcript = values.pop("transcript", None)
    for name, value in values.items():
        setattr(page, name, value)
    if transcript is not None:
        page.transcript = "".join(paragraphs_html(transcript))
    if stream_to_text(page.body) != body.strip():
        page.body = text_to_stream(body)
    page.draft_title = page.title


def unique_slug(row):
    # external_id is unique, so it makes a unique, stable slug under any parent.
    return slugify(row.external_id, allow_unicode=False)[:255] or slugify(row.title)[:200]
