"""Check the bilingual relevance set and the cross-language test pairs.

    .venv/bin/python bench/relevance/validate.py [--database URL] [--data-dir DIR]

bench/relevance/queries.jsonl, one query a line:

    {"id": "de-001", "query": "...", "language": "de" | "ru",
     "kind": "topic" | "name" | "place" | "cross-script" | "cross-language" | "glossary",
     "relevant": [{"external_id": "...", "language": "de" | "ru"}, ...], "note": "..."}

Checked: the format; that every judged entry exists in the demo with that external_id and
language and is public (archive.listing.visible_entries); at least 60 queries per language and
25 per direction, of which at least 25 with several (2 or more) relevant entries in the
direction's target language, so that a direction measures ranking and not only whether one
entry is found. A query counts in the direction from its language to each language among its
relevant entries (de->ru: a German query with Russian relevant entries), as bench/relevance.py
evaluates it, on that language's relevant entries only. Without --database the demo is built
in a throw-away SQLite database (migrate and load_demo with its default Berlin sample of 200
stones, about half a minute); with --database that database is used as it is (it must hold the demo).

tests/search/data/crosslingual_pairs.json, the pairs of the vector test: at least 20, distinct
topics, complete entries of 2-4 sentences each, and no word a query shares with the entry it
must find, compared across scripts (after a simple transliteration, letter for letter, by prefix
and with Elasticsearch's AUTO fuzziness) and no digits in a query, so that only meaning can
connect them.

Exit status 1 when anything fails.
"""

import argparse
import io
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "bench" / "relevance" / "queries.jsonl"
PAIRS = ROOT / "tests" / "search" / "data" / "crosslingual_pairs.json"

