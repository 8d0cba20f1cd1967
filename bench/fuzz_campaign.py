"""A campaign of hostile requests over every public URL pattern: the counts by status, no 5xx.

    .venv/bin/python bench/fuzz_campaign.py [--requests 5000] [--seed 1941] [--elasticsearch]

The archive: the demo content (load_demo, 20 Berlin stones) in a throw-away SQLite database.
The requests go through Django's test client in this process (no network, nothing leaves the
machine): the search page in both languages, the search and suggest API, the map data, tag pages,
the contribution form, the archive's lists with their filters, entry pages with parameters, and
unknown paths. Each takes a value from a list of hostile strings (Lucene syntax, unbalanced quotes,
NUL and control characters, lone surrogates, 10,000 characters, RTL marks, mixed scripts, huge and
negative numbers, script payloads) or a random mix of them, in a random parameter, sometimes twice.

Printed: requests per URL pattern and status, and any request that gave a 5xx or returned one of
the script payloads unescaped in HTML. Target: none of either (exit status 1 otherwise). With
--elasticsearch the search runs on the local node (bench/search_index.elasticsearch_url) instead
of the database engine. Rate limits are switched off: they would answer most of it with 429.
"""

import argparse
import collections
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</mark><svg onload=alert(1)>",
]
HOSTILE = [
    *PAYLOADS,
    '"unbalanced',
    "title:(a OR b) AND NOT c~2^3",
    "*:*",
    "\\\\/*?[]{}",
    "a\x00b",
    "\x07\x1b[31m",
    "\ud800",
    "x" * 10_000,
    "\u202eevil\u202c",
    "Калуга Kaluga Калуге",
    "ё" * 600,
    "-1",
    "0",
    "99999999999999999999",
    "-99999999999999999999",
    "1e308",
    "NaN",
    "1,2,3,4",
    "200,100,-200,-100",
    "",
    " ",
    "%00",
    "../../etc/passwd",
    "' OR 1=1 --",
]
PATTERNS = {
    "/de/search/": [
        "q",
        "type",
        "city",
        "theme",
        "language",
        "tag",
        "date_from",
        "date_to",
        "has_media",
        "sort",
        "bbox",
        "page",
    ],
    "/ru/search/": ["q", "city", "page", "sort"],
    "/api/v1/search/": [
        "q",
        "language",
        "type",
        "city",
        "theme",
        "tag",
        "date_from",
        "date_to",
        "has_media",
        "bbox",
        "sort",
        "page",
        "page_size",
        "unknown",
    ],
    "/api/v1/suggest/": ["q", "language", "unknown"],
    "/map/entries.geojson": ["language"],
    "/de/tags/{value}/": [],
    "/de/contribute/": ["entry"],
    "/de/archiv/": ["type", "city", "theme", "date_from", "date_to", "page", "has_media"],
    "{entry}": ["page", "q"],
    "/de/{value}/": [],
}


def value(rng):
    if rng.random() < 0.2:
        return "".join(rng.choice(HOSTILE)[:50] for _ in range(rng.randint(2, 4)))
    return rng.choice(HOSTILE)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1941)
    parser.add_argument("--elasticsearch", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memoria.settings.dev")
    work = tempfile.TemporaryDirectory(prefix="memoria-fuzz-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(work.name) / 'fuzz.sqlite3'}"
    if args.elasticsearch:
        from bench.search_index import elasticsearch_url

        os.environ["ELASTICSEARCH_URL"] = elasticsearch_url()
        os.environ["MEMORIA_SEARCH_INDEX"] = "bench-fuzz"
    else:
        os.environ["ELASTICSEARCH_URL"] = ""

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from archive.listing import visible_entries

    settings.RATELIMIT_ENABLE = False
    settings.ALLOWED_HOSTS = ["testserver"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", berlin_sample=20, verbosity=0)
    if args.elasticsearch:
        from search import indexing

        indexing.rebuild()
    entries = [entry.url for entry in visible_entries().specific()[:50]]
    print(f"demo loaded in {time.perf_counter() - started:.0f} s; {len(entries)} entry pages to vary")

    rng = random.Random(args.seed)
    client = Client(raise_request_exception=False)
    counts = collections.Counter()
    engines = collections.Counter()  # which engine answered the API's searches
    failures = []
    started = time.perf_counter()
    for number in range(1, args.requests + 1):
        pattern = rng.choice(list(PATTERNS))
        path = pattern.replace("{value}", value(rng)[:200].replace("/", "")) if "{value}" in pattern else pattern
        if pattern == "{entry}":
            path = rng.choice(entries)
        params = []
        for _ in range(rng.randint(0, 3)):
            if PATTERNS[pattern]:
                name = rng.choice(PATTERNS[pattern])
                params.append((name, value(rng)))
                if rng.random() < 0.1:
                    params.append((name, value(rng)))  # repeated
        # Encoded here, lone surrogates as the invalid UTF-8 a client may send (%ED%A0%80).
        query = "&".join(f"{quote(name)}={quote(text, errors='surrogatepass')}" for name, text in params)
        path = quote(path, safe="/", errors="surrogatepass")
        try:
            response = client.get(f"{path}?{query}" if query else path)
        except Exception as error:
            counts[(pattern, f"client error {type(error).__name__}")] += 1
            continue
        status = response.status_code
        counts[(pattern, status)] += 1
        if pattern == "/api/v1/search/" and status == 200:
            engines[response.json()["backend"]] += 1
        body = response.content.decode("utf-8", "replace") if "html" in response.get("Content-Type", "") else ""
        if status >= 500:
            failures.append(f"{status} {path} {params!r:.200}")
        elif any(payload in body for payload in PAYLOADS):
            failures.append(f"unescaped payload in {path} {params!r:.200}")
        if number % 1000 == 0:
            print(
                f"  {number:,}/{args.requests:,} requests, {number / (time.perf_counter() - started):.0f}/s", flush=True
            )

    print(
        f"\n{args.requests:,} requests in {time.perf_counter() - started:.0f} s, engine: "
        f"{'elasticsearch' if args.elasticsearch else 'database'}"
    )
    by_pattern = collections.defaultdict(dict)
    for (pattern, status), count in counts.items():
        by_pattern[pattern][status] = count
    for pattern, statuses in sorted(by_pattern.items()):
        shown = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items(), key=str))
        print(f"  {pattern:24} {shown}")
    print(f"API searches answered by: {dict(engines)}")
    print(f"5xx or unescaped payloads: {len(failures)} (target: 0)")
    for failure in failures[:20]:
        print(f"  {failure}")
    work.cleanup()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
