import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive.listing import visible_entries
from search.client import search_enabled
from search.indexing import IndexUnavailable, drain, rebuild, status


class Command(BaseCommand):
    help = "The Elasticsearch index: rebuild it, show its status, push the outbox once (sync) or keep pushing (work)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "status", "sync", "work"])
        parser.add_argument("--keep-old", action="store_true", help="rebuild: keep the previous index.")
        parser.add_argument("--interval", type=float, default=1.0, help="work: seconds between polls.")

    def handle(self, *args, action, **options):
        if not search_enabled():
            raise CommandError("Set ELASTICSEARCH_URL to use the Elasticsearch index.")
        getattr(self, f"handle_{action}")(**options)

    def handle_rebuild(self, keep_old, verbosity, **options):
        bar = tqdm(
            total=visible_entries().count(), desc="Indexing", unit=" docs", disable=verbosity == 0, file=self.stderr
        )
        try:
            report = rebuild(progress=bar.update, keep_old=keep_old)
        finally:
            bar.close()
        rate = report.documents / report.seconds if report.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt {report.index}: {report.documents} documents in {report.seconds:.1f} s ({rate:.0f} docs/s); "
                f"{report.replayed} change(s) made during the build applied after the swap."
            )
        )

    def handle_status(self, **options):
        info = status()
        if info["error"]:
            self.stdout.write(self.style.ERROR(f"Elasticsearch unreachable: {info['error']}"))
        self.stdout.write(f"alias:          {info['alias']} -> {info['index'] or '(no index: run rebuild)'}")
        self.stdout.write(f"documents:      {info['documents']} of {info['public_entries']} public entries")
        self.stdout.write(
            f"outbox backlog: {info['backlog']} ({info['retrying']} retrying, oldest {info['oldest_pending']})"
        )

    def handle_sync(self, **options):
        try:
            totals = drain(retry_now=True)
        except IndexUnavailable as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Pushed {totals['pushed']} change(s); {totals['failed']} failed and wait for a retry.")

    def handle_work(self, interval, verbosity, **options):
        self.stdout.write("Pushing the outbox; Ctrl-C to stop.")
        try:
            while True:
                totals = drain()
                if totals["pushed"] and verbosity > 1:
                    self.stdout.write(f"pushed {totals['pushed']}")
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
