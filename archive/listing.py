"""Which entries the public may see: the one rule, for the apps that stand on the archive."""

from archive.models import EntryPage


def visible_entries():
    """Entries anyone may see: live, not behind a view restriction, and testimonies only with consent."""
    return EntryPage.objects.visible()
