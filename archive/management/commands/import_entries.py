from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.importing import import_entries
from archive.management.progress import import_progress


class Command(BaseCommand):
    help = (
        "Import archive entries from CSV or JSON Lines. Every row is checked first; nothing is "
        "written unless all rows are valid (or --skip-invalid). Re-importing updates entries by external_id."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["csv", "jsonl"], help="Default: from the file's extension.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write nothing.")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid rows, report the rest.")

    def handle(self, *args, **options):
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with import_progress(self.stderr, options["verbosity"]) as progress:
            report = import_entries(
                path,
                options["format"],
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                progress=progress,
            )
        for problem in report.problems:
            self.stderr.write(str(problem))
        if report.problems and not options["skip_invalid"]:
            raise CommandError(
                f"{len(report.invalid_rows)} invalid row(s); nothing was imported. "
                "Fix them, or use --skip-invalid to import the valid rows."
            )
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run: {report.valid} valid row(s), {len(report.invalid_rows)} invalid; nothing written."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.created + report.updated} entries ({report.created} created, "
                f"{report.updated} updated); {len(report.invalid_rows)} invalid row(s) skipped."
            )
        )
