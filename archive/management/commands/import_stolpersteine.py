from django.core.management.base import BaseCommand, CommandError

from archive.importing import import_rows, numbered
from archive.management.progress import import_progress
from archive.sources import SOURCES, iter_source, source_folder
from archive.vocabulary import ensure_vocabulary


class Command(BaseCommand):
    help = "Import the Stolpersteine of Heilbronn or Berlin from the shared data (see its README)."

    def add_arguments(self, parser):
        parser.add_argument("source", choices=sorted(SOURCES))
        parser.add_argument("--data-dir", help="Default: $MEMORIA_DATA_DIR, else shared/data beside the checkout.")
        parser.add_argument("--limit", type=int, help="Import only the first N entries.")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        folder = source_folder(options["source"], options["data_dir"])
        if not folder.is_dir():
            raise CommandError(f"No data at {folder}")
        ensure_vocabulary()
        data_problems = []

        def open_rows():
            data_problems.clear()
            return numbered(iter_source(options["source"], options["data_dir"], data_problems, options["limit"]))

        with import_progress(self.stderr, options["verbosity"]) as progress:
            report = import_rows(open_rows, dry_run=options["dry_run"], progress=progress)
        for problem in data_problems:
            self.stderr.write(f"data: {problem}")
        for problem in report.problems:
            self.stderr.write(str(problem))
        if report.problems:
            raise CommandError(f"{len(report.invalid_rows)} invalid row(s); nothing was imported.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{options['source']}: {report.valid} valid entries; {report.created} created, {report.updated} updated"
                f"{' (dry run)' if options['dry_run'] else ''}; {len(data_problems)} data problem(s) reported."
            )
        )
