"""Load: readers on the production stack and on the embedded default, in one run (locust, loopback only).

    .venv/bin/python bench/load.py [--stack http://127.0.0.1:8080] [--no-embedded] [--users 50]
                                   [--seconds 60] [--steps 100,200,400] [--step-seconds 30]

What is loaded:
1. the stack (`make stack`: gunicorn with production settings, PostgreSQL, the three-node
   Elasticsearch cluster, the worker), at --stack; it must answer /healthz/ first;
2. the same stack without the page cache (MEMORIA_PAGE_CACHE_SECONDS=0): the stack's code,
   database and cluster under a second gunicorn on 127.0.0.1:8081 that this bench starts;
3. the embedded default as a newcomer runs it (`runserver`, dev settings, SQLite, the database
   search, the demo): this bench starts it on 127.0.0.1:8011 over a copy of a demo database it
   prepares once in .cache/bench/ (migrate, load_demo, setup_editorial).

Each user is a locust HttpUser that waits between(1, 5) seconds between requests, as a reader
does, over a mix of what readers ask (weights in parentheses): the home pages (2), the archive
lists (2), entry pages (6), the search page with real words in both languages and in either
script (4), the JSON API's search (2), suggestions as typed (3), the map's data (1). Entry
URLs are read from each site's own API before the run. Every user sends its own
X-Forwarded-For address (203.0.113.0/24, 198.51.100.0/24), and both sites trust it
(MEMORIA_TRUST_X_FORWARDED_FOR, as behind a proxy of one's own), so the rate limits count per
reader, as in a deployment, not all users as one address.

Before each target's first measured phase, --warmup seconds of the same load are not counted
(each web process loads the embedding model at its first search). Printed per target:
requests, errors by status (any non-2xx, and connection errors), p50, p95 and p99 per kind,
requests/s; then, with --steps, the same for each step of users, and the capacity: the
requests/s at the largest step whose p95 (all kinds) stayed at or under 500 ms.
Targets on the stack at 50 users: no error, search page p95 <= 300 ms, entry page p95 <= 150 ms.
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / ".cache" / "bench"
EMBEDDED_PORT = 8011
NO_CACHE_PORT = 8081
DEMO_DB = CACHE_DIR / "embedded-demo.sqlite3"

SEARCH_WORDS = {
    "de": ["Stolperstein", "Kaluga", "Kranzniederlegung", "Heilbronn", "Zwangsarbeit", "Städtepartnerschaft"],
    "ru": ["Калуга", "камень преткновения", "возложение венков", "Хайльбронн", "военнопленные", "память"],
    # Names in the other script: the transliteration keys find them.
    "cross": ["Гринбаум", "Wolf", "Шварц", "Kaluga 1941", "Ульм"],
}
PREFIXES = ["Sto", "Kal", "Hei", "Кал", "Хай", "Gr", "Ber", "Пам"]
TARGET_P95_MS = {"search page": 300, "entry page": 150}
CAPACITY_P95_MS = 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="http://127.0.0.1:8080", help="the stack's URL ('' to skip it)")
    parser.add_argument("--no-embedded", action="store_true", help="skip the embedded default")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--steps", default="100,200,400", help="users per capacity step ('' for none)")
    parser.add_argument("--step-seconds", type=int, default=30)
    parser.add_argument("--max-requests", type=int, default=60_000, help="stop a phase after this many")
    parser.add_argument("--warmup", type=int, default=20, help="seconds of load before each target's first phase")
    parser.add_argument(
        "--no-cache-comparison",
        action="store_true",
        help="skip the stack's code without the page cache (a second gunicorn on :8081)",
    )
    return parser.parse_args()


def fetch_json(url):
    import json

    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback, our own site)
        return json.loads(response.read())


def discover(base):
    """Entry pages (both languages) from the site's own API."""
    urls = set()
    for word in ["Stolperstein", "Kaluga", "Heilbronn", "Калуга", "память", "22"]:
        for language in ["de", "ru"]:
            data = fetch_json(f"{base}/api/v1/search/?q={urllib.parse.quote(word)}&language={language}&page_size=50")
            for hit in data["results"]:
                if hit.get("url"):
                    urls.add(urllib.parse.urlsplit(hit["url"]).path)
    if not urls:
        raise SystemExit(f"{base}: the API found no entries to visit")
    return sorted(urls)


