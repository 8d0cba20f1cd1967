"""Which entries and pages the public may see: the one rule, for the apps that stand on the archive."""

from archive.models import EntryPage


def visible_entries():
    """Entries anyone may see: live, not behind a view restriction, and testimonies only with consent."""
    return EntryPage.objects.visible()


def visible_translations(page):
    """The page's other language versions that anyone may see (for hreflang and the language switcher)."""
    translations = page.get_translations().live().public()
    if isinstance(page, EntryPage):
        return visible_entries().filter(pk__in=translations.values("pk")).select_related("locale")
    return translations.select_related("locale")
