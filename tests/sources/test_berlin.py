import csv
import json
from pathlib import Path

import pytest

from archive.sources import SOURCES, berlin, convert_source, default_data_dir, iter_source
from archive.sources.common import parse_german_date
from tests.data_files import real_data_dir

from . import assert_valid_row

CSV_COLUMNS = [
    "Vorname",
    "Nachname",
    "Geburtsjahr",
    "Längengrad",
    "Breitengrad",
    "Straße",
    "Hausnummer",
    "Postleitzahl",
    "Straße + Hausnummer",
    "Ortsteil",
    "Ortsteil-ID",
    "Bezirk",
    "Bezirk-ID",
    "Virtueller-Stein",
    "Url zu Biografie",
    "stolperstein_id",
]


@pytest.fixture(scope="module")
def real_folder() -> Path:
    return real_data_dir("berlin") / "stolpersteine-berlin"


@pytest.fixture(scope="module")
def converted(real_folder):
    return berlin.convert(real_folder)


def stone(number: int = 0, **overrides) -> dict:
    """One CSV line shaped like the real file."""
    line = {
        "Vorname": "Hedwig",
        "Nachname": "Abraham",
        "Geburtsjahr": "1861",
        "Längengrad": "13.4105551",
        "Breitengrad": "52.513028",
        "Straße": "Märkisches Ufer",
        "Hausnummer": "20",
        "Postleitzahl": "10179.0",
        "Straße + Hausnummer": "Märkisches Ufer 20",
        "Ortsteil": "Mitte",
        "Ortsteil-ID": "62",
        "Bezirk": "Mitte",
        "Bezirk-ID": "61.0",
        "Virtueller-Stein": "0",
        "Url zu Biografie": f"https://www.stolpersteine-berlin.de/biografie/{number + 1}",
        "stolperstein_id": f"stolperstein_{number:05d}",
    }
    line.update(overrides)
    return line


def biography(number: int = 0, **overrides) -> dict:
    """One biographies.jsonl record shaped like the real file."""
    record = {
        "source_url": f"https://www.stolpersteine-berlin.de/de/markisches-ufer/20/person-{number}",
        "verlegeort": "Märkisches Ufer 20",
        "bezirk_ortsteil": "Mitte",
        "verlegedatum": "Juni 2004",
        "geboren": "10. Januar 1861 in Berlin",
        "deportation": "am 10. September 1942 nach Theresienstadt",
        "fate": "Ermordet",
        "source_refs": [],
        "stolperstein_id": f"stolperstein_{number:05d}",
    }
    record.update(overrides)
    return record


def write_folder(folder: Path, stones: list[dict], biographies: list[dict]) -> Path:
    with open(folder / "stolpersteine.csv", "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(stones)
    with open(folder / "biographies.jsonl", "w", encoding="utf-8") as file:
        for record in biographies:
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
    return folder


def convert_one(tmp_path: Path, stone_overrides=None, biography_overrides=None):
    write_folder(tmp_path, [stone(**(stone_overrides or {}))], [biography(**(biography_overrides or {}))])
    rows, problems = berlin.convert(tmp_path)
    assert len(rows) == 1
    return rows[0], problems


# German dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Juni 2004", ("2004-06", "month")),
        ("März 2008", ("2008-03", "month")),
        ("10. Mai 2006", ("2006-05-10", "day")),
        ("08. Mai 2011", ("2011-05-08", "day")),
        ("2006", ("2006", "year")),
        (None, ("", "")),
        ("", ("", "")),
        ("2024-03-02 00:00:00 Z", ("2024-03-02", "day")),
    ],
)
def test_parse_german_date(text, expected):
    assert parse_german_date(text) == expected


@pytest.mark.parametrize("text", ["11.", "Juno 2004", "31. Februar 2004", "im Frühjahr"])
def test_parse_german_date_rejects_unreadable_text(text):
    with pytest.raises(ValueError):
        parse_german_date(text)


# The real files --------------------------------------------------------------