def make_user_class(entry_urls):
    from locust import HttpUser, between, task

    class Reader(HttpUser):
        wait_time = between(1, 5)

        def on_start(self):
            self.address = f"{random.choice(['203.0.113', '198.51.100'])}.{random.randint(1, 254)}"
            self.language = random.choice(["de", "ru"])

        def get(self, path, kind):
            self.client.get(path, name=kind, headers={"X-Forwarded-For": self.address})

        @task(2)
        def home(self):
            self.get(f"/{self.language}/", "home page")

        @task(2)
        def archive(self):
            path = "/de/archiv/" if self.language == "de" else "/ru/arkhiv/"
            self.get(f"{path}?page={random.randint(1, 3)}", "archive list")

        @task(6)
        def entry(self):
            self.get(random.choice(entry_urls), "entry page")

        @task(4)
        def search(self):
            words = random.choice(list(SEARCH_WORDS.values()))
            query = urllib.parse.quote(random.choice(words))
            self.get(f"/{self.language}/search/?q={query}", "search page")

        @task(2)
        def api(self):
            query = urllib.parse.quote(random.choice(SEARCH_WORDS["de"] + SEARCH_WORDS["ru"]))
            self.get(f"/api/v1/search/?q={query}", "API search")

        @task(3)
        def suggest(self):
            prefix = urllib.parse.quote(random.choice(PREFIXES))
            self.get(f"/api/v1/suggest/?q={prefix}&language={self.language}", "suggestions")

        @task(1)
        def map_data(self):
            self.get("/map/entries.geojson", "map data")

    return Reader


def run_phase(base, user_class, users, seconds, max_requests, warmup=0):
    """`users` readers for `seconds` (after they have all started, and `warmup` more); returns the samples."""
    import gevent
    from locust.env import Environment

    user_class.host = base
    samples = defaultdict(list)  # kind -> [(ms, status)]
    environment = Environment(user_classes=[user_class])
    counted = [0]
    measuring = [False]

    def on_request(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
        if not measuring[0]:
            return
        status = getattr(response, "status_code", 0) if exception is None or response is not None else 0
        if exception is not None and not status:
            status = 0  # no answer at all: refused, reset, timed out
        samples[name].append((response_time, status))
        counted[0] += 1

    environment.events.request.add_listener(on_request)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=max(users / 5, 10))
    gevent.sleep(min(users / max(users / 5, 10), 10) + 1 + warmup)  # until all have started and warmed up
    measuring[0] = True
    started = time.monotonic()
    while time.monotonic() - started < seconds and counted[0] < max_requests:
        gevent.sleep(0.5)
    measuring[0] = False
    elapsed = time.monotonic() - started
    runner.quit()
    return samples, elapsed


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def report(title, samples, elapsed):
    print(f"\n{title}")
    print(f"  {'kind':<14} {'requests':>8} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    everything, errors = [], defaultdict(int)
    for kind in sorted(samples):
        times = [ms for ms, _ in samples[kind]]
        failed = [status for _, status in samples[kind] if not 200 <= status < 300]
        for status in failed:
            errors[status] += 1
        everything += times
        print(
            f"  {kind:<14} {len(times):>8} {len(failed):>7} {percentile(times, 0.5):>8.0f} "
            f"{percentile(times, 0.95):>8.0f} {percentile(times, 0.99):>8.0f}"
        )
    rate = len(everything) / elapsed if elapsed else 0
    by_status = ", ".join(f"{status or 'no answer'}: {count}" for status, count in sorted(errors.items())) or "none"
    print(
        f"  {'all':<14} {len(everything):>8} {sum(errors.values()):>7} {percentile(everything, 0.5):>8.0f} "
        f"{percentile(everything, 0.95):>8.0f} {percentile(everything, 0.99):>8.0f}"
    )
    print(f"  {rate:.1f} requests/s over {elapsed:.0f} s; errors by status: {by_status}")
    return {
        "rate": rate,
        "p95": percentile(everything, 0.95),
        "errors": sum(errors.values()),
        "kinds": {kind: percentile([ms for ms, _ in values], 0.95) for kind, values in samples.items()},
    }


def prepare_demo_database():
    if DEMO_DB.exists():
        return
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    print(f"preparing the embedded default's demo database (once): {DEMO_DB}", flush=True)
    partial = DEMO_DB.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    env = embedded_env(partial)
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"], ["setup_editorial"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603
    partial.rename(DEMO_DB)


def embedded_env(database):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "ELASTICSEARCH"))}
    env.update(
        DJANGO_SETTINGS_MODULE="memoria.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        MEMORIA_TRUST_X_FORWARDED_FOR="true",
    )
    return env


