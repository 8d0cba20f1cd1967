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
from .snippets import GlossaryTerm, PartnerCity, Theme

# The entry types by the slug used in imports, filters and the search index.
ENTRY_MODELS = {model.entry_type_slug: model for model in (InitiativePage, TestimonyPage, MemorialSitePage)}

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