def test_every_stone_becomes_one_valid_row(converted):
    rows, _ = converted
    assert len(rows) == 10_229
    assert len({row["external_id"] for row in rows}) == 10_229
    for row in rows:
        assert_valid_row(row)
        assert row["city"] == "Berlin"
        assert row["licence"] == "CC BY"
        assert row["attribution"] == "Koordinierungsstelle Stolpersteine Berlin, stolpersteine-berlin.de"
        assert len(row["people"]) == 1


def test_hedwig_abraham_exact_row(converted):
    rows, _ = converted
    assert rows[0] == {
        "external_id": "berlin-stolperstein_00000",
        "type": "memorial_site",
        "language": "de",
        "title": "Stolperstein für Hedwig Abraham",
        "summary": "Hedwig Abraham, Jg. 1861: Ermordet.",
        "body": (
            "Hedwig Abraham, geboren 10. Januar 1861 in Berlin. "
            "Deportiert am 10. September 1942 nach Theresienstadt. Ermordet.\n\n"
            "Verlegt: Juni 2004."
        ),
        "date": "2004-06",
        "date_precision": "month",
        "city": "Berlin",
        "themes": ["stolpersteine", "holocaust", "deportation"],
        "tags": ["Mitte", "Ermordet", "Theresienstadt"],
        "latitude": 52.513028,
        "longitude": 13.4105551,
        "source_url": "https://www.stolpersteine-berlin.de/de/markisches-ufer/20/hedwig-abraham",
        "licence": "CC BY",
        "attribution": "Koordinierungsstelle Stolpersteine Berlin, stolpersteine-berlin.de",
        "translation_of": "",
        "kind": "stolperstein",
        "address": "Märkisches Ufer 20, 10179 Berlin",
        "inscription": "",
        "people": [
            {
                "name": "Hedwig Abraham",
                "birth_year": 1861,
                "fate": "Ermordet",
                "born": "10. Januar 1861 in Berlin",
                "deported": "am 10. September 1942 nach Theresienstadt",
            }
        ],
    }


def test_real_problems_are_reported(converted):
    _, problems = converted
    assert "biographies.jsonl: stolperstein_03193: verlegedatum: unreadable '11.'; left empty" in problems
    assert (
        "biographies.jsonl: stolperstein_06795: deportation: implausible year in "
        "'am 03. März 1897 nach Auschwitz'; kept as written"
    ) in problems
    # The two files match line for line and every stone has coordinates.
    assert not [problem for problem in problems if "no record" in problem or "coordinates" in problem]


def test_implausible_birth_years_are_exactly_the_reported_ones(converted):
    rows, problems = converted
    implausible = {
        row["external_id"].removeprefix("berlin-")
        for row in rows
        if not 1800 <= (row["people"][0]["birth_year"] or 1900) <= 1945
    }
    reported = {problem.split(": ")[1] for problem in problems if "Geburtsjahr" in problem}
    assert implausible == reported == {"stolperstein_06817", "stolperstein_07176"}


def test_all_laying_date_forms_occur_in_the_real_data(converted):
    rows, _ = converted
    precisions = {row["date_precision"] for row in rows}
    assert precisions == {"day", "month", "year", ""}


def test_iter_rows_streams_with_a_limit(real_folder):
    problems = []
    rows = berlin.iter_rows(real_folder, problems, limit=3)
    assert next(rows)["external_id"] == "berlin-stolperstein_00000"
    assert [row["external_id"] for row in rows] == [
        "berlin-stolperstein_00001",
        "berlin-stolperstein_00002",
    ]
    assert problems == []


def test_registry():
    assert SOURCES["berlin"].folder == "stolpersteine-berlin"
    assert SOURCES["heilbronn"].folder == "stolpersteine-heilbronn"
    rows, problems = convert_source("berlin", real_data_dir("berlin"), limit=2)
    assert [row["external_id"] for row in rows] == [
        "berlin-stolperstein_00000",
        "berlin-stolperstein_00001",
    ]
    assert problems == []
    with pytest.raises(KeyError, match="unknown source 'hamburg'"):
        list(iter_source("hamburg", real_data_dir("berlin")))


def test_default_data_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MEMORIA_DATA_DIR", str(tmp_path))
    assert default_data_dir() == tmp_path
    monkeypatch.delenv("MEMORIA_DATA_DIR")
    assert default_data_dir() == Path(berlin.__file__).resolve().parents[3] / "shared" / "data"


