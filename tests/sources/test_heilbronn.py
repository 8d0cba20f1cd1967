from pathlib import Path

import pytest
import yaml

from archive.sources import convert_source, heilbronn
from tests.data_files import real_data_dir

from . import assert_valid_row


@pytest.fixture(scope="module")
def real_folder() -> Path:
    return real_data_dir("heilbronn") / "stolpersteine-heilbronn"


@pytest.fixture(scope="module")
def converted(real_folder):
    return heilbronn.convert(real_folder)


def rows_by_id(rows):
    return {row["external_id"]: row for row in rows}


class EntryDumper(yaml.SafeDumper):
    """Writes None as an empty value ("- "), as the real files do."""


EntryDumper.add_representer(type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", ""))


def write_entry(
    folder: Path,
    stem: str = "musterstr-1",
    *,
    title: str = "Musterstraße 1",
    date: str = "2015-05-20 00:00:00 Z",
    names: str | None = "Adolf Kahn",
    steine: list | None = None,
    x: str | None = "49.1434651",
    y: str | None = "9.2223735",
    body: str = "Adolf Kahn war Kaufmann.",
) -> Path:
    """Write one entry shaped like the real files; x/y are written verbatim."""
    if steine is None:
        steine = [["HIER WOHNTE", "ADOLF KAHN", "", "JG. 1881", "DEPORTIERT 1941", "RIGA"]]
    header = {"title": title, "date": date, "names": names, "steine": steine}
    text = yaml.dump(header, Dumper=EntryDumper, allow_unicode=True, sort_keys=False)
    for key, value in (("x", x), ("y", y)):
        if value is not None:
            text += f"{key}: {value}\n"
    path = folder / f"{stem}.md"
    path.write_text(f"---\n{text}layout: item\n---\n\n{body}", encoding="utf-8")
    return path


def convert_one(tmp_path: Path, **entry) -> tuple[dict, list[str]]:
    write_entry(tmp_path, **entry)
    rows, problems = heilbronn.convert(tmp_path)
    assert len(rows) == 1
    return rows[0], problems


# The real files --------------------------------------------------------------


def test_every_file_becomes_one_valid_row(real_folder, converted):
    rows, _ = converted
    expected_ids = {f"heilbronn-{path.stem}" for path in real_folder.glob("*.md")}
    assert len(expected_ids) == 60
    assert [row["external_id"] for row in rows] == sorted(expected_ids)
    for row in rows:
        assert_valid_row(row)
        assert row["city"] == "Heilbronn"
        assert row["licence"] == "CC BY-SA 4.0"
        assert row["attribution"] == "Stolpersteine Heilbronn, OK Lab Heilbronn, CC BY-SA 4.0"
        assert row["source_url"] == "https://github.com/opendata-heilbronn/stolpersteine"


def test_achtungstr_21_exact_row(converted):
    rows, _ = converted
    row = rows_by_id(rows)["heilbronn-achtungstr-21"]
    assert row == {
        "external_id": "heilbronn-achtungstr-21",
        "type": "memorial_site",
        "language": "de",
        "title": "Stolpersteine Achtungstraße 21",
        "summary": (
            "Adolf Kahn, Jg. 1881: Deportiert 1941 Riga ermordet. Nannchen Kahn, Jg. 1884: Deportiert 1941 Riga "
            "ermordet. Max Kahn, Jg. 1912: Flucht 1933 Palästina. Und 2 weitere."
        ),
        "body": (
            "Adolf Kahn, Jahrgang 1881. Deportiert 1941 Riga ermordet.\n\n"
            "Nannchen Kahn, Jahrgang 1884. Deportiert 1941 Riga ermordet.\n\n"
            "Max Kahn, Jahrgang 1912. Flucht 1933 Palästina.\n\n"
            "Else Kahn, Jahrgang 1913. Flucht 1936 Palästina.\n\n"
            "Albert Kahn, Jahrgang 1917. Flucht Südafrika."
        ),
        "date": "2024-03-02",
        "date_precision": "day",
        "city": "Heilbronn",
        "themes": ["stolpersteine", "holocaust", "deportation", "emigration"],
        "tags": ["Riga", "Ermordet", "Flucht"],
        "latitude": None,
        "longitude": None,
        "source_url": "https://github.com/opendata-heilbronn/stolpersteine",
        "licence": "CC BY-SA 4.0",
        "attribution": "Stolpersteine Heilbronn, OK Lab Heilbronn, CC BY-SA 4.0",
        "translation_of": "",
        "kind": "stolperstein",
        "address": "Achtungstraße 21, Heilbronn",
        "inscription": (
            "HIER WOHNTE\nADOLF KAHN\nJG. 1881\nDEPORTIERT 1941\nRIGA\nERMORDET\n\n"
            "HIER WOHNTE\nNANNCHEN KAHN\nJG. 1884\nDEPORTIERT 1941\nRIGA\nERMORDET\n\n"
            "HIER WOHNTE\nMAX KAHN\nJG. 1912\nFLUCHT 1933\nPALÄSTINA\n\n"
            "HIER WOHNTE\nELSE KAHN\nJG. 1913\nFLUCHT 1936\nPALÄSTINA\n\n"
            "HIER WOHNTE\nALBERT KAHN\nJG. 1917\nFLUCHT\nSÜDAFRIKA"
        ),
        "people": [
            {
                "name": "Adolf Kahn",
                "birth_year": 1881,
                "fate": "Deportiert 1941 Riga ermordet",
                "born": "",
                "deported": "1941 nach Riga",
            },
            {
                "name": "Nannchen Kahn",
                "birth_year": 1884,
                "fate": "Deportiert 1941 Riga ermordet",
                "born": "",
                "deported": "1941 nach Riga",
            },
            {
                "name": "Max Kahn",
                "birth_year": 1912,
                "fate": "Flucht 1933 Palästina",
                "born": "",
                "deported": "",
            },
            {
                "name": "Else Kahn",
                "birth_year": 1913,
                "fate": "Flucht 1936 Palästina",
                "born": "",
                "deported": "",
            },
            {
                "name": "Albert Kahn",
                "birth_year": 1917,
                "fate": "Flucht Südafrika",
                "born": "",
                "deported": "",
            },
        ],
    }


def test_cut_off_coordinates_are_reported_and_left_empty(converted):
    rows, problems = converted
    assert "achtungstr-21.md: coordinates cut off (x: 49., y: 9.); left empty" in problems
    unplaced = sorted(row["external_id"] for row in rows if row["latitude"] is None)
    assert unplaced == ["heilbronn-achtungstr-21"]
    coordinate_problems = [problem for problem in problems if "coordinates" in problem]
    assert len(coordinate_problems) == 1


def test_placed_rows_lie_in_heilbronn(converted):
    rows, _ = converted
    for row in rows:
        if row["latitude"] is not None:
            assert 49.05 <= row["latitude"] <= 49.25, row["external_id"]
            assert 9.05 <= row["longitude"] <= 9.35, row["external_id"]


def test_biography_markdown_becomes_plain_paragraphs(converted):
    rows, _ = converted
    body = rows_by_id(rows)["heilbronn-rollwagstr-16"]["body"]
    paragraphs = body.split("\n\n")
    assert paragraphs[0].startswith("Sofie Reis führte bis zur „Arisierung“")
    assert len(paragraphs) == 12
    assert "](" not in body and "[" not in body
    assert paragraphs[-1].endswith(
        "Jahren.\nhttps://stadtarchiv.heilbronn.de/stadtgeschichte/geschichte-a-z/r/reis-sofie.html"
    )


def test_list_in_biography_keeps_one_line_per_item(converted):
    rows, _ = converted
    body = rows_by_id(rows)["heilbronn-waldweg-im-koepfertal"]["body"]
    items = [line for line in body.splitlines() if line.startswith("- ")]
    assert len(items) == 24
    assert items[0] == "- Marc Louis Jules Bernard, geboren am 27. Juni 1921 in Albertville (Savoyen)"


def test_stone_details_from_real_files(converted):
    rows, _ = converted
    by_id = rows_by_id(rows)
    reis = by_id["heilbronn-rollwagstr-16"]["people"][0]
    assert reis == {
        "name": "Sofie Reis geb. Kahn",
        "birth_year": 1876,
        "fate": "Deportiert 1942 Theresienstadt ermordet in Treblinka",
        "born": "",
        "deported": "1942 nach Theresienstadt",
    }
    # The header spells "Strauß"; the upper-case stone can only write STRAUSS.
    strauss = by_id["heilbronn-sontheim-deinenbachstr-5"]["people"][0]
    assert strauss["name"] == "Gitta Strauß geb. Hermann"
    heilbronner = [entry["name"] for entry in by_id["heilbronn-schillerstr-48"]["people"]]
    assert heilbronner[3:] == ["Luise Heilbronner (Luise Bronner)", "Lotte Heilbronner verh. Reches"]


def test_stones_without_names_are_reported(converted):
    rows, problems = converted
    by_id = rows_by_id(rows)
    assert by_id["heilbronn-erlenbacher-str-18"]["people"] == []
    assert by_id["heilbronn-waldweg-im-koepfertal"]["people"] == []
    unnamed = [problem for problem in problems if "no person's name" in problem]
    assert [problem.split(":")[0] for problem in unnamed] == [
        *["erlenbacher-str-18.md"] * 4,
        "waldweg-im-koepfertal.md",
    ]


def test_registry_converts_heilbronn(real_folder, converted):
    rows, problems = convert_source("heilbronn", real_folder.parent)
    assert (rows, problems) == converted


# Coordinates -----------------------------------------------------------------


def test_good_coordinates_become_floats(tmp_path):
    row, problems = convert_one(tmp_path, x="49.1434651", y="9.2223735")
    assert (row["latitude"], row["longitude"]) == (49.1434651, 9.2223735)
    assert problems == []


@pytest.mark.parametrize(
    ("x", "y", "problem"),
    [
        ("49.", "9.", "coordinates cut off (x: 49., y: 9.)"),
        ("49.14", "9.2223735", "coordinates cut off (x: 49.14, y: 9.2223735)"),
        ("48.1434651", "9.2223735", "coordinates outside Heilbronn (x: 48.1434651, y: 9.2223735)"),
        ("9.2223735", "49.1434651", "coordinates outside Heilbronn (x: 9.2223735, y: 49.1434651)"),
        (None, "9.2223735", "coordinates missing (x: —, y: 9.2223735)"),
        ("nord", "9.2223735", "coordinates unreadable (x: nord, y: 9.2223735)"),
    ],
)
def test_unusable_coordinates_are_left_empty_and_reported(tmp_path, x, y, problem):
    row, problems = convert_one(tmp_path, x=x, y=y)
    assert (row["latitude"], row["longitude"]) == (None, None)
    assert problems == [f"musterstr-1.md: {problem}; left empty"]


# Stones ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "names", "expected_name", "expected_year"),
    [
        (["HIER WOHNTE", "ADOLF KAHN", "JG. 1881"], "", "Adolf Kahn", 1881),
        (["HIER WOHNTE", "ADOLF KAHN", "GEB. 1881"], "", "Adolf Kahn", 1881),
        (["HIER WOHNTE", "ADOLF KAHN", "JG.1882"], "", "Adolf Kahn", 1882),
        (["HIER WOHNTE", "SOFIE REIS", "GEB. KAHN", "JG. 1876"], "", "Sofie Reis geb. Kahn", 1876),
        (["HIER WOHNTE", "HERMANN", "GRÜNEBAUM", "JG. 1856"], "", "Hermann Grünebaum", 1856),
        (["HIER WOHNTE", "EUGENIE LUISE", "ROSENTHAL", "JG. 1905"], "", "Eugenie Luise Rosenthal", 1905),
        (["HIER WOHNTE", "DR. SIEGFRIED", "GUMBEL", "JG. 1874"], "", "Dr. Siegfried Gumbel", 1874),
        (
            ["HIER WIRKTE", "ARON ELIASCHOW", "GEN. ADOLF ELSNER", "JG. 1876"],
            "",
            "Aron Eliaschow gen. Adolf Elsner",
            1876,
        ),
        (
            ["HIER WOHNTE UND", "PRAKTIZIERTE", "DR. LUDWIG ESSINGER", "JG. 1881"],
            "",
            "Dr. Ludwig Essinger",
            1881,
        ),
        (["HIER WOHNTE", "EMIL STRAUSS", "JG. 1883"], "Emil Strauß", "Emil Strauß", 1883),
        (["HIER WOHNTE", "Max Victor"], "Max, Trude Victor", "Max Victor", None),
    ],
)
def test_stone_names_and_birth_years(lines, names, expected_name, expected_year):
    stone = heilbronn.parse_stone(lines, names)
    assert stone.person["name"] == expected_name
    assert stone.person["birth_year"] == expected_year


