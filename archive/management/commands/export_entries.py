import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from archive.importing import export_rows, write_export


class Command(BaseCommand):
    help = "Export every archive entry in the import format (CSV or JSON Lines), to a file or standard output."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", type=Path, help="Default: standard output.")
        parser.add_argument(
            "--format", choices=["csv", "jsonl"], default=None, help="Default: from --output, else jsonl."
        )

    def handle(self, *args, **options):
        output = options["output"]
        file_format = options["format"] or ("csv" if output and output.suffix.lower() == ".csv" else "jsonl")
        if output is None:
            write_export(export_rows(), sys.stdout, file_format)
            return
        with output.open("w", encoding="utf-8", newline="") as handle:
            write_export(export_rows(), handle, file_format)
        self.stderr.write(f"Wrote {output}")
