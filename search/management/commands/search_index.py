import os
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive.listing import visible_entries
from search.client import search_enabled
from search.embeddings import compute_missing, pages_missing_vectors
from search.indexing import IndexUnavailable, drain, index_exists, prune_outbox, rebuild, status
from search.worker import WorkerState, work_once


class Command(BaseCommand):
    help = (
        "The Elasticsearch index: rebuild it, show its status, push the outbox once (sync), prune the "
        "processed outbox rows (prune), or run the worker (work)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "status", "sync", "prune", "work"])
        parser.add_argument("--keep-old", action="store_true", help="rebuild: keep the previous index.")
        parser.add_argument("--interval", type=float, default=1.0, help="work: seconds between polls.")

    def handle(self, *args, action, **options):
        if not search_enabled() and action != "work":
            raise CommandError("Set ELASTICSEARCH_URL to use the Elasticsearch index.")
        if "MEMORIA_EMBEDDING_THREADS" not in os.environ:
            # Batches of passages, not one query at a time: every core this process may use.
            settings.MEMORIA_EMBEDDING_THREADS = len(os.sched_getaffinity(0))
        getattr(self, f"handle_{action}")(**options)

    def handle_rebuild(self, keep_old, verbosity, embed_first=True, **options):
        # The vectors first, so a rebuild right after an import gives a complete index.
        missing = pages_missing_vectors() if embed_first else []
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
        self.stdout.write(f"cluster:        {info['cluster'] or '(unreachable)'}")
        age = info["oldest_pending_seconds"]
        oldest = "none"
        if age is not None:
            oldest = f"oldest {age:.0f} s old, since {info['oldest_pending']:%Y-%m-%d %H:%M:%S}"
        self.stdout.write(f"outbox backlog: {info['backlog']} ({info['retrying']} retrying; {oldest})")
        self.stdout.write(
            f"outbox kept:    {info['processed_kept']} processed row(s), pruned after "
            f"{settings.MEMORIA_SEARCH_OUTBOX_RETENTION_DAYS} day(s)"
        )

    def ensure_index(self, verbosity, embed_first=True, **options):
        """A first sync or worker start builds the index: there is nothing to catch up with yet.

        The worker builds it from the text at once (readers search again within the minute), and
        computes the missing vectors afterwards, a batch a round, each pushed as it comes.
        """
        if not index_exists():
            self.stdout.write("No index yet: building it.")
            self.handle_rebuild(keep_old=False, verbosity=verbosity, embed_first=embed_first)

    def handle_sync(self, **options):
        try:
            self.ensure_index(**options)
            totals = drain(retry_now=True)
        except IndexUnavailable as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Pushed {totals['pushed']} change(s); {totals['failed']} failed and wait for a retry.")

    def handle_prune(self, **options):
        deleted = prune_outbox()
        self.stdout.write(
            f"Deleted {deleted} processed outbox row(s) older than "
            f"{settings.MEMORIA_SEARCH_OUTBOX_RETENTION_DAYS} day(s)."
        )

    def handle_work(self, interval, verbosity, **options):
        self.stdout.write("Working: the outbox, the vectors, the queued tasks; Ctrl-C to stop.")
        state = WorkerState()

        def ensure_index():
            self.ensure_index(verbosity=verbosity, embed_first=False)

        def stop(signum, frame):
            # A service manager's SIGTERM: the round in hand ends as a round does (its claims
            # settled), then the worker stops, instead of leaving its rows claimed for a while.
            state.stopping = True

        signal.signal(signal.SIGTERM, stop)
        try:
            while not state.stopping:
                wait = work_once(state, ensure_index, interval)
                if not state.stopping:
                    time.sleep(wait)
        except KeyboardInterrupt:
            pass
        self.stdout.write("Stopped.")
