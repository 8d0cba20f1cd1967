"""Cross-script transliteration keys (archive/transliteration.py).

"A finds B" below means what the search does with the keys: every word of the query A has an
alternative in `query_keys(A)` that is among `index_keys(B)`.

The precision figures in the module's docstring come from `python -m tests.search.test_transliteration`,
the speed from bench/transliteration.py.
"""

import csv
import itertools
import json
import re
from collections import defaultdict
from pathlib import Path

import iuliia
import pytest

from archive import transliteration
from archive.sources import default_data_dir
from archive.transliteration import index_keys, query_keys
from tests.data_files import real_data_dir

NAMES_TABLE = Path(__file__).resolve().parent / "data" / "names.tsv"


def finds(query, document):
    indexed = set(index_keys(document))
    alternatives_per_word = query_keys(query)
    return bool(alternatives_per_word) and all(indexed.intersection(alts) for alts in alternatives_per_word)


def read_names():
    with NAMES_TABLE.open(encoding="utf-8", newline="") as table:
        return list(csv.DictReader(table, delimiter="\t"))


NAMES = read_names()
LATIN_COLUMNS = ("german", "english_or_scholarly")


def name_id(row):
    return row["cyrillic"]


def berlin_surname_words(folder):
    with (folder / "stolpersteine-berlin" / "stolpersteine.csv").open(encoding="utf-8-sig", newline="") as stones:
        surnames = {record["Nachname"] for record in csv.DictReader(stones)}
    # Words, not entries: "Salomonsohn bzw. Schachnow" is two surnames; "bzw" and "von" are none.
    return sorted({word for surname in surnames for word in re.findall(r"[^\W\d_]{2,}", surname) if word[0].isupper()})


def colliding_pairs(words):
    """Pairs of different words that share at least one key."""
    words_by_key = defaultdict(set)
    for word in words:
        for key in index_keys(word):
            words_by_key[key].add(word)
    return {pair for sharing in words_by_key.values() for pair in itertools.combinations(sorted(sharing), 2)}


def heilbronn_text(folder):
    return "\n".join(
        path.read_text(encoding="utf-8") for path in sorted((folder / "stolpersteine-heilbronn").glob("*.md"))
    )


# --- The examples -------------------------------------------------------------------


def test_kaluga_finds_калуга_and_back():
    assert finds("Kaluga", "Калуга")
    assert finds("Калуга", "Kaluga")


def test_schukow_and_zhukov_find_жуков():
    assert finds("Schukow", "Жуков")
    assert finds("Zhukov", "Жуков")
    assert finds("Žukov", "Жуков")
    assert finds("Жуков", "Schukow")
    assert finds("Жуков", "Zhukov")


def test_абрахам_finds_abraham():
    assert finds("Абрахам", "Abraham")
    assert finds("Abraham", "Абрахам")


def test_grünebaum_and_грюнебаум_find_each_other():
    assert finds("Grünebaum", "Грюнебаум")
    assert finds("Грюнебаум", "Grünebaum")
    assert finds("Gruenebaum", "Грюнебаум")
    assert finds("HERMANN GRÜNEBAUM", "Герман Грюнебаум")  # as the stone's inscription has it


def test_german_and_english_conventions_find_each_other_through_the_same_keys():
    assert finds("Soja Kosmodemjanskaja", "Zoya Kosmodemyanskaya")
    assert finds("Chruschtschow", "Khrushchev")
    assert finds("Tschaikowski", "Chaykovsky")


def test_polish_spellings_of_the_berlin_records_find_the_russian():
    assert finds("Łódź", "Лодзь")
    assert finds("Rabinowicz", "Рабинович")
    assert finds("Kraków", "Краков")
    assert finds("Лодзь", "Łódź")


def test_every_word_of_a_query_must_be_found():
    assert finds("Зоя Космодемьянская", "Soja Kosmodemjanskaja, Partisanin")
    assert not finds("Зоя Жукова", "Soja Kosmodemjanskaja")


# --- The table: real names in both scripts ---------------------------------------------------


def test_the_table_has_sixty_real_names_in_both_scripts():
    assert len(NAMES) >= 60
    for row in NAMES:
        assert re.fullmatch(r"[\u0400-\u04ff -]+", row["cyrillic"]), row
        for column in LATIN_COLUMNS:
            assert not re.search(r"[\u0400-\u04ff]", row[column]), row
        assert row["source"], row


@pytest.mark.parametrize("column", LATIN_COLUMNS)
@pytest.mark.parametrize("row", NAMES, ids=name_id)
def test_the_latin_form_finds_the_cyrillic(row, column):
    assert finds(row[column], row["cyrillic"]), (query_keys(row[column]), index_keys(row["cyrillic"]))


@pytest.mark.parametrize("column", LATIN_COLUMNS)
@pytest.mark.parametrize("row", NAMES, ids=name_id)
def test_the_cyrillic_form_finds_the_latin(row, column):
    assert finds(row["cyrillic"], row[column]), (query_keys(row["cyrillic"]), index_keys(row[column]))


