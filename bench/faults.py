"""Fault drills on the production stack (`make stack`): readers and editors keep going while parts fail.

    .venv/bin/python bench/faults.py [--drills node,outage,index,worker,postgres] [--readers 8]

Runs against the stack's own environment (.cache/stack/env: PostgreSQL, the three-node cluster,
gunicorn on :8080, the worker). During every drill, --readers threads ask the site for pages, the
search page and the API (loopback only, each with its own X-Forwarded-For address), and an editor
thread publishes changes to a handful of drill entries created for the run (deleted at the end).
Each drill prints the readers' answers by status, during the fault and after it, the answers that
came from the database instead of Elasticsearch, and whether the index then equals the database
(the same ids with the same titles, and no document older than its page's newest outbox row).

Drills:
- node: one Elasticsearch node is killed (SIGKILL, its pid from `GET _nodes/process`), 20 s of
  load, then started again; the cluster must go back to green.
- outage: all three nodes stopped (SIGTERM) for 30 s under load, then started again; the outbox
  must drain.
- index: the index deleted behind the alias (as after `es.sh stop`); /healthz/ must say so and the
  worker must rebuild it without an operator.
- worker: the worker killed (SIGKILL) in the middle of a drain of every entry ten times over;
  a new worker must finish it.
- postgres: PostgreSQL restarted (`pg_ctl restart -m fast`) under load: a clean 503 at most during
  the restart, no error after it, no web process restarted.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STACK = ROOT / ".cache" / "stack"
BASE = "http://127.0.0.1:8080"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
WORDS = ["Stolperstein", "Kaluga", "Heilbronn", "Калуга", "память", "Гринбаум", "Kranzniederlegung"]


def load_stack_env():
    env_file = STACK / "env"
    if not env_file.exists():
        raise SystemExit("no .cache/stack/env: start the stack with `make stack` first")
    for line in env_file.read_text().splitlines():
        key, _, value = line.partition("=")
        os.environ[key] = value
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Readers:
    """Threads that read the site until stopped; answers are tallied per phase."""

    def __init__(self, count, entry_paths):
        self.count, self.entry_paths = count, entry_paths
        self.phase = "before"
        self.tally = {}
        self.database_answers = Counter()
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self._read, args=(n,), daemon=True) for n in range(count)]

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.running = False
        for thread in self.threads:
            thread.join(20)

    def set_phase(self, phase):
        with self.lock:
            self.phase = phase

    def _record(self, status, from_database=False):
        with self.lock:
            self.tally.setdefault(self.phase, Counter())[status] += 1
            if from_database:
                self.database_answers[self.phase] += 1

    def _read(self, number):
        rng = random.Random(number)
        sent = 0
        while self.running:
            # An address of its own for each request: a reader here asks several times a second,
            # faster than the rate limits let one address search (30 a minute), and a 429 would be
            # no answer to the fault.
            sent += 1
            address = f"10.{number + 1}.{sent // 256 % 256}.{sent % 256}"
            kind = rng.choice(["entry", "entry", "search", "api", "home"])
            word = urllib.parse.quote(rng.choice(WORDS))
            path = {
                "entry": rng.choice(self.entry_paths),
                "search": f"/de/search/?q={word}",
                "api": f"/api/v1/search/?q={word}",
                "home": rng.choice(["/de/", "/ru/"]),
            }[kind]
            request = urllib.request.Request(BASE + path, headers={"X-Forwarded-For": address})  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                    body = response.read()
                    from_database = kind == "api" and json.loads(body).get("backend") == "database"
                    self._record(response.status, from_database)
            except urllib.error.HTTPError as error:
                self._record(error.code)
            except OSError:
                self._record("no answer")
            time.sleep(rng.uniform(0.1, 0.5))

    def report(self, phases):
        for phase in phases:
            counts = self.tally.get(phase, Counter())
            fives = sum(n for status, n in counts.items() if isinstance(status, int) and status >= 500)
            shown = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items(), key=str))
            database = self.database_answers.get(phase, 0)
            print(f"  readers {phase:<8} {shown or 'none'}; 5xx {fives}; API answers from the database {database}")


class Editor:
    """Publishes a new title on one of the drill entries every half second; keeps the titles it set."""

    def __init__(self, entries):
        self.entries, self.published, self.failed = entries, 0, 0
        self.running = True
        self.thread = threading.Thread(target=self._edit, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.running = False
        self.thread.join(60)

    def _edit(self):
        from django.db import close_old_connections

        n = 0
        while self.running:
            n += 1
            entry = self.entries[n % len(self.entries)]
            try:
                entry.refresh_from_db()
                entry.title = f"Übung {entry.pk} Fassung {n}"
                entry.save_revision().publish()
                self.published += 1
            except Exception as error:  # the database may be restarting: count, go on
                self.failed += 1
                print(f"  editor: publish failed ({type(error).__name__}: {str(error).splitlines()[0][:80]})")
                close_old_connections()
            time.sleep(0.5)


def es_client():
    from search.client import get_client

    return get_client(timeout=10)


def wait(condition, seconds, step=1.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except Exception:  # noqa: S110 (a drill's probe: the part may be down)
            pass
        time.sleep(step)
    return False


def backlog():
    from search.models import IndexOutbox

    return IndexOutbox.objects.filter(processed_at=None).count()


def index_equals_database(tries=5):
    """The same ids with the same titles; no document older than its page's newest outbox row.

    Compared while the outbox is still: the worker embeds the entries it just pushed and queues
    them again a round later, so a row written between reading the rows and reading the index
    would look like a lost update. Such a comparison is made again once the worker has drained.
    """
    from django.db.models import Max

    from search.models import IndexOutbox

    for _ in range(tries):
        before = IndexOutbox.objects.aggregate(last=Max("id"))["last"]
        equal, report = _compare_index_and_database()
        if IndexOutbox.objects.aggregate(last=Max("id"))["last"] == before and not backlog():
            if not equal:
                print(report)
            return equal
        wait(lambda: backlog() == 0, 60, 0.5)
    print("  the outbox never stood still long enough to compare")
    return False


def _compare_index_and_database():
    from django.db.models import Max
    from elasticsearch import helpers

    from archive.listing import visible_entries
    from search.client import index_alias
    from search.models import IndexOutbox

    client = es_client()
    client.indices.refresh(index=index_alias())
    database = dict(visible_entries().values_list("pk", "title"))
    index, versions = {}, {}
    for hit in helpers.scan(client, index=index_alias(), _source=["title"], version=True):
        index[int(hit["_id"])] = hit["_source"]["title"]
        versions[int(hit["_id"])] = hit["_version"]
    newest = dict(
        IndexOutbox.objects.filter(page_id__in=list(index))
        .values("page_id")
        .annotate(v=Max("id"))
        .values_list("page_id", "v")
    )
    older = [page for page, version in versions.items() if version < newest.get(page, 0)]
    equal = database == index and not older
    missing, extra = set(database) - set(index), set(index) - set(database)
    wrong = [page for page in set(database) & set(index) if database[page] != index[page]]
    report = (
        f"  index != database: {len(missing)} missing, {len(extra)} extra, {len(wrong)} titles differ, "
        f"{len(older)} older than their newest change"
    )
    return equal, report


def caught_up(seconds=180):
    started = time.monotonic()
    ok = wait(lambda: backlog() == 0, seconds, 0.5)
    print(f"  outbox drained: {'yes' if ok else 'NO'} after {time.monotonic() - started:.1f} s")
    return ok and index_equals_database()


def node_pids():
    return {info["name"]: info["process"]["id"] for info in es_client().nodes.info(metric="process")["nodes"].values()}


def cluster_start():
    subprocess.run(
        ["/bin/bash", "search/elasticsearch/es.sh", "cluster-start"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def cluster_status():
    return es_client().cluster.health()["status"]


def drill_node(readers):
    pids = node_pids()
    name = sorted(pids)[-1]
    print(f"  killing {name} (pid {pids[name]}) with SIGKILL")
    readers.set_phase("fault")
    os.kill(pids[name], signal.SIGKILL)
    time.sleep(20)
    readers.set_phase("after")
    started = time.monotonic()
    cluster_start()
    green = wait(lambda: cluster_status() == "green", 180)
    print(f"  cluster green again: {'yes' if green else 'NO'} {time.monotonic() - started:.1f} s after the restart")
    return green


def drill_outage(readers):
    pids = node_pids()
    print(f"  stopping all three nodes (SIGTERM): {sorted(pids.values())}")
    readers.set_phase("fault")
    for pid in pids.values():
        os.kill(pid, signal.SIGTERM)
    time.sleep(30)
    readers.set_phase("after")
    cluster_start()
    return wait(lambda: cluster_status() in ("green", "yellow"), 180)


def health():
    with urllib.request.urlopen(BASE + "/healthz/", timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def drill_index(readers):
    from search.client import index_alias

    client = es_client()
    names = list(client.indices.get_alias(name=index_alias()))
    readers.set_phase("fault")
    started = time.monotonic()
    client.indices.delete(index=",".join(names))
    said = wait(lambda: health()["checks"]["elasticsearch"].get("index") == "missing", 10, 0.2)
    print(f"  /healthz/ said the index is missing: {'yes' if said else 'NO (the worker may have been faster)'}")
    rebuilt = wait(lambda: health()["checks"]["elasticsearch"].get("index") == "present", 300)
    print(f"  the worker rebuilt the index: {'yes' if rebuilt else 'NO'} after {time.monotonic() - started:.1f} s")
    print(f"  /healthz/ then: {json.dumps(health())}")
    readers.set_phase("after")
    return rebuilt


def worker_pid():
    return int((STACK / "worker.pid").read_text())


def start_worker():
    with open(STACK / "worker.log", "a") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "search_index", "work"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (STACK / "worker.pid").write_text(str(process.pid))


def drill_worker(readers):
    from archive.listing import visible_entries
    from search.models import IndexOutbox

    ids = list(visible_entries().values_list("pk", flat=True))
    rows = IndexOutbox.objects.bulk_create([IndexOutbox(page_id=pk) for _ in range(10) for pk in ids])
    ours = IndexOutbox.objects.filter(pk__in=[row.pk for row in rows])
    total = len(rows)
    readers.set_phase("fault")
    # Killed once the drain of these rows has begun and before it ends.
    begun = wait(lambda: 0 < ours.exclude(processed_at=None).count() < total, 120, 0.05)
    left = ours.filter(processed_at=None).count()
    os.kill(worker_pid(), signal.SIGKILL)
    print(
        f"  worker killed with SIGKILL {'mid-drain' if begun else '(drain not seen begun)'}: "
        f"{left} of {total} rows left"
    )
    time.sleep(2)
    start_worker()
    print("  a new worker started")
    readers.set_phase("after")
    return begun


# What gunicorn logs when a worker ends other than by its own recycling (max_requests logs
# "Autorestarting worker"): a crash, a timeout, a kill.
WORKER_FAILURES = ("WORKER TIMEOUT", "exited with code", "Exception in worker", "was sent SIGKILL")


def web_log_offset():
    return (STACK / "gunicorn.log").stat().st_size


def web_processes_failed(since):
    """Lines of gunicorn's log since `since` where a worker failed; recycled workers do not count."""
    with open(STACK / "gunicorn.log", encoding="utf-8", errors="replace") as log:
        log.seek(since)
        lines = log.read().splitlines()
    recycled = sum("Autorestarting worker" in line for line in lines)
    return [line for line in lines if any(word in line for word in WORKER_FAILURES)], recycled


