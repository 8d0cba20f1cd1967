"""Import and export of archive entries as CSV or JSON Lines.

The rooms: fields (the columns of the format), reading, checking, placing (where
an entry goes in the tree), writing (one row through Wagtail's page API), bulk
(new entries a chunk at a time), indexing (search and reference index updates
once per chunk), internals (the private Wagtail, treebeard, modelsearch and
Django names the bulk path relies on), pipeline (check, then write) and export.
"""

from .bulk import NewEntryWriter
from .export import export_rows, write_export
from .fields import ALL_FIELDS
from .indexing import deferred_index_updates
from .pipeline import import_entries, import_rows
from .placing import TreePlacer
from .reading import numbered, read_rows
from .report import ImportReport, Problem

__all__ = [
    "ALL_FIELDS",
    "ImportReport",
    "NewEntryWriter",
    "Problem",
    "TreePlacer",
    "deferred_index_updates",
    "export_rows",
    "import_entries",
    "import_rows",
    "numbered",
    "read_rows",
    "write_export",
]
