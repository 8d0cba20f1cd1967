"""Search index on 100,000 entries: full rebuild (ours against Wagtail's), and publish-to-searchable.

    .venv/bin/python bench/search_index.py [--entries 100000] [--fresh] [--publishes 50] [--paths commit,worker]
                                           [--experiments [--only WORD,...]] [--publish-only] [--profile]

The archive: the 10,229 Berlin Stolpersteine (real data, through the converter and the importer)
plus generated bilingual entries (bench/generate.py) up to --entries (100,000), all imported with
import_rows(numbered(rows)), the bulk path. The prepared SQLite database is cached in
.cache/bench/ (git-ignored) and reused while it exists; --fresh builds it again. Every run works
on a copy of it in a temporary folder, so the cache stays as imported.

Elasticsearch: $ELASTICSEARCH_URL, else the local node (`search/elasticsearch/es.sh start`, which
only prints the URL when it is running already). Our index lives under the alias bench-memoria,
Wagtail's under the prefix bench-wagtail-; both are deleted at the end (--keep-indices keeps them).

Measured, in one run:

1. our full rebuild: search.indexing.rebuild(), docs/s, with where the time goes (SQL, building
   the documents in search.documents.entry_sources, the bulk requests, which run in threads
   while the next documents are built, and Elasticsearch's own `took`), and the CPU seconds of
   this process and of Elasticsearch;
2. Wagtail's: `update_index --backend bench-wagtail` with modelsearch's Elasticsearch 8 backend
   on the same server over the same entries, docs/s (entry documents and all documents);
3. the ratio, against the targets (ours >= 1,500 docs/s and >= 3x Wagtail's);
4. publish-to-searchable, --publishes times per path: the title of a published entry becomes a
   unique word, `page.save_revision().publish()`, then the alias is searched for the word every
   50 ms (the bench never refreshes: a small drain batch asks Elasticsearch to refresh, see
   search.indexing.REFRESH_AT_ONCE; else the 1 s refresh interval applies). Paths: `commit`, the
   push right after the commit that search/signals.py makes with MEMORIA_SEARCH_PUSH_ON_COMMIT
   (dev and tests, without a worker), and `worker`, that push switched off in this process as
   production switches it off, and `manage.py search_index work --interval 0.2` pushing instead
   (with its embedding step switched off: see WORKER_WITHOUT_EMBEDDINGS): the path a deployment takes.

   `commit-nodbsearch` is the on-commit path with Wagtail's database search backend not
   updated on save, to show what that backend's share of publish() is.

--experiments adds variants of rebuild() (VARIANTS: the module's rebuild with a part swapped in
this process): the previous sending (1 thread, 500-document bulks, translog per request) and a
384-dimension dense_vector field with random unit vectors (HNSW, int8 HNSW, int8 flat; in the
documents or by updates after the text);
--only picks variants by a word of their label. The text of each is checked against a sample of
the timed rebuild's documents. --publish-only builds the index with rebuild() (untimed) and
times only the publishes. --profile adds a rebuild under cProfile (main thread only; not the
timed one).

Run time, measured on 2 cores shared with other work: preparing the database ~17 min for
100,000 entries, ~3 min for 20,000 (once); a default run at 20,000 ~5 min; at 100,000 the
Wagtail rebuild alone takes several minutes; --experiments adds a rebuild per variant (the
vector ones are the slow ones).

The design choices this bench measured (the code's comments give the reasons, these the
figures, as measured when each choice was made):
- the completion field fed the title and each name only: with the title from each of its words
  on (4.9 inputs per entry) it took 18 % of Elasticsearch's indexing CPU.
- one bilingual analysis per text (search/analysis.py BILINGUAL_FILTERS) instead of each
  language's chain over the whole text: on 10,000 entries of the bench, 9.1 s of
  Elasticsearch's indexing CPU against 11.0 s (17 % less); each text in its own entry's
  language alone was cheaper still (8.0 s) but lost relevance on German queries over Russian
  entries (hybrid + glossary MRR@10 0.702 -> 0.666).
- display dates cached per (date, precision, language): the 100,000 entries have 13,465
  distinct dates with their precision.
- the node on Temurin 25 rather than Java 17 (search/elasticsearch/es.sh): a rebuild on a
  just-started node 910 docs/s against 814 (the JDK's vector API and the native vector library).
"""

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / ".cache" / "bench"
OUR_ALIAS = "bench-memoria"
WAGTAIL_BACKEND = "bench-wagtail"
WAGTAIL_PREFIX = "bench-wagtail-"
SEED = 1941

