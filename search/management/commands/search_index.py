import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from tqdm import tqdm

from archive.listing import visible_entries
from search.client import search_enabled
from search.embeddings import compute_missing, pages_missing_vectors
from search.indexing import IndexUnavailable, drain, embed_missing, index_exists, rebuild, status

# Seconds the worker waits at most after database errors in a row.
MAX_DATABASE_BACKOFF = 30.0
# Entries embedded per round of the worker's loop: about 10 s of the model on this CPU.
EMBED_BATCH = 32


class Command(BaseCommand):
    help = "The Elasticsearch index: rebuild it, show its status, push the outbox once (sync) or keep pushing (work)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "status", "sync", "work"])
        parser.add_argument("--keep-old", action="store_true", help="rebuild: keep the previous index.")
        parser.add_argument("--interval", type=float, default=1.0, help="work: seconds between polls.")

    def handle(self, *args, action, **options):
        if not search_enabled():
            raise CommandError("Set ELASTICSEARCH_URL to use the Elasticsearch index.")
        if "MEMORIA_EMBEDDING_THREADS" not in os.environ:
            # Batches of passages, not one query at a time: every core this process may use.
            settings.MEMORIA_EMBEDDING_THREADS = len(os.sched_getaffinity(0))
        getattr(self, f"handle_{action}")(**options)

    def handle_rebuild(self, keep_old, verbosity, **options):
        # The vectors first, so a rebuild right after an import gives a complete index.
        missing = pages_missing_vectors()
        if missing:
            bar = tqdm(total=len(missing), desc="Embedding", unit=" entries", disable=verbosity == 0, file=self.stderr)
            try:
                compute_missing(missing, progress=bar.update)
            finally:
                bar.close()
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

    def ensure_index(self, verbosity, **options):
        """A first sync or worker start builds the index: there is nothing to catch up with yet."""
        if not index_exists():
            self.stdout.write("No index yet: building it.")
            self.handle_rebuild(keep_old=False, verbosity=verbosity)

    def handle_sync(self, **options):
        try:
            self.ensure_index(**options)
            totals = drain(retry_now=True)
        except IndexUnavailable as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Pushed {totals['pushed']} change(s); {totals['failed']} failed and wait for a retry.")

    def handle_work(self, interval, verbosity, **options):
        self.stdout.write("Pushing the outbox; Ctrl-C to stop.")
        failures = 0  # in a row, for the back-off
        backlog = None
        try:
            while True:
                wait = interval
                try:
                    self.ensure_index(verbosity=verbosity)
                    if backlog is None:
                        # Once at start: entries imported or changed while no worker ran.
                        backlog = pages_missing_vectors()
                    totals = drain()
                    # The entries just pushed with a new text get their vectors, then are pushed again;
                    # the backlog a batch at a time, so the outbox keeps moving meanwhile.
                    embed_missing(totals["pages"])
                    if backlog:
                        embed_missing(backlog[:EMBED_BATCH])
                        backlog = backlog[EMBED_BATCH:]
                except IndexUnavailable as error:
                    # The outbox keeps every change; try again after the interval.
                    self.stderr.write(f"Elasticsearch unavailable: {error}")
                except DatabaseError as error:
                    # E.g. SQLite's "database is locked" when the site writes meanwhile. The batch's
                    # transaction is rolled back, so its rows are still due (a push already made is
                    # made again, with the same versions). A fresh connection, a growing pause, again.
                    failures += 1
                    wait = min(max(interval, 0.1) * 2**failures, MAX_DATABASE_BACKOFF)
                    self.stderr.write(f"Database error, retrying in {wait:.1f} s: {error}")
                    for connection in connections.all(initialized_only=True):
                        # Not one inside an atomic block: that transaction is its owner's to end
                        # (a test's, for one); closing it under them fails on PostgreSQL.
                        if not connection.in_atomic_block:
                            connection.close()
                else:
                    failures = 0
                    if totals["pushed"] and verbosity > 1:
                        self.stdout.write(f"pushed {totals['pushed']}")
                time.sleep(wait)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