def start_embedded(work):
    prepare_demo_database()
    database = work / "embedded.sqlite3"
    shutil.copy(DEMO_DB, database)
    log = open(work / "runserver.log", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{EMBEDDED_PORT}", "--noreload"],
        cwd=ROOT,
        env=embedded_env(database),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return server, wait_for(server, f"http://127.0.0.1:{EMBEDDED_PORT}", work / "runserver.log")


def start_stack_without_page_cache(work):
    """The stack's code and data under a second gunicorn on :8081, with the page cache off."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    for line in (ROOT / ".cache" / "stack" / "env").read_text().splitlines():
        key, _, value = line.partition("=")
        env[key] = value
    env["MEMORIA_PAGE_CACHE_SECONDS"] = "0"
    log = open(work / "gunicorn-nocache.log", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "memoria.wsgi", "--config", "deploy/gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{NO_CACHE_PORT}", "--workers", "4"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return server, wait_for(server, f"http://127.0.0.1:{NO_CACHE_PORT}", work / "gunicorn-nocache.log")


def wait_for(server, base, log):
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/healthz/", timeout=2)  # noqa: S310
            return base
        except OSError:
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit(f"{base} did not answer; see {log}")


def load(title, base, args):
    entry_urls = discover(base)
    print(f"\n=== {title}: {base} ({len(entry_urls)} entry pages to visit)", flush=True)
    user_class = make_user_class(entry_urls)
    # Unmeasured first: each web process loads the embedding model at its first search, and the
    # caches fill, as on a site that has been up for a while.
    samples, elapsed = run_phase(base, user_class, args.users, args.seconds, args.max_requests, warmup=args.warmup)
    result = report(f"{title}, {args.users} users, {args.seconds} s", samples, elapsed)
    steps = [int(step) for step in args.steps.split(",") if step]
    capacity = None
    if result["p95"] <= CAPACITY_P95_MS:
        capacity = (args.users, result["rate"])
    for users in steps:
        samples, elapsed = run_phase(base, user_class, users, args.step_seconds, args.max_requests)
        step = report(f"{title}, step: {users} users, {args.step_seconds} s", samples, elapsed)
        if step["p95"] > CAPACITY_P95_MS:
            print(f"  p95 {step['p95']:.0f} ms > {CAPACITY_P95_MS} ms: the steps end here")
            break
        capacity = (users, step["rate"])
    if capacity:
        print(
            f"capacity ({title}): {capacity[1]:.1f} requests/s at {capacity[0]} users with p95 <= {CAPACITY_P95_MS} ms"
        )
    else:
        print(f"capacity ({title}): p95 above {CAPACITY_P95_MS} ms already at {args.users} users")
    return result


def main():
    args = parse_args()
    from gevent import monkey

    monkey.patch_all()
    results = {}
    if args.stack:
        try:
            urllib.request.urlopen(f"{args.stack}/healthz/", timeout=5)  # noqa: S310
        except OSError as error:
            raise SystemExit(
                f"the stack does not answer at {args.stack}/healthz/ ({error}): run `make stack`"
            ) from None
        results["stack"] = load("the stack", args.stack, args)
        if not args.no_cache_comparison:
            with tempfile.TemporaryDirectory(prefix="memoria-load-") as work:
                server, base = start_stack_without_page_cache(Path(work))
                try:
                    results["stack without the page cache"] = load("the stack without the page cache", base, args)
                finally:
                    os.killpg(server.pid, signal.SIGTERM)
                    server.wait(30)
    if not args.no_embedded:
        with tempfile.TemporaryDirectory(prefix="memoria-load-") as work:
            server, base = start_embedded(Path(work))
            try:
                results["embedded"] = load("the embedded default (runserver)", base, args)
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(30)
    if "stack" in results:
        stack = results["stack"]
        print(f"\ntargets on the stack at {args.users} users:")
        print(f"  errors: {stack['errors']} (target 0): {'PASS' if stack['errors'] == 0 else 'FAIL'}")
        for kind, target in TARGET_P95_MS.items():
            value = stack["kinds"].get(kind, float("nan"))
            print(f"  {kind} p95 {value:.0f} ms (target <= {target}): {'PASS' if value <= target else 'FAIL'}")


if __name__ == "__main__":
    main()
