from .checking import (
    ALL_FIELDS,
    ImportReport,
    NewEntryWriter,
    TreePlacer,
    deferred_index_updates,
    export_rows,
    import_entries,
    import_rows,
    numbered,
    write_export,
)

__all__ = [
    "ALL_FIELDS",
    "ImportReport",
    "NewEntryWriter",
    "TreePlacer",
    "deferred_index_updates",
    "export_rows",
    "import_entries",
    "import_rows",
    "numbered",
    "write_export",
]