# Joining the two files -------------------------------------------------------


class CountingLines:
    """An iterable of lines that remembers how many were read."""

    def __init__(self, lines):
        self.lines = lines
        self.read = 0

    def __iter__(self):
        for line in self.lines:
            self.read += 1
            yield line


def jsonl_lines(records):
    return [json.dumps(record) + "\n" for record in records]


def test_lookup_reads_in_step_when_order_matches():
    lines = CountingLines(jsonl_lines([biography(number) for number in range(5)]))
    lookup = berlin.BiographyLookup(lines, [])
    assert lookup.get("stolperstein_00000")["stolperstein_id"] == "stolperstein_00000"
    assert lines.read == 1
    assert lookup.get("stolperstein_00001")["stolperstein_id"] == "stolperstein_00001"
    assert lines.read == 2


def test_lookup_falls_back_to_a_dict_when_order_differs():
    lines = CountingLines(jsonl_lines([biography(number) for number in (0, 2, 1, 3)]))
    lookup = berlin.BiographyLookup(lines, [])
    found = [lookup.get(f"stolperstein_{number:05d}") for number in range(4)]
    assert [record["stolperstein_id"] for record in found] == [f"stolperstein_{number:05d}" for number in range(4)]
    assert lookup.unused() == []


def test_rows_in_a_different_order_still_match(tmp_path):
    write_folder(
        tmp_path,
        [stone(number) for number in range(4)],
        [biography(number, fate=f"Fate {number}") for number in (3, 1, 0, 2)],
    )
    rows, problems = berlin.convert(tmp_path)
    assert [row["people"][0]["fate"] for row in rows] == [f"Fate {number}" for number in range(4)]
    assert problems == []


def test_stone_without_biography_and_biography_without_stone(tmp_path):
    write_folder(tmp_path, [stone(0), stone(1)], [biography(0), biography(7)])
    rows, problems = berlin.convert(tmp_path)
    assert len(rows) == 2
    assert rows[1]["source_url"] == "https://www.stolpersteine-berlin.de/biografie/2"
    assert rows[1]["body"] == "Hedwig Abraham, geboren 1861."
    assert rows[1]["date"] == ""
    assert problems == [
        "stolpersteine.csv: stolperstein_00001: no record in biographies.jsonl; only the CSV facts are used",
        "biographies.jsonl: stolperstein_00007: no line in stolpersteine.csv; not imported",
    ]


def test_unreadable_jsonl_line_is_reported(tmp_path):
    write_folder(tmp_path, [stone(0)], [])
    (tmp_path / "biographies.jsonl").write_text("{kaputt\n", encoding="utf-8")
    rows, problems = berlin.convert(tmp_path)
    assert len(rows) == 1
    assert problems[0] == "biographies.jsonl: line 1: unreadable JSON; skipped"


# Single rows -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("latitude", "longitude", "problem"),
    [
        ("", "", "coordinates missing (Breitengrad: —, Längengrad: —)"),
        ("52,51", "13,41", "coordinates unreadable (Breitengrad: 52,51, Längengrad: 13,41)"),
        ("0", "0", "coordinates outside Berlin (Breitengrad: 0, Längengrad: 0)"),
        ("13.4105551", "52.513028", "coordinates outside Berlin (Breitengrad: 13.4105551, Längengrad: 52.513028)"),
    ],
)
def test_unusable_coordinates_are_left_empty_and_reported(tmp_path, latitude, longitude, problem):
    row, problems = convert_one(tmp_path, {"Breitengrad": latitude, "Längengrad": longitude})
    assert (row["latitude"], row["longitude"]) == (None, None)
    assert problems == [f"stolpersteine.csv: stolperstein_00000: {problem}; left empty"]


def test_body_says_only_what_is_known(tmp_path):
    row, _ = convert_one(
        tmp_path,
        {"Geburtsjahr": "0"},
        {"geboren": None, "deportation": None, "fate": None, "verlegedatum": None},
    )
    assert row["body"] == "Hedwig Abraham."
    assert row["people"] == [{"name": "Hedwig Abraham", "birth_year": None, "fate": "", "born": "", "deported": ""}]
    assert row["themes"] == ["stolpersteine", "holocaust"]
    assert row["tags"] == ["Mitte"]
    assert (row["date"], row["date_precision"]) == ("", "")