LANGUAGES = ("de", "ru")
KINDS = ("topic", "name", "place", "cross-script", "cross-language", "glossary")
DIRECTIONS = ("de->de", "ru->ru", "de->ru", "ru->de")
MIN_PER_LANGUAGE = 60
MIN_PER_DIRECTION = 25
SEVERAL = 2  # relevant entries in the target language that make a query rank, not only find
MIN_SEVERAL_PER_DIRECTION = 25
MIN_PAIRS = 20
RECALL_DEPTH = 20  # bench/relevance.py measures recall@20
ID_PATTERN = re.compile(r"(de|ru)-\d{3}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="a DATABASE_URL holding the demo (default: build it in a temporary file)")
    parser.add_argument("--data-dir", help="for load_demo: default $MEMORIA_DATA_DIR, else shared/data")
    parser.add_argument("--queries", default=str(QUERIES))
    parser.add_argument("--pairs", default=str(PAIRS))
    args = parser.parse_args()

    queries, problems = read_queries(Path(args.queries))
    print(f"{args.queries}: {len(queries)} queries")
    if not problems:
        problems += check_entries(queries, args.database, args.data_dir)
        summarise(queries, problems)

    pair_problems = check_pairs(Path(args.pairs))
    problems += pair_problems

    if problems:
        print(f"\nFAIL: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print("\nPASS")
    return 0


# The relevance set ------------------------------------------------------------------------------


def read_queries(path):
    """Parse the JSONL file; return (queries, format problems)."""
    queries, problems, seen_ids, seen_texts = [], [], set(), set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            query = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{where}: not JSON ({error})")
            continue
        missing = {"id", "query", "language", "kind", "relevant", "note"} - set(query)
        if missing:
            problems.append(f"{where}: missing {', '.join(sorted(missing))}")
            continue
        where = f"{where} ({query['id']})"
        if query["language"] not in LANGUAGES:
            problems.append(f"{where}: language {query['language']!r}")
        if not ID_PATTERN.fullmatch(str(query["id"])) or not query["id"].startswith(f"{query['language']}-"):
            problems.append(f"{where}: id must be <language>-NNN")
        if query["id"] in seen_ids:
            problems.append(f"{where}: id used twice")
        seen_ids.add(query["id"])
        text = query["query"].strip() if isinstance(query["query"], str) else ""
        if not text:
            problems.append(f"{where}: empty query")
        if (query["language"], text.casefold()) in seen_texts:
            problems.append(f"{where}: the same query twice")
        seen_texts.add((query["language"], text.casefold()))
        if query["kind"] not in KINDS:
            problems.append(f"{where}: kind {query['kind']!r}")
        relevant = query["relevant"]
        if not isinstance(relevant, list) or not relevant:
            problems.append(f"{where}: no relevant entries")
            continue
        keys = [(item.get("external_id"), item.get("language")) for item in relevant if isinstance(item, dict)]
        if len(keys) != len(relevant) or any(not external_id or lang not in LANGUAGES for external_id, lang in keys):
            problems.append(f"{where}: every relevant entry needs external_id and language de|ru")
        if len(set(keys)) != len(keys):
            problems.append(f"{where}: a relevant entry is listed twice")
        queries.append(query)
    return queries, problems


def check_entries(queries, database_url, data_dir):
    """Every judged entry exists with that language and is public."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memoria.settings.dev")
    temporary = None
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        # Never the environment's DATABASE_URL: the demo is loaded into whatever this points at.
        temporary = tempfile.TemporaryDirectory(prefix="memoria-relevance-")
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary.name}/demo.sqlite3"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from archive.listing import visible_entries
    from archive.models import EntryPage

    try:
        if temporary:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            options = {"data_dir": data_dir} if data_dir else {}
            call_command("load_demo", verbosity=0, stdout=io.StringIO(), **options)
            print(f"demo loaded into a temporary database in {time.perf_counter() - started:.0f} s")
        else:
            print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")

        entries = dict(EntryPage.objects.exclude(external_id=None).values_list("external_id", "locale__language_code"))
        public = set(visible_entries().exclude(external_id=None).values_list("external_id", flat=True))
        counts = sorted(Counter(entries.values()).items())
        print(f"entries: {len(entries)} ({', '.join(f'{number} {language}' for language, number in counts)})")
        problems = []
        for query in queries:
            for item in query["relevant"]:
                external_id, language = item["external_id"], item["language"]
                if external_id not in entries:
                    problems.append(f"{query['id']}: no entry {external_id!r}")
                elif entries[external_id] != language:
                    problems.append(f"{query['id']}: {external_id} is in {entries[external_id]}, judged as {language}")
                elif external_id not in public:
                    problems.append(f"{query['id']}: {external_id} is not public")
        return problems
    finally:
        if temporary:
            connection.close()
            temporary.cleanup()


def directions_of(query):
    return [f"{query['language']}->{target}" for target in sorted({item["language"] for item in query["relevant"]})]


def relevant_by_direction(query):
    """{direction: the query's relevant external_ids in that direction's target language}."""
    by_direction = defaultdict(set)
    for item in query["relevant"]:
        by_direction[f"{query['language']}->{item['language']}"].add(item["external_id"])
    return by_direction


def summarise(queries, problems):
    """Print the counts the issue asks for; add a problem for every minimum not reached."""
    by_language = Counter(query["language"] for query in queries)
    by_direction = Counter(direction for query in queries for direction in directions_of(query))
    several = Counter()
    targets = defaultdict(set)
    broad = []
    for query in queries:
        for direction, relevant in relevant_by_direction(query).items():
            targets[direction] |= relevant
            if len(relevant) >= SEVERAL:
                several[direction] += 1
            if len(relevant) > RECALL_DEPTH:
                broad.append(f"{query['id']} ({direction}: {len(relevant)})")
    print("\nqueries per language:")
    for language in LANGUAGES:
        print(f"  {language}: {by_language[language]:3}")
        if by_language[language] < MIN_PER_LANGUAGE:
            problems.append(f"{by_language[language]} {language} queries, fewer than {MIN_PER_LANGUAGE}")
    print(f"queries per direction (with {SEVERAL}+ relevant entries in the target language; distinct entries):")
    for direction in DIRECTIONS:
        distinct = len(targets[direction])
        print(f"  {direction}: {by_direction[direction]:3} ({several[direction]:3} with {SEVERAL}+; {distinct})")
        if by_direction[direction] < MIN_PER_DIRECTION:
            problems.append(f"{by_direction[direction]} queries {direction}, fewer than {MIN_PER_DIRECTION}")
        if several[direction] < MIN_SEVERAL_PER_DIRECTION:
            problems.append(
                f"{several[direction]} queries {direction} with {SEVERAL}+ relevant entries, "
                f"fewer than {MIN_SEVERAL_PER_DIRECTION}"
            )
    print("queries per kind:")
    for language in LANGUAGES:
        kinds = Counter(query["kind"] for query in queries if query["language"] == language)
        print(f"  {language}: " + ", ".join(f"{kind} {kinds[kind]}" for kind in KINDS))
    sizes = sorted(len(query["relevant"]) for query in queries)
    print(f"relevant entries per query: median {sizes[len(sizes) // 2]}, max {sizes[-1]}")
    if broad:
        print(f"  more than {RECALL_DEPTH} in one direction (recall@{RECALL_DEPTH} cannot reach 1): {', '.join(broad)}")


# The cross-language test pairs ------------------------------------------------------------------

# Letter for letter, ц read as German z; ъ and ь are dropped.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "i",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "х": "h", "ц": "z", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
GERMAN_SOUNDS = (("tsch", "ch"), ("sch", "sh"), ("ch", "h"), ("ck", "k"), ("tz", "z"), ("ph", "f"), ("th", "t"))
WORD = re.compile(r"[^\W\d_]+")
SENTENCE_END = re.compile(r"[.!?…](?:[»“”\"')]*)(?=\s|$)")


def reading(word):
    """A rough common spelling of a word in either script: what a transliteration could match."""
    word = word.casefold().replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")
    if any(letter in CYRILLIC for letter in word):
        word = "".join(CYRILLIC.get(letter, letter) for letter in word)
    else:
        for german, common in GERMAN_SOUNDS:
            word = word.replace(german, common)
    word = word.translate(str.maketrans("cwyjz", "kviis"))
    return re.sub(r"(.)\1+", r"\1", word)


def fuzzy_distance(length):
    """Elasticsearch's fuzziness AUTO: no edit up to 2 letters, 1 up to 5, then 2."""
    return 0 if length <= 2 else 1 if length <= 5 else 2


def edit_distance(a, b):
    previous = list(range(len(b) + 1))
    for i, letter_a in enumerate(a, start=1):
        current = [i]
        for j, letter_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (letter_a != letter_b)))
        previous = current
    return previous[-1]