def test_the_names_from_the_data_are_in_the_data():
    folder = real_data_dir("berlin", "heilbronn")
    with (folder / "stolpersteine-berlin" / "stolpersteine.csv").open(encoding="utf-8-sig", newline="") as csv_file:
        stones = list(csv.DictReader(csv_file))
    with (folder / "stolpersteine-berlin" / "biographies.jsonl").open(encoding="utf-8") as jsonl_file:
        facts = [json.loads(line) for line in jsonl_file]
    for row in NAMES:
        where, _, field = row["source"].partition(":")
        if where == "berlin" and field in ("Nachname", "Vorname"):
            assert any(row["german"] in stone[field] for stone in stones), row
        elif where == "berlin":
            assert any(row["german"] in (fact[field] or "") for fact in facts), row
        elif where == "heilbronn":
            text = (folder / "stolpersteine-heilbronn" / field).read_text(encoding="utf-8")
            assert row["german"].casefold() in text.casefold(), row
        else:
            assert row["source"] in ("Russian name", "Russian place"), row


# The standard schemas iuliia implements, as an oracle for English and scholarly practice.
# Not read: GOST 7.79 system B and GOST 7034 (x = х, cz = ц), the old GOST 16876 ASCII variant
# (eh = э, jj = й), Telegram (j = ж), the French MVD 310 schema and the Uzbek one.
READ_SCHEMAS = [
    "wikipedia",
    "bgn_pcgn",
    "bgn_pcgn_alt",
    "ala_lc",
    "ala_lc_alt",
    "bs_2979",
    "bs_2979_alt",
    "gost_779",
    "iso_9_1954",
    "iso_9_1968",
    "iso_9_1968_alt",
    "gost_16876",
    "gost_52290",
    "gost_52535",
    "icao_doc_9303",
    "mvd_310",
    "mvd_782",
    "scientific",
    "ungegn_1987",
    "mosmetro",
    "yandex_maps",
    "yandex_money",
]


@pytest.mark.parametrize("schema_name", READ_SCHEMAS)
def test_names_transliterated_by_a_standard_schema_find_the_cyrillic_and_back(schema_name):
    schema = iuliia.schemas.get(schema_name)
    missed = []
    for row in NAMES:
        # iuliia 0.13.0 leaves ё in Cyrillic in several schemas where the standard writes ë.
        latin = schema.translate(row["cyrillic"]).replace("ё", "ë").replace("Ё", "Ë")
        if not (finds(latin, row["cyrillic"]) and finds(row["cyrillic"], latin)):
            missed.append((row["cyrillic"], latin))
    assert not missed


# --- Precision -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Kahn", "Kohn"),  # a vowel apart: Кан and Кон
        ("Rosenthal", "Rosenberg"),
        ("Schwarz", "Weiß"),
        ("Lewin", "Levy"),
        ("Stern", "Sternfeld"),
        ("Жуков", "Жаков"),
        ("Смоленск", "Сольск"),
        ("Калуга", "Калинин"),
        ("Грюнебаум", "Грюнберг"),
        ("Ржев", "Rschewski"),
    ],
)
def test_different_names_do_not_find_each_other(one, other):
    assert not finds(one, other)
    assert not finds(other, one)


def test_few_pairs_of_berlin_surnames_share_a_key():
    words = berlin_surname_words(real_data_dir("berlin"))
    pairs = colliding_pairs(words)
    # 289 measured, nearly all spellings of one name (Meyer/Meier, Cohn/Kohn, Levy/Löwy). A key
    # without vowels would give 702 pairs even before any transliteration.
    assert len(words) > 2900
    assert len(pairs) < 350, sorted(pairs)


# --- The keys themselves -------------------------------------------------------------------


ODD_INPUTS = [
    "Kosmodem'janskaja",
    "Kosmodemʹânskaâ",
    "Šostakovič Ŝukin",
    "Gri͡unebaum Khaĭlʹbronn",
    "Чернівці Ґалаґан",
    "Kuźnica Czarnkowska, Gdańsk",
    "Lefébre Muñoz Ørsted",
    "t·s 1942 3a B12",
    "Z\u030cukov",  # decomposed: Z and a combining caron
    "«Ельня» — 1941",
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_keys_are_lowercase_ascii_letters_and_digits(text):
    assert all(re.fullmatch(r"[a-z0-9]+", key) for key in index_keys(text)), index_keys(text)


def test_keys_of_the_table_and_of_the_heilbronn_biographies_are_lowercase_ascii():
    keys = index_keys(heilbronn_text(real_data_dir("heilbronn")))
    keys += [key for row in NAMES for column in ("cyrillic", *LATIN_COLUMNS) for key in index_keys(row[column])]
    assert [key for key in keys if not re.fullmatch(r"[a-z0-9]+", key)] == []


def test_index_keys_are_deduplicated_and_repeatable():
    text = "Hermann Grünebaum, Hermann Rosenthal und Грюнебаум"
    keys = index_keys(text)
    assert len(keys) == len(set(keys))
    transliteration._word_keys.cache_clear()
    assert index_keys(text) == keys


def test_query_keys_give_one_list_of_alternatives_per_word():
    alternatives = query_keys("Schukow, Калуга — 1944")
    assert len(alternatives) == 3
    assert "zhukov" in alternatives[0]
    assert alternatives[1] == ["kaluga"]
    assert alternatives[2] == ["1944"]
    assert query_keys(" — ") == []


def test_a_decomposed_caron_does_not_split_the_word():
    assert query_keys("Z\u030cukov") == query_keys("\u017dukov") == [["zhukov"]]


if __name__ == "__main__":
    folder = default_data_dir()
    surnames = berlin_surname_words(folder)
    pairs = colliding_pairs(surnames)
    print(f"{len(surnames)} distinct Berlin surname words, {len(surnames) * (len(surnames) - 1) // 2} pairs")
    print(f"{len(pairs)} pairs share a key")