@pytest.mark.parametrize(
    "lines",
    [
        ["HIER WOHNTE"],
        ["HIER WAR", "HINRICHTUNGSORT", "SCHIESSTAND KÖPFERTAL"],
        [],
    ],
)
def test_stones_without_a_person(lines):
    assert heilbronn.parse_stone(lines, "24 französische Widerstandskämpfer").person is None


@pytest.mark.parametrize(
    ("fate_lines", "fate", "deported", "tags"),
    [
        (
            ["DEPORTIERT 1941", "RIGA", "ERMORDET"],
            "Deportiert 1941 Riga ermordet",
            "1941 nach Riga",
            ["Riga", "Ermordet"],
        ),
        (["DEPORTIERT 1941", "ERMORDET IN", "RIGA"], "Deportiert 1941 ermordet in Riga", "1941", ["Riga", "Ermordet"]),
        (["DEPORTIERT", "BERGEN-BELSEN"], "Deportiert Bergen-Belsen", "nach Bergen-Belsen", ["Bergen-Belsen"]),
        (["FLUCHT 1939", "USA"], "Flucht 1939 USA", "", ["Flucht"]),
        (["FLUCHT IN DEN TOD", "5.4.1942"], "Flucht in den Tod 5.4.1942", "", ["Flucht in den Tod"]),
        (["„VERLEGT“ 8.5.1940", "GRAFENECK"], "„Verlegt“ 8.5.1940 Grafeneck", "", []),
    ],
)
def test_stone_fates(fate_lines, fate, deported, tags):
    stone = heilbronn.parse_stone(["HIER WOHNTE", "ADOLF KAHN", "JG. 1881", *fate_lines])
    assert stone.person["fate"] == fate
    assert stone.person["deported"] == deported
    assert stone.tags == tags


