"""The benchmarks' 100,000 entries in the running stack's database, with their vectors and the index.

    .venv/bin/python bench/stack_entries.py [--entries 100000]

For bench/load.py (and bench/faults.py) on `make stack` with the archive the other benches use:
the Berlin stones and the generated bilingual entries of bench/search_index.py, imported through
the importer's bulk path into the stack's PostgreSQL (the environment from .cache/stack/env),
their vectors filled as bench/search_latency.py fills them (a pool of real ones, the rest reused
with noise: all 100,000 would take hours), then the stack's index rebuilt in the cluster
(`search_index rebuild`). The import runs without Elasticsearch, so the outbox stays empty and
the worker is not flooded; the rebuild after it indexes everything at once. Entries there
already (by external id: the demo's Berlin sample) are updated, not doubled.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STACK_ENV = ROOT / ".cache" / "stack" / "env"


def stack_environment():
    if not STACK_ENV.exists():
        sys.exit(f"No {STACK_ENV.relative_to(ROOT)}: start the stack first (make stack)")
    env = {}
    for line in STACK_ENV.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000, help="entries in all, Berlin included")
    parser.add_argument("--data-dir", help="default: $MEMORIA_DATA_DIR, else shared/data beside the checkout")
    args = parser.parse_args()
    stack = stack_environment()
    os.environ.update(stack)
    # The import without Elasticsearch: no outbox row per entry (the rebuild below indexes them).
    os.environ.pop("ELASTICSEARCH_URL", None)
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()

    import django

    django.setup()
    from archive.models import EntryPage
    from archive.sources import iter_source
    from bench.search_index import prepare
    from bench.search_latency import fill_vectors

    before = EntryPage.objects.count()
    berlin = sum(1 for _ in iter_source("berlin", args.data_dir, []))
    print(
        f"the stack's database has {before:,} entries;"
        f" importing {berlin:,} Berlin + {args.entries - berlin:,} generated",
        flush=True,
    )
    report, _migrated, seconds = prepare(args, args.entries - berlin)
    print(f"imported: {report.created:,} created, {report.updated:,} updated in {seconds:.0f} s", flush=True)
    fill_vectors()
    print(f"vectors filled; {EntryPage.objects.count():,} entries in all", flush=True)
    rebuilt = subprocess.run(
        [sys.executable, "manage.py", "search_index", "rebuild"], cwd=ROOT, env={**os.environ, **stack}, check=False
    )
    if rebuilt.returncode:
        sys.exit("search_index rebuild failed")
    print(f"done in {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