TARGET_RATE = 1500  # docs/s, our rebuild
TARGET_RATIO = 3.0  # ours / Wagtail's
TARGET_P95_MS = 2000  # publish-to-searchable
PATHS = {
    "commit": "push at commit (dev, tests)",
    "worker": "worker, --interval 0.2 (deployment)",
    # The same on-commit path with Wagtail's database search backend ("default") not updated on
    # save: what is left when its SQLite title-norm refresh is out of the way (see the report).
    "commit-nodbsearch": "on-commit drain, database search backend AUTO_UPDATE off",
}
POLL_SECONDS = 0.05
POLL_TIMEOUT = 30.0
# `manage.py search_index work --interval 0.2`, with the worker's embedding steps no-ops: on the
# bench's database (no vectors) the worker would embed 100,000 entries, 32 between two drains, and
# the model would take the CPU the publishes are timed on. What is timed is the text's way to the
# index; an entry's vector follows in a second push.
WORKER_WITHOUT_EMBEDDINGS = """
import django
django.setup()
from django.core.management import call_command
import search.worker as worker
worker.embed_missing = lambda *args, **kwargs: []
worker.pages_missing_vectors = lambda *args, **kwargs: []
call_command("search_index", "work", "--interval", "0.2")
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="build the cached database again")
    parser.add_argument("--entries", type=int, default=100_000, help="entries in all, Berlin included")
    parser.add_argument("--publishes", type=int, default=50, help="publishes timed per path")
    parser.add_argument(
        "--paths", default="commit,worker", help=f"publish paths to time, comma-separated: {', '.join(PATHS)}"
    )
    parser.add_argument(
        "--publish-only",
        action="store_true",
        help="only the publishes: the index is built by variant C (untimed), no rebuild figures",
    )
    parser.add_argument("--skip-wagtail", action="store_true", help="leave out Wagtail's rebuild")
    parser.add_argument("--profile", action="store_true", help="one more rebuild of ours under cProfile")
    parser.add_argument(
        "--experiments", action="store_true", help="rebuild variants (changes to search/indexing.py), ~1-3 min each"
    )
    parser.add_argument(
        "--only", default="", help="with --experiments: the variants whose label contains one of these, comma-separated"
    )
    parser.add_argument("--keep-indices", action="store_true", help="leave the bench indices in Elasticsearch")
    parser.add_argument("--prepare-only", action="store_true", help="build the cached database, measure nothing")
    parser.add_argument("--data-dir", help="default: $MEMORIA_DATA_DIR, else shared/data beside the checkout")
    return parser.parse_args()


def elasticsearch_url():
    if os.environ.get("ELASTICSEARCH_URL"):
        return os.environ["ELASTICSEARCH_URL"].rstrip("/")
    script = ROOT / "search" / "elasticsearch" / "es.sh"
    result = subprocess.run(["bash", str(script), "start"], capture_output=True, text=True, check=False)  # noqa: S603, S607
    lines = result.stdout.strip().splitlines()
    if result.returncode or not lines:
        sys.exit(f"No Elasticsearch: es.sh start failed\n{result.stderr[-2000:]}")
    return lines[-1].strip()


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 -- our own node
        return json.load(response)


def percentile(values, share):
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(share * 100) - 1]


class Timer:
    """Accumulated seconds and calls under a name (the rebuild's bulk requests add from their threads)."""

    def __init__(self):
        self.seconds = {}
        self.calls = {}
        self.lock = threading.Lock()

    def add(self, name, seconds, calls=1):
        with self.lock:
            self.seconds[name] = self.seconds.get(name, 0.0) + seconds
            self.calls[name] = self.calls.get(name, 0) + calls

    def reset(self):
        self.seconds.clear()
        self.calls.clear()

    @classmethod
    def from_dicts(cls, seconds, calls):
        timer = cls()
        timer.seconds.update(seconds)
        timer.calls.update(calls)
        return timer


TIMES = Timer()


def instrument():
    """Wrap what a rebuild does, to see where its time goes: SQL (execute wrapper, see measured()),
    building the documents (search.documents.entry_sources, SQL included), and the bulk requests
    with Elasticsearch's `took`. Only this process's classes and module attributes are wrapped;
    no file is changed."""
    from elasticsearch import Elasticsearch

    import search.indexing

    original_bulk = Elasticsearch.bulk

    def bulk(self, *args, **kwargs):
        started = time.perf_counter()
        response = original_bulk(self, *args, **kwargs)
        TIMES.add("bulk requests", time.perf_counter() - started)
        TIMES.add("elasticsearch took", response.get("took", 0) / 1000)
        TIMES.add("bulk items", 0, len(response.get("items", [])))
        return response

    Elasticsearch.bulk = bulk

    original_sources = search.indexing.entry_sources

    def entry_sources(*args, **kwargs):
        started = time.perf_counter()
        sources = original_sources(*args, **kwargs)
        TIMES.add("build documents", time.perf_counter() - started)
        return sources

    search.indexing.entry_sources = entry_sources


ES_URL = None  # set in main(): the first node's, for the statistics of all nodes


def es_cpu_seconds():
    nodes = get_json(f"{ES_URL}/_nodes/stats/process")["nodes"]
    return sum(node["process"]["cpu"]["total_in_millis"] for node in nodes.values()) / 1000


@contextlib.contextmanager
def measured():
    """TIMES reset, SQL queries counted and timed inside the block; CPU seconds of this process
    and of Elasticsearch, and the load average, since the machine may be shared."""
    from django.db import connection

    TIMES.reset()
    cpu, es_cpu = time.process_time(), es_cpu_seconds()
    try:
        with _sql_timed(connection):
            yield TIMES
    finally:
        TIMES.add("CPU: this process", time.process_time() - cpu)
        TIMES.add("CPU: Elasticsearch", es_cpu_seconds() - es_cpu)
        TIMES.seconds["load average (1 min) after"] = os.getloadavg()[0]


@contextlib.contextmanager
def _sql_timed(connection):

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            TIMES.add("SQL", time.perf_counter() - started)

    with connection.execute_wrapper(wrapper):
        yield TIMES


def breakdown(total, timer):
    """Lines 'name: s (share of total) (calls)'. The parts overlap: SQL runs inside building the
    documents; the bulk requests run in REBUILD_THREADS threads while the next documents are built
    (so their seconds add up to more than their share of the wall clock); `took` is the server's
    part of the requests."""
    lines = []
    names = ["SQL", "build documents", "bulk requests", "elasticsearch took"]
    for name in [*names, "CPU: this process", "CPU: Elasticsearch"]:
        if name in timer.seconds:
            seconds = timer.seconds[name]
            calls = timer.calls[name]
            suffix = f"  ({calls:,} calls)" if name in names else ""
            lines.append(f"    {name:<26} {seconds:7.1f} s  {100 * seconds / total:5.1f} %{suffix}")
    if "load average (1 min) after" in timer.seconds:
        load = timer.seconds["load average (1 min) after"]
        lines.append(f"    load average (1 min) at the end: {load:.1f} on {os.cpu_count()} cores")
    return lines


# Preparation -----------------------------------------------------------------------------


def prepare(args, generated):
    """Migrate, the vocabulary, then Berlin and the generated rows through the bulk import path."""
    from django.core.management import call_command

    from archive.importing import import_rows, numbered
    from archive.sources import iter_source
    from archive.vocabulary import ensure_vocabulary
    from bench.generate import generate_rows

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    ensure_vocabulary()
    problems = []

    def rows():
        yield from iter_source("berlin", args.data_dir, problems)
        yield from generate_rows(generated, seed=SEED)

    last = [time.perf_counter(), 0]

    def progress(stage, number):
        if number % 10_000 == 0 and number != last[1]:
            last[1] = number
            print(f"  {stage} {number:,} rows, {time.perf_counter() - started:.0f} s", flush=True)

    report = import_rows(lambda: numbered(rows()), progress=progress)
    if report.problems:
        sys.exit(f"{len(report.problems)} import problem(s), first: {report.problems[0]}")
    return report, migrated, time.perf_counter() - started


def cache_name(entries):
    from bench.generate import GENERATOR_VERSION

    return f"search-index-{entries}-seed{SEED}-v{GENERATOR_VERSION}.sqlite3"


# Phases ----------------------------------------------------------------------------------


def delete_indices(client, pattern):
    for name in client.indices.get(index=pattern, ignore_unavailable=True, allow_no_indices=True):
        client.indices.delete(index=name, ignore_unavailable=True)


WARM_UP_ENTRIES = 10_000


def warm_up(client):
    """WARM_UP_ENTRIES entries, spread over all, into a scratch index and away again, untimed.

    A node just started runs its analysis and indexing code interpreted until the JIT has
    compiled it: on this machine a first rebuild after a start was 25 % slower than the next one.
    A deployed node that rebuilds has been running; so the timed rebuild gets a warm node. Spread:
    the first entries by id are all German Stolpersteine, which leave the Russian analysis cold
    (with the first 5,000 as warm-up, a rebuild right after a start took 107 s of the node's CPU,
    one on a node that had run before 70 s).
    """
    from elasticsearch import helpers

    from search.documents import create_index, entry_sources
    from search.indexing import entries_for_indexing

    ids = list(entries_for_indexing().order_by("pk").values_list("pk", flat=True))
    ids = ids[:: max(1, len(ids) // WARM_UP_ENTRIES)][:WARM_UP_ENTRIES]
    name = create_index(client, "bench-warm-up", building=True)
    try:
        sources = entry_sources(entries_for_indexing().filter(pk__in=ids))
        actions = ({"_index": name, "_id": page_id, "_source": source} for page_id, source in sources.items())
        for _ok, _item in helpers.streaming_bulk(client, actions, chunk_size=1000):
            pass
    finally:
        client.indices.delete(index=name, ignore_unavailable=True)
    return len(ids)


def our_rebuild(client):
    from search.indexing import rebuild

    with measured() as timer:
        started = time.perf_counter()
        report = rebuild()
        seconds = time.perf_counter() - started
    client.indices.refresh(index=OUR_ALIAS)
    count = client.count(index=OUR_ALIAS)["count"]
    return report, seconds, count, dict(timer.seconds), dict(timer.calls)


def profile_rebuild(top=30):
    from search.indexing import rebuild

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    rebuild()
    profiler.disable()
    seconds = time.perf_counter() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    path = CACHE_DIR / "search_index-rebuild.prof"
    stats.dump_stats(path)
    return seconds, out.getvalue(), path


def wagtail_backend_settings(url, prefix):
    """Wagtail's Elasticsearch 8 backend (modelsearch) on our node, its indices named `prefix*`."""
    return {
        "BACKEND": "modelsearch.backends.elasticsearch8",
        "URLS": [url],
        "INDEX_PREFIX": prefix,
        "TIMEOUT": 60,
        "OPTIONS": {},
        "INDEX_SETTINGS": {},
        # Only update_index writes to it: no imports or publishes during the bench.
        "AUTO_UPDATE": False,
    }


def wagtail_rebuild(url, client):
    from django.conf import settings
    from django.core.management import call_command

    settings.WAGTAILSEARCH_BACKENDS[WAGTAIL_BACKEND] = wagtail_backend_settings(url, WAGTAIL_PREFIX)
    delete_indices(client, f"{WAGTAIL_PREFIX}*")
    out = io.StringIO()
    try:
        with measured() as timer:
            started = time.perf_counter()
            call_command("update_index", backend_name=WAGTAIL_BACKEND, stdout=out, stderr=out)
            seconds = time.perf_counter() - started
    finally:
        del settings.WAGTAILSEARCH_BACKENDS[WAGTAIL_BACKEND]
    output = out.getvalue()
    per_index = {
        match[1]: int(match[2])
        for match in re.finditer(r"Rebuilding index (\S+).*?indexed (\d+) objects", output, flags=re.S)
    }
    client.indices.refresh(index=f"{WAGTAIL_PREFIX}*")
    page_index = f"{WAGTAIL_PREFIX}wagtailcore_page"
    response = client.search(
        index=page_index,
        size=0,
        aggs={"types": {"terms": {"field": "_django_content_type", "size": 50}}},
    )
    by_type = {bucket["key"]: bucket["doc_count"] for bucket in response["aggregations"]["types"]["buckets"]}
    documents = {
        name: client.count(index=name)["count"] for name in client.indices.get_alias(index=f"{WAGTAIL_PREFIX}*")
    }
    return {
        "seconds": seconds,
        "output": output,
        "per_index": per_index,
        "by_type": by_type,
        "documents": documents,
        "entries": by_type.get("archive.EntryPage", 0),
        "all": sum(per_index.values()),
        "timer": (dict(timer.seconds), dict(timer.calls)),
    }


def publish_path(path, count, client, env, work):
    """Publish `count` entries with a unique title each; seconds to publish(), to indexed, to searchable."""
    from archive.listing import visible_entries
    from archive.models import EntryPage
    from search.indexing import drain
    from search.models import IndexOutbox

    rng = random.Random(f"{SEED}-{path}")
    ids = list(visible_entries().order_by("pk").values_list("pk", flat=True))
    chosen = rng.sample(ids, count)
    token = "".join(rng.choices("bcdfghjklmnpqrstvwxz", k=6))
    worker = None
    log = work / f"worker-{path}.log"
    from django.conf import settings

    push_on_commit = settings.MEMORIA_SEARCH_PUSH_ON_COMMIT

    default_backend = settings.WAGTAILSEARCH_BACKENDS["default"]
    auto_update = default_backend.get("AUTO_UPDATE")
    if path == "commit-nodbsearch":
        default_backend["AUTO_UPDATE"] = False
    if path == "worker":
        settings.MEMORIA_SEARCH_PUSH_ON_COMMIT = False  # the worker pushes, not this process
        worker = subprocess.Popen(  # noqa: S603 -- this interpreter, this file's own code
            [sys.executable, "-c", WORKER_WITHOUT_EMBEDDINGS],
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while "Working: the outbox" not in log.read_text() and time.monotonic() < deadline:
            if worker.poll() is not None:
                sys.exit(f"the worker stopped:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
    results = []
    try:
        for number, page_id in enumerate(chosen):
            word = f"zq{token}{list(PATHS).index(path)}x{number:03d}"
            # A random pause of up to one refresh interval, so that publishes do not fall into
            # step with the 1 s refresh (a steady cycle of ~1 s would skew the wait for it).
            time.sleep(rng.uniform(0, 1.0))
            page = EntryPage.objects.get(pk=page_id).specific
            started = time.perf_counter()
            page.title = word
            page.save_revision().publish()
            published = time.perf_counter() - started
            indexed = searchable = None
            while time.perf_counter() - started < POLL_TIMEOUT:
                if worker is not None and worker.poll() is not None:
                    sys.exit(f"the worker stopped (exit {worker.returncode}):\n{log.read_text()[-3000:]}")
                if indexed is None:
                    doc = client.get(index=OUR_ALIAS, id=page_id, source_includes=["title"], realtime=True)
                    if doc["_source"].get("title") == word:
                        indexed = time.perf_counter() - started
                hits = client.search(index=OUR_ALIAS, query={"match": {"title.folded": word}}, size=1, source=False)
                if hits["hits"]["hits"] and int(hits["hits"]["hits"][0]["_id"]) == page_id:
                    searchable = time.perf_counter() - started
                    indexed = indexed if indexed is not None else searchable
                    break
                time.sleep(POLL_SECONDS)
            if searchable is None:
                sys.exit(f"{path}: entry {page_id} not searchable as {word!r} after {POLL_TIMEOUT:.0f} s")
            results.append((published, indexed, searchable))
    finally:
        settings.MEMORIA_SEARCH_PUSH_ON_COMMIT = push_on_commit
        if auto_update is None:
            default_backend.pop("AUTO_UPDATE", None)
        else:
            default_backend["AUTO_UPDATE"] = auto_update
        if worker is not None:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    backlog = IndexOutbox.objects.filter(processed_at=None).count()
    if backlog:
        drain(retry_now=True)
    worker_log = log.read_text() if log.exists() else ""
    return results, backlog, worker_log


# Variants of search.indexing.rebuild (--experiments) ---------------------------------------
#
# What a change to the module would do, tried on the module's own rebuild() with one of its
# parts swapped in this process only (module attributes, no file changed): the previous sending
# (one thread, 500-document bulks, translog synced per request) and a 384-dimension
# dense_vector field (random unit vectors in float32 precision, as an embedding model gives
# them) indexed with HNSW or int8 HNSW, in the
# same requests as the text or by partial updates once the text is in. Each variant builds a
# complete index of the same entries and swaps the alias as rebuild() does; the text documents
# are checked against a sample of the timed rebuild's.

VECTOR_DIMS = 384


def vector_pool(size=1000):
    """Random unit vectors, rounded to float32 as a model's output is (their JSON is as long)."""
    rng = random.Random(SEED)
    pool = []
    for _ in range(size):
        vector = [rng.gauss(0, 1) for _ in range(VECTOR_DIMS)]
        norm = sum(value * value for value in vector) ** 0.5
        pool.append(list(struct.unpack(f"{VECTOR_DIMS}f", struct.pack(f"{VECTOR_DIMS}f", *(v / norm for v in vector)))))
    return pool


def vector_mapping(index_options):
    """`index_options`: its type, or the whole of it (e.g. with HNSW's ef_construction)."""
    if isinstance(index_options, str):
        index_options = {"type": index_options}
    return {
        "type": "dense_vector",
        "dims": VECTOR_DIMS,
        "similarity": "cosine",
        "index": True,
        "index_options": index_options,
    }


@contextlib.contextmanager
def swapped(module, **attributes):
    originals = {name: getattr(module, name) for name in attributes}
    for name, value in attributes.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in originals.items():
            setattr(module, name, value)


def rebuild_variant(*, threads=None, chunk=None, translog="async", vectors=None, later=False, decimals=None):
    """search.indexing.rebuild() with the given parts swapped; returns (index, documents, seconds).

    `vectors`: the dense_vector's index_options type; `decimals`: the vectors rounded so (their
    JSON is a third as long), `later`: sent by partial updates once the text is indexed."""
    from elasticsearch import helpers

    import search.indexing
    from search.documents import index_definition, timestamped_name

    pool = vector_pool() if vectors else None
    if pool and decimals is not None:
        pool = [[round(value, decimals) for value in vector] for vector in pool]

    def create_index(client, alias=None, *, replicas=None, building=False):
        body = index_definition("unused", replicas=replicas, building=building).to_dict()
        if translog != "async":
            body["settings"].pop("translog.durability", None)
        if vectors:
            body["mappings"]["properties"]["vector"] = vector_mapping(vectors)
        name = timestamped_name(alias)
        client.indices.create(index=name, **body)
        return name

    original_sources = search.indexing.entry_sources

    def entry_sources(*args, **kwargs):
        sources = original_sources(*args, **kwargs)
        if vectors and not later:
            for page_id, source in sources.items():
                source["vector"] = pool[page_id % len(pool)]
        return sources

    parts = {"create_index": create_index, "entry_sources": entry_sources}
    if threads:
        parts["REBUILD_THREADS"] = threads
    if chunk:
        parts["REBUILD_CHUNK"] = chunk
    with swapped(search.indexing, **parts):
        started = time.perf_counter()
        report = search.indexing.rebuild()
        if vectors and later:
            client = search.indexing.get_client(timeout=120)
            ids = search.indexing.entries_for_indexing().order_by("pk").values_list("pk", flat=True)
            actions = (
                {"_op_type": "update", "_index": report.index, "_id": pk, "doc": {"vector": pool[pk % len(pool)]}}
                for pk in ids.iterator()
            )
            for _ok, _item in helpers.parallel_bulk(client, actions, thread_count=2, chunk_size=1000, queue_size=2):
                pass
        seconds = time.perf_counter() - started
    return report.index, report.documents, seconds


VARIANTS = [
    (
        "previous sending: 1 thread, 500-doc bulks, translog per request",
        {"threads": 1, "chunk": 500, "translog": "request"},
    ),
    ("+ dense_vector 384, hnsw", {"vectors": "hnsw"}),
    ("+ dense_vector 384, int8_hnsw", {"vectors": "int8_hnsw"}),
    ("+ dense_vector 384, int8_hnsw, 4 decimals", {"vectors": "int8_hnsw", "decimals": 4}),
    (
        "+ dense_vector 384, int8_hnsw ef_construction 32, 4 decimals",
        {"vectors": {"type": "int8_hnsw", "m": 16, "ef_construction": 32}, "decimals": 4},
    ),
    ("+ dense_vector 384, int8_flat (no graph), 4 decimals", {"vectors": "int8_flat", "decimals": 4}),
    ("+ dense_vector 384, int8_hnsw, vectors by update after the text", {"vectors": "int8_hnsw", "later": True}),
]


def sample_documents(client, index, ids):
    response = client.mget(index=index, ids=[str(pk) for pk in ids], source_excludes=["vector"])
    return {doc["_id"]: doc.get("_source") for doc in response["docs"]}


def run_variants(client, baseline_sample, only=None):
    results = []
    for label, options in VARIANTS:
        if only and not any(word in label for word in only):
            continue
        print(f"  {label} ...", flush=True)
        with measured() as timer:
            _name, documents, seconds = rebuild_variant(**options)
        same = sample_documents(client, OUR_ALIAS, baseline_sample[0]) == baseline_sample[1]
        rate = documents / seconds
        print(
            f"    {documents:,} documents in {seconds:.1f} s = {rate:,.0f} docs/s; sample equal to rebuild()'s: {same}"
        )
        for line in breakdown(seconds, timer):
            print(line)
        results.append((label, documents, seconds, rate, same))
    return results


# Main ------------------------------------------------------------------------------------


def main():
    args = parse_args()
    paths = [name for name in args.paths.split(",") if name]
    if set(paths) - set(PATHS):
        sys.exit(f"--paths: any of {', '.join(PATHS)}")
    run_started = time.perf_counter()
    global ES_URL
    # ELASTICSEARCH_URL may name a cluster's nodes, separated by commas (search.client.node_urls).
    url = elasticsearch_url()
    ES_URL = url.split(",")[0]
    nodes = get_json(f"{ES_URL}/_nodes/stats/jvm")["nodes"]
    node_count = len(nodes)
    heap_mb = sum(node["jvm"]["mem"]["heap_max_in_bytes"] for node in nodes.values()) / 2**20
    es_version = get_json(f"{ES_URL}/_nodes/_local")["nodes"].popitem()[1]["version"]

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "memoria.settings.dev"
    # No search index during the import: entries_imported would fill the outbox otherwise.
    os.environ.pop("ELASTICSEARCH_URL", None)
    os.environ.pop("MEMORIA_SEARCH_INDEX", None)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="memoria-search-bench-"))
    database = work / "bench.sqlite3"
    # IMMEDIATE: a transaction takes SQLite's write lock when it begins, and the other process waits
    # for it (timeout). With the default (DEFERRED) the worker's drain, which reads and then writes,
    # fails at once with "database is locked" when this process writes meanwhile, and the
    # worker dies (see the report). Only the worker path has two processes.
    os.environ["DATABASE_URL"] = f"sqlite:///{database}?transaction_mode=IMMEDIATE&timeout=30"

    from bench.generate import GENERATOR_VERSION  # noqa: F401 -- fail early if missing

    cached = CACHE_DIR / cache_name(args.entries)
    preparation = None
    if cached.exists() and not args.fresh:
        started = time.perf_counter()
        shutil.copyfile(cached, database)
        copy_seconds = time.perf_counter() - started

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    import search.client
    import search.indexing
    from archive.listing import visible_entries
    from archive.models import EntryPage
    from archive.sources import source_folder

    print(f"database: sqlite {database}; Elasticsearch {es_version} at {url}, heap {heap_mb:.0f} MB", flush=True)
    if not cached.exists() or args.fresh:
        if not source_folder("berlin", args.data_dir).is_dir():
            sys.exit(f"No Berlin data at {source_folder('berlin', args.data_dir)}")
        from archive.sources import iter_source

        berlin = sum(1 for _ in iter_source("berlin", args.data_dir, []))
        print(
            f"preparing {args.entries:,} entries ({berlin:,} Berlin + {args.entries - berlin:,} generated)", flush=True
        )
        report, migrated, seconds = prepare(args, args.entries - berlin)
        connection.close()
        started = time.perf_counter()
        partial = cached.with_suffix(".partial")
        shutil.copyfile(database, partial)
        os.replace(partial, cached)
        preparation = {"seconds": seconds, "migrate": migrated, "created": report.created}
        print(
            f"prepared in {seconds:.0f} s (migrate {migrated:.0f} s, import {report.created:,} entries"
            f" {seconds - migrated:.0f} s = {report.created / (seconds - migrated):.0f} rows/s);"
            f" cached as {cached.relative_to(ROOT)} ({time.perf_counter() - started:.0f} s to copy)",
            flush=True,
        )
    else:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)  # no-op unless migrations were added since
        print(
            f"cached database {cached.relative_to(ROOT)} ({cached.stat().st_size / 2**30:.1f} GB):"
            f" copied in {copy_seconds:.0f} s, migrate check {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    if args.prepare_only:
        connection.close()
        shutil.rmtree(work, ignore_errors=True)
        return 0

    entries = EntryPage.objects.count()
    public = visible_entries().count()
    translations = EntryPage.objects.values("translation_key").annotate(n=Count("pk")).filter(n__gt=1).count()  # pairs
    berlin_entries = EntryPage.objects.filter(external_id__startswith="berlin-").count()
    print(
        f"entries: {entries:,} ({berlin_entries:,} Berlin, {entries - berlin_entries:,} generated,"
        f" {translations:,} translation pairs); public: {public:,}",
        flush=True,
    )

    settings.ELASTICSEARCH_URL = url
    settings.MEMORIA_SEARCH_INDEX = OUR_ALIAS
    search.client._clients.clear()
    client = search.client.get_client(timeout=120)
    delete_indices(client, f"{OUR_ALIAS}-*")
    instrument()

    # 1. Ours.
    report = None
    if args.publish_only:
        print("\nindex for the publishes, built by rebuild() (not timed here)", flush=True)
        search.indexing.rebuild()
    else:
        print("\n1. our rebuild (search.indexing.rebuild)", flush=True)
        started = time.perf_counter()
        warmed = warm_up(client)
        print(f"  warm-up: {warmed:,} entries into a scratch index, {time.perf_counter() - started:.0f} s, not timed")
        report, ours_seconds, ours_count, ours_times, ours_calls = our_rebuild(client)
        ours_rate = report.documents / ours_seconds
        print(
            f"  {report.documents:,} documents in {ours_seconds:.1f} s = {ours_rate:,.0f} docs/s"
            f" (rebuild's own clock {report.seconds:.1f} s); index {report.index} holds {ours_count:,}"
        )
        for line in breakdown(ours_seconds, Timer.from_dicts(ours_times, ours_calls)):
            print(line)

    # 2. Wagtail's.
    wagtail = None
    if not args.skip_wagtail and not args.publish_only:
        print(
            f"\n2. Wagtail's rebuild (update_index --backend {WAGTAIL_BACKEND}, modelsearch elasticsearch8)", flush=True
        )
        wagtail = wagtail_rebuild(url, client)
        wagtail["rate_entries"] = wagtail["entries"] / wagtail["seconds"]
        wagtail["rate_all"] = wagtail["all"] / wagtail["seconds"]
        print(
            f"  {wagtail['all']:,} documents in {wagtail['seconds']:.1f} s = {wagtail['rate_all']:,.0f} docs/s;"
            f" entry pages {wagtail['entries']:,} = {wagtail['rate_entries']:,.0f} docs/s"
        )
        print(f"  per index (update_index's count): {wagtail['per_index']}")
        print(f"  documents now in each index: {wagtail['documents']}")
        print(f"  page index by content type: {wagtail['by_type']}")
        for line in breakdown(wagtail["seconds"], Timer.from_dicts(*wagtail["timer"])):
            print(line)
        if not args.keep_indices:
            delete_indices(client, f"{WAGTAIL_PREFIX}*")  # no merges of it during the publishes

    # 4. Publish to searchable.
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "ELASTICSEARCH_URL": url,
        "MEMORIA_SEARCH_INDEX": OUR_ALIAS,
        "DJANGO_SETTINGS_MODULE": "memoria.settings.dev",
    }
    publishes = {}
    for path in paths:
        print(f"\n4. publish-to-searchable, {args.publishes} publishes, path: {path}", flush=True)
        results, backlog, worker_log = publish_path(path, args.publishes, client, env, work)
        ms = {key: [1000 * row[i] for row in results] for i, key in enumerate(("publish()", "indexed", "searchable"))}
        publishes[path] = ms
        for key, values in ms.items():
            print(
                f"  {key:<11} p50 {percentile(values, 0.5):6.0f} ms  p95 {percentile(values, 0.95):6.0f} ms"
                f"  max {max(values):6.0f} ms"
            )
        if backlog:
            print(f"  outbox rows still pending after the path: {backlog} (pushed now)")
        if path == "worker" and ("Traceback" in worker_log or "Error" in worker_log):
            print(f"  the worker's log has errors:\n{worker_log[-3000:]}")

    variants = []
    if args.experiments:
        print("\nvariants of rebuild() (parts swapped in this process; no file changed)", flush=True)
        sample_ids = random.Random(SEED).sample(list(visible_entries().values_list("pk", flat=True)), 500)
        baseline = (sample_ids, sample_documents(client, OUR_ALIAS, sample_ids))
        variants = run_variants(client, baseline, only=[word for word in args.only.split(",") if word])

    profile = None
    if args.profile:
        print("\nprofiled rebuild (cProfile; slower than the timed one)", flush=True)
        profile = profile_rebuild()
        print(f"  {profile[0]:.1f} s under the profiler; stats in {profile[2].relative_to(ROOT)}")
        print(profile[1])

    if not args.keep_indices:
        delete_indices(client, f"{OUR_ALIAS}-*")
        delete_indices(client, f"{WAGTAIL_PREFIX}*")
    connection.close()
    shutil.rmtree(work, ignore_errors=True)

    # The table.
    def verdict(ok):
        return "PASS" if ok else "FAIL"

    rows = []
    if preparation:
        rows.append(("preparation (migrate + import)", f"{preparation['seconds']:.0f} s", "", ""))
    else:
        rows.append(("preparation", f"cached ({cached.name})", "", ""))
    rows.append(("entries / public", f"{entries:,} / {public:,}", "", ""))
    if report:
        rows.append(
            (
                "1. our rebuild",
                f"{report.documents:,} docs, {ours_seconds:.1f} s = {ours_rate:,.0f} docs/s",
                "≥ 1,500",
                verdict(ours_rate >= TARGET_RATE),
            )
        )
    if wagtail and report:
        rows.append(
            (
                "2. Wagtail update_index",
                f"{wagtail['entries']:,} entry docs, {wagtail['seconds']:.1f} s"
                f" = {wagtail['rate_entries']:,.0f} docs/s",
                "",
                "",
            )
        )
        rows.append(("   (all its documents)", f"{wagtail['all']:,} docs = {wagtail['rate_all']:,.0f} docs/s", "", ""))
        ratio = ours_rate / wagtail["rate_all"]
        rows.append(
            (
                "3. ratio ours / Wagtail's",
                f"{ratio:.2f}x (entries only: {ours_rate / wagtail['rate_entries']:.2f}x)",
                "≥ 3x",
                verdict(ratio >= TARGET_RATIO),
            )
        )
    for path, ms in publishes.items():
        p95 = percentile(ms["searchable"], 0.95)
        label = PATHS[path]
        rows.append(
            (
                f"4. publish→searchable, {label}",
                f"p50 {percentile(ms['searchable'], 0.5):.0f} ms, p95 {p95:.0f} ms (n={len(ms['searchable'])})",
                "p95 ≤ 2,000 ms" if path == "commit" else "(same target)",
                verdict(p95 <= TARGET_P95_MS),
            )
        )
        rows.append(
            (
                "   of which publish() / indexed",
                f"p50 {percentile(ms['publish()'], 0.5):.0f} / {percentile(ms['indexed'], 0.5):.0f} ms,"
                f" p95 {percentile(ms['publish()'], 0.95):.0f} / {percentile(ms['indexed'], 0.95):.0f} ms",
                "",
                "",
            )
        )
    for label, documents, seconds, rate, same in variants:
        rows.append(
            (
                f"   variant {label}",
                f"{documents:,} docs, {seconds:.1f} s = {rate:,.0f} docs/s" + ("" if same else " (documents differ!)"),
                "≥ 1,500",
                verdict(rate >= TARGET_RATE) + " (variant)",
            )
        )
    width = [max(len(row[i]) for row in rows) for i in range(4)]
    print("\nsummary")
    print(
        f"machine: {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}),"
        f" Elasticsearch {es_version}, {node_count} node(s), heap {heap_mb:.0f} MB in all; database SQLite"
    )
    for row in rows:
        print("  " + "  ".join(cell.ljust(width[i]) for i, cell in enumerate(row)).rstrip())
    print(f"whole run: {time.perf_counter() - run_started:.0f} s")
    failed = [row for row in rows if row[3] == "FAIL"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
