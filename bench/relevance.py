"""The bilingual relevance set against both engines: MRR@10 and recall@20 per direction.

    .venv/bin/python bench/relevance.py [--fresh] [--sweep] [--queries bench/relevance/queries.jsonl]

The set (bench/relevance/queries.jsonl, judged by reading the entries, see its README) holds
German and Russian queries with their relevant entries. A direction is the query's language
and the language searched: de->ru is a German query over the Russian entries only (the
engine's `language` filter), so each direction is measured on its own, without the grouping
of translations.

Every configuration runs through search.engines.elasticsearch.ElasticsearchSearch, the code the site uses:
retrieval text (BM25 over the text, name transliteration and typo clauses), vector (kNN over
the entry vectors only) and hybrid (both in one request), each with and without the glossary.
--sweep also tries the hybrid's weights (vector boost, similarity floor), which is where the
settings' values come from.

The embedded default's engine (search.engines.database.DatabaseSearch, Wagtail's database
backend over the same SQLite file) runs beside them, on the same queries and directions: as the
site runs it (each word with its stem, archive/stemming.py) and, as the named baseline, with each
word as typed only.

The database: the demo content (load_demo) in a SQLite file cached under .cache/bench/ with its
vectors computed (search.embeddings.compute_missing); --fresh builds it again. Elasticsearch:
$ELASTICSEARCH_URL, else the local node (search/elasticsearch/es.sh start); the index lives
under the alias bench-relevance and is deleted at the end.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# v3: the database search index carries the entries' stems (EntryPage.stem_keys).
CACHE = ROOT / ".cache" / "bench" / "relevance-demo-v3.sqlite3"
QUERIES = ROOT / "bench" / "relevance" / "queries.jsonl"
DIRECTIONS = ("de->de", "ru->ru", "de->ru", "ru->de")
RETRIEVALS = ("text", "vector", "hybrid")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="build the cached demo database again")
    parser.add_argument("--sweep", action="store_true", help="also try the hybrid's weights")
    parser.add_argument("--queries", default=str(QUERIES))
    parser.add_argument("--show-misses", action="store_true", help="list the queries the hybrid misses")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memoria.settings.dev")
    from bench.search_index import elasticsearch_url

    os.environ["ELASTICSEARCH_URL"] = elasticsearch_url()
    os.environ["MEMORIA_SEARCH_INDEX"] = "bench-relevance"
    # A shared 2-core machine: a slow answer is measured, not replaced by the database fallback.
    os.environ.setdefault("MEMORIA_SEARCH_TIMEOUT", "60")
    if args.fresh and CACHE.exists():
        CACHE.unlink()
    work = tempfile.TemporaryDirectory(prefix="memoria-relevance-")
    database = Path(work.name) / "demo.sqlite3"
    if CACHE.exists():
        shutil.copy(CACHE, database)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"

    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    from search import indexing
    from search.embeddings import compute_missing, get_embedding_model
    from search.engines.elasticsearch import ElasticsearchSearch

    if not CACHE.exists():
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0)
        print(f"demo content loaded in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    computed = compute_missing()
    if computed:
        print(f"vectors: {computed} computed in {time.perf_counter() - started:.0f} s ({get_embedding_model().name})")
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(database, CACHE)
    elif not CACHE.exists():
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(database, CACHE)

    report = indexing.rebuild()
    print(f"index: {report.documents} documents in {report.seconds:.1f} s")
    queries = load_queries(Path(args.queries))
    print(f"queries: {len(queries)} ({count_by_direction(queries)})")
    try:
        configurations = [(retrieval, glossary, {}) for retrieval in RETRIEVALS for glossary in (False, True)]
        if args.sweep:
            configurations += [
                ("hybrid", True, {"MEMORIA_SEARCH_VECTOR_BOOST": boost, "MEMORIA_SEARCH_VECTOR_SIMILARITY": floor})
                for boost in (1.0, 3.0, 10.0, 30.0)
                for floor in (0.75, 0.8, 0.85)
            ]
        from search.engines.database import DatabaseSearch

        rows = []
        for label, engine in (
            ("database (embedded default)", DatabaseSearch()),
            ("database, words as typed (baseline)", DatabaseSearch(stems=False)),
        ):
            scores, _misses, latencies = evaluate(queries, engine=engine)
            rows.append((label, scores, statistics.median(latencies)))
        for retrieval, glossary, overrides in configurations:
            with override_settings(**overrides):
                scores, misses, latencies = evaluate(
                    queries, ElasticsearchSearch(retrieval=retrieval, glossary=glossary)
                )
            label = f"{retrieval}{' + glossary' if glossary else ''}"
            if overrides:
                label += " " + ", ".join(
                    f"{name.rsplit('_', 1)[-1].lower()}={value}" for name, value in overrides.items()
                )
            rows.append((label, scores, statistics.median(latencies)))
            if args.show_misses and retrieval == "hybrid" and glossary and not overrides:
                print("\nmissed by hybrid + glossary (no relevant entry in the top 10):")
                for direction, query in misses:
                    print(f"  {direction}  {query['id']}  {query['query']}")
        print_table(rows)
    finally:
        from search.client import get_client

        client = get_client(timeout=60)
        for name in client.indices.get(index="bench-relevance*", allow_no_indices=True):
            client.indices.delete(index=name, ignore_unavailable=True)


def load_queries(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def judged(query, target):
    return {item["external_id"] for item in query["relevant"] if item["language"] == target}


def count_by_direction(queries):
    counts = {
        f"{source}->{target}": sum(1 for query in queries if query["language"] == source and judged(query, target))
        for source in ("de", "ru")
        for target in ("de", "ru")
    }
    return ", ".join(f"{direction} {counts[direction]}" for direction in DIRECTIONS)


def evaluate(queries, engine):
    """Per direction: mean reciprocal rank of the first relevant entry in the top 10, mean recall in the top 20."""
    reciprocal = {direction: [] for direction in DIRECTIONS}
    recall = {direction: [] for direction in DIRECTIONS}
    misses, latencies = [], []
    for query in queries:
        for target in ("de", "ru"):
            relevant = judged(query, target)
            if not relevant:
                continue
            started = time.perf_counter()
            results = engine.search(query["query"], None, language=target, page_size=20, reader_language=target)
            latencies.append((time.perf_counter() - started) * 1000)
            ranked = [hit.entry.external_id for hit in results.hits]
            direction = f"{query['language']}->{target}"
            first = next((rank for rank, found in enumerate(ranked[:10], 1) if found in relevant), None)
            reciprocal[direction].append(1 / first if first else 0.0)
            recall[direction].append(len(relevant & set(ranked[:20])) / len(relevant))
            if first is None:
                misses.append((direction, query))
    scores = {
        direction: (statistics.fmean(reciprocal[direction] or [0]), statistics.fmean(recall[direction] or [0]))
        for direction in DIRECTIONS
    }
    return scores, misses, latencies


def print_table(rows):
    width = max(len(label) for label, _scores, _latency in rows)
    header = " | ".join(f"{direction:^15}" for direction in DIRECTIONS)
    print(f"\n{'':<{width}} | {header} | median ms")
    print(f"{'':<{width}} | " + " | ".join(f"{'MRR@10':>7} {'R@20':>7}" for _ in DIRECTIONS) + " |")
    for label, scores, latency in rows:
        cells = " | ".join(f"{scores[direction][0]:7.3f} {scores[direction][1]:7.3f}" for direction in DIRECTIONS)
        print(f"{label:<{width}} | {cells} | {latency:8.1f}")


if __name__ == "__main__":
    main()