def drill_postgres(readers):
    data = STACK / "postgres"
    port = os.environ.get("MEMORIA_STACK_PG_PORT", "5433")
    web_log = web_log_offset()
    readers.set_phase("fault")
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        [
            "/usr/sbin/runuser",
            "-u",
            "postgres",
            "--",
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-m",
            "fast",
            "-w",
            "restart",
            "-o",
            f"-p {port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"  PostgreSQL restarted in {time.monotonic() - started:.1f} s")
    # This bench's own connection went with the restart (the site's processes check theirs,
    # CONN_HEALTH_CHECKS; a script outside a request does not): a new one for the checks below.
    from django.db import connections

    connections.close_all()
    time.sleep(3)
    readers.set_phase("after")
    time.sleep(10)
    # CONN_HEALTH_CHECKS: each process opens a new connection by itself; none failed or was killed.
    failed, recycled = web_processes_failed(web_log)
    print(f"  web processes failed: {len(failed)}; recycled after max_requests meanwhile: {recycled}")
    for line in failed[:5]:
        print(f"    {line}")
    return not failed


DRILLS = {
    "node": drill_node,
    "outage": drill_outage,
    "index": drill_index,
    "worker": drill_worker,
    "postgres": drill_postgres,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drills", default=",".join(DRILLS))
    parser.add_argument("--readers", type=int, default=8)
    args = parser.parse_args()
    load_stack_env()

    from archive.factories import MemorialSitePageFactory
    from archive.listing import visible_entries
    from archive.models import ArchiveIndexPage

    archive = ArchiveIndexPage.objects.filter(locale__language_code="de").first()
    run = uuid.uuid4().hex[:6]
    entries = [MemorialSitePageFactory(parent=archive, title=f"Übung {n}", slug=f"uebung-{run}-{n}") for n in range(5)]
    entry_paths = [page.get_url() for page in visible_entries().specific()[:40]]
    results = {}
    try:
        for name in args.drills.split(","):
            print(f"\n=== drill: {name}", flush=True)
            readers, editor = Readers(args.readers, entry_paths), Editor(entries)
            readers.start()
            editor.start()
            time.sleep(5)
            survived = DRILLS[name](readers)
            time.sleep(10)
            editor.stop()
            readers.stop()
            readers.report(["before", "fault", "after"])
            print(f"  editor: {editor.published} publishes, {editor.failed} failed")
            equal = caught_up()
            print(f"  index equals the database: {'yes' if equal else 'NO'}")
            # A clean 503 is allowed only while PostgreSQL restarts; after any fault, every answer is a 200.
            allowed = {("fault", 503), ("fault", "no answer")} if name == "postgres" else set()
            bad = sum(
                n
                for phase, counts in readers.tally.items()
                for status, n in counts.items()
                if status != 200 and (phase, status) not in allowed
            )
            print(f"  answers other than 200 not allowed in this drill: {bad}")
            results[name] = survived and equal and bad == 0
            print(f"  {name}: {'PASS' if results[name] else 'FAIL'}")
    finally:
        for entry in entries:
            entry.refresh_from_db()
            entry.delete()
    print("\n" + ", ".join(f"{name} {'PASS' if ok else 'FAIL'}" for name, ok in results.items()))


if __name__ == "__main__":
    main()