def test_flight_means_emigration_but_flight_into_death_does_not(tmp_path):
    fled, _ = convert_one(tmp_path, stem="a", steine=[["HIER WOHNTE", "ADOLF KAHN", "JG. 1881", "FLUCHT 1939", "USA"]])
    (tmp_path / "a.md").unlink()
    died, _ = convert_one(
        tmp_path,
        stem="b",
        steine=[["HIER WOHNTE", "ADOLF KAHN", "JG. 1881", "FLUCHT IN DEN TOD", "5.4.1942"]],
    )
    assert fled["themes"] == ["stolpersteine", "holocaust", "emigration"]
    assert died["themes"] == ["stolpersteine", "holocaust"]


def test_inscription_drops_empty_lines_and_separates_stones(tmp_path):
    row, _ = convert_one(
        tmp_path,
        names="Adolf und Max Kahn",
        steine=[
            ["HIER WOHNTE", "ADOLF KAHN", None, "JG. 1881", ""],
            ["HIER WOHNTE", "MAX&ensp;KAHN", " ", "JG. 1912"],
        ],
    )
    assert row["inscription"] == "HIER WOHNTE\nADOLF KAHN\nJG. 1881\n\nHIER WOHNTE\nMAX KAHN\nJG. 1912"
    assert row["title"] == "Stolpersteine Musterstraße 1"
    assert [entry["name"] for entry in row["people"]] == ["Adolf Kahn", "Max Kahn"]


