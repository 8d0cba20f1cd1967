"""Links in rich text to pages anyone may see; a link to any other page keeps its text, not its address.

Wagtail's own page link handler writes the address of whatever page an editor linked, a draft,
a page behind a password or a testimony without consent included: its slug can name a person,
and the link says the page exists. A public page's text links only pages that pass the one
visibility rule (archive.listing: live, public, and for entries visible_entries()); any other
link is rendered as Wagtail renders a link to a deleted page, `<a>` without an address. The
rule is read when the text is rendered, so a link follows the linked page's state.
"""

from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from archive.listing import visible_entries
from archive.models import EntryPage


class PublicPageLinkHandler(PageLinkHandler):
    @classmethod
    def get_many(cls, attrs_list):
        pages = super().get_many(attrs_list)
        ids = [page.pk for page in pages if page is not None]
        if not ids:
            return pages
        public = set(Page.objects.filter(pk__in=ids).live().public().values_list("pk", flat=True))
        entries = set(EntryPage.objects.filter(pk__in=ids).values_list("pk", flat=True))
        visible = set(visible_entries().filter(pk__in=entries).values_list("pk", flat=True)) if entries else set()
        return [
            page if page is not None and page.pk in public and (page.pk not in entries or page.pk in visible) else None
            for page in pages
        ]