def test_text_cut_off_after_its_preposition_is_trimmed(tmp_path):
    row, _ = convert_one(
        tmp_path, biography_overrides={"geboren": "18. November 1909 in", "deportation": "am 03. März 1943 nach"}
    )
    assert row["people"][0]["born"] == "18. November 1909"
    assert row["people"][0]["deported"] == "am 03. März 1943"
    assert row["body"].startswith("Hedwig Abraham, geboren 18. November 1909. Deportiert am 03. März 1943. Ermordet.")


def test_virtual_stone_is_marked(tmp_path):
    row, _ = convert_one(
        tmp_path, {"Virtueller-Stein": "virtuell", "Postleitzahl": "0.0"}, {"verlegeort": None, "verlegedatum": None}
    )
    assert row["tags"][-1] == "Virtueller Stein"
    assert row["body"].endswith("Ermordet.\n\nVirtueller Stein.")
    assert row["address"] == "Märkisches Ufer 20, Berlin"


def test_district_and_locality_tags(tmp_path):
    row, _ = convert_one(tmp_path, {"Bezirk": "Charlottenburg-Wilmersdorf", "Ortsteil": "Halensee"})
    assert row["tags"] == ["Charlottenburg-Wilmersdorf", "Halensee", "Ermordet", "Theresienstadt"]


@pytest.mark.parametrize(
    ("deportation", "destination"),
    [
        ("am 10. September 1942 nach Theresienstadt", "Theresienstadt"),
        ("am 29. Oktober 1941 von Berlin nach Łódź / Litzmannstadt", "Łódź / Litzmannstadt"),
        ("von Buchenwald nach Ravensbrück", "Ravensbrück"),
        ("am 02. April 1942 in das Ghetto Warschau", "Warschau"),
        ("am 03. März 1943 von Berlin in das KZ Auschwitz", "Auschwitz"),
        ('am 03. Oktober 1942 nach "Osten"', ""),
        ("nach unbekannten Deportationsort", ""),
        ("am 03. März 1943", ""),
        ("", ""),
    ],
)
def test_deportation_destination(deportation, destination):
    assert berlin.deportation_destination(deportation) == destination


@pytest.mark.parametrize(
    ("first_names", "surname", "name"),
    [
        ("Hedwig", "Abraham", "Hedwig Abraham"),
        ("Erika", "Brockdorff, von", "Erika von Brockdorff"),
        ("Hildegard\t\t\t\t", "Braun", "Hildegard Braun"),
        ("Mary", "Krotoczynski, verh. Wiesner", "Mary Krotoczynski, verh. Wiesner"),
        ("Kaufhaus Nathan Israel", "", "Kaufhaus Nathan Israel"),
    ],
)
def test_full_name(first_names, surname, name):
    assert berlin.full_name(first_names, surname) == name


def test_double_escaped_html_is_unescaped(tmp_path):
    row, _ = convert_one(
        tmp_path, biography_overrides={"deportation": "am 03. Oktober 1942 nach &amp;quot;Osten&amp;quot;"}
    )
    assert row["people"][0]["deported"] == 'am 03. Oktober 1942 nach "Osten"'


def test_a_stones_card_says_who_it_is_for_from_the_data_alone():
    from archive.sources.common import people_summary, person

    assert people_summary([person("Adolf Kahn", 1881, fate="Deportiert 1941 ermordet in Riga")]) == (
        "Adolf Kahn, Jg. 1881: Deportiert 1941 ermordet in Riga."
    )
    assert people_summary([person("Rosa Kahn", deported="1942 nach Theresienstadt")]) == (
        "Rosa Kahn: deportiert 1942 nach Theresienstadt."
    )
    family = [person(f"Kahn {number}") for number in range(5)]
    assert people_summary(family) == "Kahn 0. Kahn 1. Kahn 2. Und 2 weitere."
    assert people_summary([]) == ""
