from .dates import DatePrecision, format_historical_date
from .pages import (
    ArchiveIndexPage,
    CollectionItem,
    CollectionPage,
    CommemoratedPerson,
    EntryPage,
    EntryTag,
    InitiativePage,
    Licence,
    MemorialSitePage,
    TestimonyPage,
)
from .snippets import PartnerCity, Theme

__all__ = [
    "ArchiveIndexPage",
    "CollectionItem",
    "CollectionPage",
    "CommemoratedPerson",
    "DatePrecision",
    "EntryPage",
    "EntryTag",
    "InitiativePage",
    "Licence",
    "MemorialSitePage",
    "PartnerCity",
    "TestimonyPage",
    "Theme",
    "format_historical_date",
]
