"""Time the import of the Berlin Stolpersteine (10,229 entries) against the 2-minute requirement.

    .venv/bin/python bench/import_berlin.py [--limit N] [--old-rows 500] [--reimport-rows 1000]

Uses a throw-away SQLite database in a temporary folder (migrated first), unless
DATABASE_URL is set; then that database is used as it is (migrate it first, and
give an empty one: the figures are for a first import). Runs the same code path
as `manage.py import_stolpersteine berlin`, and in the same run:

- the old per-row path (write_row for every row) on the first --old-rows rows,
  inside a transaction that is rolled back, for rows/s of both paths;
- a re-import of the first --reimport-rows rows, which must create nothing.

The bulk path's speed-up over the per-row path is why archive/importing/internals.py
uses private Wagtail and treebeard methods. Measured with `--limit 2000 --old-rows 2000
--reimport-rows 0` (SQLite, two shared cores, Wagtail 8.0.1, treebeard 5.3.1), twice:
per-row path (add_child) 35.3 and 28.1 rows/s, bulk path 298 and 199 rows/s (check
pass included), 8.5x and 7.1x.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE_SECONDS = 8 * 60  # the issue: about 8 minutes for the full Berlin import
REQUIRED_SECONDS = 120  # the requirement: under 2 minutes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="import only the first N rows (default: all)")
    parser.add_argument("--old-rows", type=int, default=500, help="rows timed through the old per-row path")
    parser.add_argument("--reimport-rows", type=int, default=1000, help="rows imported a second time")
    parser.add_argument("--data-dir", help="default: $MEMORIA_DATA_DIR, else shared/data beside the checkout")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memoria.settings.dev")
    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = tempfile.TemporaryDirectory(prefix="memoria-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary.name}/bench.sqlite3"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from archive.importing import import_rows, numbered
    from archive.models import EntryPage
    from archive.sources import iter_source, source_folder
    from archive.vocabulary import ensure_vocabulary

    if not source_folder("berlin", args.data_dir).is_dir():
        sys.exit(f"No Berlin data at {source_folder('berlin', args.data_dir)}")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if temporary:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.perf_counter() - started:.1f} s")
    ensure_vocabulary()
    if EntryPage.objects.exists():
        sys.exit("The database has entries already; give an empty one.")

    def rows(limit):
        return lambda: numbered(iter_source("berlin", args.data_dir, [], limit))

    # The old path first, rolled back, so the full import starts from the same empty archive.
    old_rate = None
    if args.old_rows:
        started = time.perf_counter()
        with transaction.atomic():
            report = import_rows(rows(args.old_rows), bulk=False)
            old_seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        old_rate = report.created / old_seconds
        print(f"old per-row path: {report.created} rows in {old_seconds:.1f} s = {old_rate:.1f} rows/s (rolled back)")

    started = time.perf_counter()
    report = import_rows(rows(args.limit))
    seconds = time.perf_counter() - started
    if report.problems:
        sys.exit(f"{len(report.problems)} problem(s), first: {report.problems[0]}")
    rate = report.created / seconds
    print(f"bulk path: {report.valid} rows, {report.created} created, {report.updated} updated")
    print(f"  {seconds:.1f} s = {rate:.1f} rows/s (check pass included)")
    if old_rate:
        print(f"  {rate / old_rate:.1f}x the old path's rows/s in this run")
        print(f"  old path for these rows, extrapolated: {report.created / old_rate:.0f} s")
    full = report.valid >= 10_000
    verdict = "PASS" if seconds < REQUIRED_SECONDS else "FAIL"
    print(
        f"  issue baseline ~{BASELINE_SECONDS} s; requirement < {REQUIRED_SECONDS} s: {verdict}"
        + ("" if full else " (partial import; not the full data set)")
    )

    if args.reimport_rows:
        started = time.perf_counter()
        again = import_rows(rows(args.reimport_rows))
        re_seconds = time.perf_counter() - started
        print(
            f"re-import of the first {args.reimport_rows} rows: {again.created} created, {again.updated} updated"
            f" in {re_seconds:.1f} s = {again.valid / re_seconds:.1f} rows/s"
        )
        if again.created:
            sys.exit("FAIL: a re-import created entries")
    if temporary:
        connection.close()
        temporary.cleanup()
    return 0 if verdict == "PASS" or not full else 1


if __name__ == "__main__":
    sys.exit(main())
