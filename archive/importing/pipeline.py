"""The import of archive entries as two passes over the rows.

First every row is checked and each problem reported by row number and field;
then, only if nothing is wrong (or with skip_invalid, for the good rows), the rows
are written in one transaction. Entries are matched by external_id, so importing
a file again updates them.
"""

from collections.abc import Callable, Iterator
from contextlib import nullcontext
from pathlib import Path

from django.db import transaction
from wagtail.models import Locale

from archive.models import EntryPage, Theme

from .bulk import NewEntryWriter
from .checking import RowChecker, checked_rows, cross_check
from .indexing import deferred_index_updates
from .placing import TreePlacer
from .reading import detect_format, read_rows
from .report import ImportReport, Problem
from .writing import write_row


def import_entries(path: Path, file_format: str | None = None, **options) -> ImportReport:
    """Import a CSV or JSON Lines file; see import_rows for the options."""
    path = Path(path)
    file_format = detect_format(path, file_format)
    return import_rows(lambda: read_rows(path, file_format), **options)


def import_rows(
    open_rows: Callable[[], Iterator[tuple[int, dict | None, str | None]]],
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress=None,
    bulk: bool = True,
) -> ImportReport:
    """Check every row, then write them all in one transaction, or nothing.

    `open_rows` is called once per pass, so the rows are streamed twice instead of held.
    New entries are written in chunks by NewEntryWriter; entries that exist already
    (matched by external_id) are updated one by one by write_row. bulk=False writes
    every row through write_row (the reference the bulk path is compared with).
    """
    report = ImportReport()
    checker = RowChecker()
    seen = {}
    known_ids = dict(EntryPage.objects.exclude(external_id=None).values_list("external_id", "locale__language_code"))
    good_rows = set()

    for number, clean in checked_rows(open_rows(), checker, report.problems, progress, "check"):
        problem = cross_check(clean, seen, known_ids)
        if problem:
            report.problems.append(Problem(number, *problem))
            continue
        seen[clean.external_id] = clean.language
        good_rows.add(number)
    report.valid = len(good_rows)

    if dry_run or (report.problems and not skip_invalid):
        return report

    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    themes_cache = {(theme.locale.language_code, theme.slug): theme for theme in Theme.objects.select_related("locale")}
    placer = TreePlacer()
    with transaction.atomic(), deferred_index_updates() if bulk else nullcontext():
        new_entries = NewEntryWriter(placer, locales, themes_cache) if bulk else None
        for number, clean in checked_rows(open_rows(), checker, [], progress, "write"):
            if number not in good_rows:
                continue
            if new_entries and clean.external_id not in known_ids and new_entries.accepts(clean):
                new_entries.add(clean)
                continue
            if new_entries and clean.translation_of and new_entries.is_pending(clean.translation_of):
                new_entries.flush()  # write_row looks the translated entry up in the database
            if write_row(clean, placer, locales, themes_cache):
                report.created += 1
            else:
                report.updated += 1
        if new_entries:
            new_entries.flush()
            report.created += new_entries.created
    return report