def test_single_stone_title_and_address_with_district(tmp_path):
    row, _ = convert_one(tmp_path, title="Heilbronn-Böckingen, Teichstraße 8")
    assert row["title"] == "Stolperstein Heilbronn-Böckingen, Teichstraße 8"
    assert row["address"] == "Heilbronn-Böckingen, Teichstraße 8"


def test_empty_biography_gives_body_from_stones_and_a_problem(tmp_path):
    row, problems = convert_one(tmp_path, body="\n")
    assert row["body"] == "Adolf Kahn, Jahrgang 1881. Deportiert 1941 Riga."
    assert problems == ["musterstr-1.md: no biography; body built from the stone inscriptions"]


def test_unreadable_date_is_reported(tmp_path):
    row, problems = convert_one(tmp_path, date="im Frühjahr")
    assert (row["date"], row["date_precision"]) == ("", "")
    assert problems == ["musterstr-1.md: date: unreadable date 'im Frühjahr'; left empty"]


def test_file_without_header_is_skipped_and_reported(tmp_path):
    (tmp_path / "kaputt.md").write_text("Nur Text.", encoding="utf-8")
    rows, problems = heilbronn.convert(tmp_path)
    assert rows == []
    assert problems == ["kaputt.md: no YAML header; skipped"]


def test_missing_folder_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        heilbronn.convert(tmp_path / "fehlt")


# Markdown --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Erste Zeile\nzweite Zeile.\n\nNeuer Absatz.", "Erste Zeile zweite Zeile.\n\nNeuer Absatz."),
        ("Ein **fettes** und *kursives* _Wort_.", "Ein fettes und kursives Wort."),
        ("## Familie Kahn\nText.", "Familie Kahn\n\nText."),
        ("[Stadtarchiv](https://example.org/a_b)", "Stadtarchiv (https://example.org/a_b)"),
        ("[https://example.org](https://example.org)", "https://example.org"),
        ("Text.\n[https://example.org](https://example.org)", "Text.\nhttps://example.org"),
        ("- eins  \n- zwei\n* drei", "- eins\n- zwei\n- drei"),
        ("Zeile mit Umbruch  \nnächste Zeile", "Zeile mit Umbruch\nnächste Zeile"),
        ("Dreyfuss &amp; Söhne, snake_case_name", "Dreyfuss & Söhne, snake_case_name"),
        ("\n\n", ""),
    ],
)
def test_markdown_to_text(markdown, text):
    assert heilbronn.markdown_to_text(markdown) == text
