"""A campaign of hostile requests over every public URL pattern: the counts by status, no 5xx.

    .venv/bin/python bench/fuzz_campaign.py [--requests 5000] [--seed 1941] [--elasticsearch]
                                            [--url http://127.0.0.1:8080]

The archive: the demo content (load_demo, 20 Berlin stones) in a throw-away SQLite database, the
requests through Django's test client in this process (no network); or, with --url, a site that
runs on this machine (`make stack`: gunicorn, production settings, PostgreSQL, the cluster),
over HTTP to a loopback address only, each request from an address of its own in
X-Forwarded-For (the stack trusts it), so that the rate limits do not answer most of it. The
patterns: the home pages, the search page in both languages, the search and suggest API, its
schema, the map page and its data, tag pages, the contribution form, the archive's lists with
their filters, entry pages with parameters, the pages the home pages link (collections, the
imprint, the privacy notice), documents, the admin's log-in, the health endpoint, and unknown
paths. Each takes a value from a list of hostile strings (Lucene syntax, unbalanced quotes,
NUL and control characters, lone surrogates, 10,000 characters, RTL marks, mixed scripts, huge and
negative numbers, script payloads) or a random mix of them, in a random parameter, sometimes twice.

Printed: requests per URL pattern and status, and any request that gave a 5xx or returned one of
the script payloads unescaped in HTML. Target: none of either (exit status 1 otherwise). With
--elasticsearch the search runs on the local node (bench/search_index.elasticsearch_url) instead
of the database engine. Rate limits are switched off: they would answer most of it with 429.
"""

import argparse
import collections
import itertools
import json
import os
import random
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
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
    "/ru/arkhiv/": ["type", "city", "page"],
    "{entry}": ["page", "q"],
    "{linked page}": ["page", "q", "city"],
    "/de/": ["q"],
    "/ru/": ["q"],
    "/de/map/": ["q", "bbox"],
    "/ru/map/": ["q"],
    "/api/v1/openapi.json": ["q"],
    "/documents/{value}/": [],
    "/admin/login/": ["next"],
    "/healthz/": ["q"],
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
    parser.add_argument("--url", help="a site running on this machine (loopback only), e.g. http://127.0.0.1:8080")
    args = parser.parse_args()
    if args.url and urllib.parse.urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("--url: a loopback address only (this campaign never sends traffic off the machine)")

    work = tempfile.TemporaryDirectory(prefix="memoria-fuzz-")
    started = time.perf_counter()
    if args.url:
        send = http_sender(args.url.rstrip("/"))
        engine = "the site's"
    else:
        send = in_process_sender(args, work)
        engine = "elasticsearch" if args.elasticsearch else "database"
    entries = [hit["url"] for hit in json.loads(send("/api/v1/search/?page_size=50")[2])["results"]]
    linked = sorted({link for home in ("/de/", "/ru/") for link in HOME_LINK.findall(send(home)[2].decode())})
    print(
        f"ready in {time.perf_counter() - started:.0f} s; {len(entries)} entry pages and"
        f" {len(linked)} pages linked from the home pages to vary",
        flush=True,
    )

    rng = random.Random(args.seed)
    counts = collections.Counter()
    engines = collections.Counter()  # which engine answered the API's searches
    failures = []
    started = time.perf_counter()
    for number in range(1, args.requests + 1):
        pattern = rng.choice(list(PATTERNS))
        path = pattern.replace("{value}", value(rng)[:200].replace("/", "")) if "{value}" in pattern else pattern
        if pattern == "{entry}":
            path = rng.choice(entries)
        elif pattern == "{linked page}":
            path = rng.choice(linked)
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
            status, content_type, content = send(f"{path}?{query}" if query else path)
        except Exception as error:
            counts[(pattern, f"client error {type(error).__name__}")] += 1
            continue
        counts[(pattern, status)] += 1
        if pattern == "/api/v1/search/" and status == 200:
            engines[json.loads(content)["backend"]] += 1
        body = content.decode("utf-8", "replace") if "html" in content_type else ""
        if status >= 500:
            failures.append(f"{status} {path} {params!r:.200}")
        elif any(payload in body for payload in PAYLOADS):
            failures.append(f"unescaped payload in {path} {params!r:.200}")
        if number % 1000 == 0:
            print(
                f"  {number:,}/{args.requests:,} requests, {number / (time.perf_counter() - started):.0f}/s", flush=True
            )

    print(f"\n{args.requests:,} requests in {time.perf_counter() - started:.0f} s, engine: {engine}")
    by_pattern = collections.defaultdict(dict)
    for (pattern, status), count in counts.items():
        by_pattern[pattern][status] = count
    for pattern, statuses in sorted(by_pattern.items()):
        shown = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items(), key=str))
        print(f"  {pattern:24} {shown}")
    statuses = collections.Counter()
    for (_pattern, status), count in counts.items():
        statuses[status] += count
    print(f"all patterns: {', '.join(f'{status}: {count}' for status, count in sorted(statuses.items(), key=str))}")
    print(f"API searches answered by: {dict(engines)}")
    print(f"5xx or unescaped payloads: {len(failures)} (target: 0)")
    for failure in failures[:20]:
        print(f"  {failure}")
    work.cleanup()
    return 1 if failures else 0


# The internal pages the home pages link to, below the language prefix (collections, information pages, ...).
HOME_LINK = re.compile(r'href="(/(?:de|ru)/[^"?#]+/)"')


def in_process_sender(args, work):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memoria.settings.dev")
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

    settings.RATELIMIT_ENABLE = False
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("load_demo", berlin_sample=20, verbosity=0)
    if args.elasticsearch:
        from search import indexing

        indexing.rebuild()
    client = Client(raise_request_exception=False)

    def send(path):
        response = client.get(path)
        return response.status_code, response.get("Content-Type", ""), response.content

    return send


def http_sender(base):
    counter = itertools.count(1)

    def send(path):
        number = next(counter)
        request = urllib.request.Request(  # noqa: S310 -- a loopback address, checked in main()
            base + path, headers={"X-Forwarded-For": f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 -- loopback, checked
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), error.read()

    return send


if __name__ == "__main__":
    sys.exit(main())
