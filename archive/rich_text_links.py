"""Links in rich text to pages anyone may see; a link to any other page keeps its text, not its address.

Wagtail's own page link handler writes the address of whatever page an editor linked, a draft,
a page behind a password or a testimony without consent included: its slug can name a person,
and the link says the page exists. A public page's text links only pages that pass the one
visibility rule (archive.listing: live, public, and for entries visible_entries()); any other
link is rendered as Wagtail renders a link to a deleted page, `<a>` without an address. The
rule is read when the text is rendered, so a link follows the linked page's state.
"""

from django.utils.html import escape
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from archive.listing import visible_entries
from archive.models import EntryPage


class PublicPageLinkHandler(PageLinkHandler):
    @classmethod
    def get_many(cls, attrs_list):
        # Wagtail links the reader's language version of the page when it is live (`localized`):
        # the address written is that page's, so the rule applies to it; where it may not be
        # shown, the linked page itself, if it may.
        choices = [None if page is None else (page.localized.specific, page) for page in super().get_many(attrs_list)]
        visible = cls.visible_ids({page.pk for pair in choices if pair for page in pair})
        return [None if pair is None else next((page for page in pair if page.pk in visible), None) for pair in choices]

    @staticmethod
    def visible_ids(ids) -> set[int]:
        if not ids:
            return set()
        public = set(Page.objects.filter(pk__in=ids).live().public().values_list("pk", flat=True))
        entries = set(EntryPage.objects.filter(pk__in=public).values_list("pk", flat=True))
        hidden_entries = entries - set(visible_entries().filter(pk__in=entries).values_list("pk", flat=True))
        return public - hidden_entries

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        # get_many gives the pages to link already: their own url, not `.localized` again.
        return [f'<a href="{escape(page.url)}">' if page else "<a>" for page in cls.get_many(attrs_list)]
