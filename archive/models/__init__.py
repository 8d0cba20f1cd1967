from .dates import DatePrecision, format_historical_date
from .pages import (
    ENTRY_MODELS,
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
from .snippets import GlossaryTerm, PartnerCity, Theme

__all__ = [
    "ArchiveIndexPage",
    "CollectionItem",
    "CollectionPage",
    "CommemoratedPerson",
    "DatePrecision",
    "ENTRY_MODELS",
    "EntryPage",
    "EntryTag",
    "GlossaryTerm",
    "InitiativePage",
    "Licence",
    "MemorialSitePage",
    "PartnerCity",
    "TestimonyPage",
    "Theme",
    "format_historical_date",
]