def shared_words(query, entry):
    """Pairs (query word, entry word) that a plain or transliterating text search could match."""
    entry_words = {word: reading(word) for word in WORD.findall(" ".join(entry.values()))}
    found = []
    for word in WORD.findall(query):
        mine = reading(word)
        for other, theirs in entry_words.items():
            same_start = len(mine) >= 4 and len(theirs) >= 4 and mine[:4] == theirs[:4]
            close = edit_distance(mine, theirs) <= fuzzy_distance(min(len(mine), len(theirs)))
            if mine == theirs or same_start or close:
                found.append(f"{word}~{other}")
    return found


def sentences(text):
    return len(SENTENCE_END.findall(text.strip()))


def check_pairs(path):
    problems = []
    pairs = json.loads(path.read_text(encoding="utf-8"))
    print(f"\n{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {len(pairs)} pairs")
    if len(pairs) < MIN_PAIRS:
        problems.append(f"pairs: {len(pairs)}, fewer than {MIN_PAIRS}")
    topics = Counter(pair.get("topic") for pair in pairs)
    problems += [f"pairs: topic {topic!r} used {count} times" for topic, count in topics.items() if count > 1]
    fields = {"title", "summary", "body"}
    for number, pair in enumerate(pairs, start=1):
        where = f"pair {number} ({pair.get('topic')})"
        for entry_key, query_key in (("entry_de", "query_ru"), ("entry_ru", "query_de")):
            entry, query = pair.get(entry_key), pair.get(query_key)
            if not isinstance(entry, dict) or set(entry) != fields or not all(entry.values()):
                problems.append(f"{where}: {entry_key} needs a non-empty title, summary and body")
                continue
            if not isinstance(query, str) or not query.strip():
                problems.append(f"{where}: {query_key} is empty")
                continue
            if not 2 <= sentences(entry["body"]) <= 4:
                problems.append(f"{where}: {entry_key} body has {sentences(entry['body'])} sentences, not 2-4")
            if re.search(r"\d", query):
                problems.append(f"{where}: {query_key} has a number")
            shared = shared_words(query, entry)
            if shared:
                problems.append(f"{where}: {query_key} shares words with {entry_key}: {', '.join(shared)}")
    if not problems:
        print("  every query shares no word, name or number with the entry it must find")
    return problems


if __name__ == "__main__":
    sys.exit(main())
