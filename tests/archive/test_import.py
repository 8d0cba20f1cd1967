import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from archive.importing import ALL_FIELDS, export_rows, import_entries, write_export
from archive.models import EntryPage, InitiativePage, MemorialSitePage, TestimonyPage

pytestmark = pytest.mark.django_db


def row(**overrides):
    base = {
        "external_id": "hn-1",
        "type": "memorial_site",
        "language": "de",
        "title": "Stolpersteine Achtungstraße 21",
        "body": "Adolf Kahn wurde 1881 geboren.\n\nEr wurde 1941 nach Riga deportiert & ermordet.",
        "date": "2024-03-02",
        "date_precision": "day",
        "city": "heilbronn",
        "themes": ["stolpersteine", "deportation"],
        "tags": ["Riga", "Ermordet"],
        "latitude": 49.1427,
        "longitude": 9.2109,
        "source_url": "https://github.com/opendata-heilbronn/stolpersteine",
        "licence": "CC BY-SA 4.0",
        "attribution": "Stolpersteine Heilbronn, OK Lab Heilbronn, CC BY-SA 4.0",
        "translation_of": "",
        "kind": "stolperstein",
        "address": "Achtungstraße 21, Heilbronn",
        "inscription": "HIER WOHNTE\nADOLF KAHN\nJG. 1881",
        "people": [{"name": "Adolf Kahn", "birth_year": 1881, "fate": "Ermordet"}],
    }
    base.update(overrides)
    return base


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in rows), encoding="utf-8")
    return path


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_export(rows, handle, "csv")
    return path


def valid_rows():
    return [
        row(),
        row(
            external_id="hn-1-ru",
            language="ru",
            title="Камни преткновения, Ахтунгштрассе 21",
            body="Адольф Кан родился в 1881 году.",
            translation_of="hn-1",
            tags=["Рига"],
            people=[],
        ),
        {
            "external_id": "kaluga-2021",
            "type": "initiative",
            "language": "de",
            "title": "Städtepartnerkonferenz Kaluga",
            "body": "Arbeitsgruppe Erinnerungskultur.",
            "date": "2021-06",
            "date_precision": "month",
            "city": "kaluga",
            "partner_cities": ["kaluga", "suhl"],
            "licence": "CC BY-SA 4.0",
        },
        {
            "external_id": "testimony-1",
            "type": "testimony",
            "language": "ru",
            "title": "Воспоминания",
            "transcript": "Мне было одиннадцать лет.",
            "date": "1940",
            "date_precision": "decade",
            "witness_name": "Анна П.",
            "consent": "public",
            "consent_given_by": "Анна П.",
            "consent_date": "2019-05-08",
            "licence": "CC BY 4.0",
        },
    ]


def test_valid_file_imports_every_entry_type(tmp_path, vocabulary):
    report = import_entries(write_jsonl(tmp_path / "entries.jsonl", valid_rows()))
    assert report.problems == []
    assert (report.created, report.updated) == (4, 0)
    site = MemorialSitePage.objects.get(external_id="hn-1")
    assert site.live
    assert site.url == "/de/archiv/heilbronn/hn-1/"
    assert site.body_text == row()["body"]
    assert sorted(site.themes.values_list("slug", flat=True)) == ["deportation", "stolpersteine"]
    assert sorted(site.tags.names()) == ["Ermordet", "Riga"]
    assert [person.name for person in site.people.all()] == ["Adolf Kahn"]
    translation = MemorialSitePage.objects.get(external_id="hn-1-ru")
    assert translation.translation_key == site.translation_key
    assert translation.url == "/ru/arkhiv/heilbronn/hn-1-ru/"
    assert translation.get_parent().translation_key == site.get_parent().translation_key
    initiative = InitiativePage.objects.get(external_id="kaluga-2021")
    assert initiative.display_date == "Juni 2021"
    assert sorted(initiative.partner_cities.values_list("slug", flat=True)) == ["kaluga", "suhl"]
    assert TestimonyPage.objects.get(external_id="testimony-1").has_consent


def test_csv_import_reads_lists_and_people(tmp_path, vocabulary):
    report = import_entries(write_csv(tmp_path / "entries.csv", [row()]))
    assert report.problems == []
    site = MemorialSitePage.objects.get(external_id="hn-1")
    assert sorted(site.tags.names()) == ["Ermordet", "Riga"]
    assert site.people.get().birth_year == 1881


BAD_ROWS = [
    (row(external_id=""), "external_id", "required"),
    (row(type="poem"), "type", "is not one of"),
    (row(language="en"), "language", "is not one of de, ru"),
    (row(title=""), "title", "required"),
    (row(date="März 1943"), "date", "is not a day date"),
    (row(date="1943", date_precision="sometime"), "date_precision", "is not one of"),
    (row(date="1943-03-01", date_precision=""), "date_precision", "required"),
    (row(city="Atlantis"), "city", "unknown city"),
    (row(themes=["unicorns"]), "themes", "no theme"),
    (row(latitude=95), "latitude", "outside"),
    (row(longitude=""), "longitude", "give both"),
    (row(latitude="49,1"), "latitude", "is not a number"),
    (row(source_url="javascript:alert(1)"), "source_url", "is not an http(s) URL"),
    (row(licence="WTFPL"), "licence", "is not one of"),
    (row(licence=""), "licence", "required"),
    (row(translation_of="missing"), "translation_of", "no entry"),
    (row(people=[{"birth_year": 1881}]), "people", "needs a name"),
    (row(kind="statue"), "kind", "is not one of"),
    (row(colour="red"), "colour", "unknown field"),
    (row(witness_name="X"), "witness_name", "not a field of a memorial_site entry"),
]


@pytest.mark.parametrize(("bad", "field", "message"), BAD_ROWS, ids=[case[1] for case in BAD_ROWS])
def test_each_kind_of_bad_row_is_reported_by_number_and_field_and_nothing_is_written(
    tmp_path, vocabulary, bad, field, message
):
    good = row(external_id="good-1")
    report = import_entries(write_jsonl(tmp_path / "entries.jsonl", [good, bad]))
    assert [(problem.row, problem.field) for problem in report.problems] == [(2, field)]
    assert message in report.problems[0].message
    assert EntryPage.objects.count() == 0


def test_file_level_problems(tmp_path, vocabulary):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"external_id": "x"\n[1, 2]\n', encoding="utf-8")
    report = import_entries(path)
    assert [(problem.row, problem.field) for problem in report.problems] == [(1, "row"), (2, "row")]
    duplicate = import_entries(write_jsonl(tmp_path / "dup.jsonl", [row(), row()]))
    assert [(problem.row, problem.field) for problem in duplicate.problems] == [(2, "external_id")]
    testimony = import_entries(write_jsonl(tmp_path / "t.jsonl", [valid_rows()[3] | {"consent_date": ""}]))
    assert [(problem.row, problem.field) for problem in testimony.problems] == [(1, "consent")]


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(tmp_path, vocabulary):
    path = write_jsonl(tmp_path / "entries.jsonl", [row(), row(external_id="bad", city="Atlantis")])
    report = import_entries(path, skip_invalid=True)
    assert report.created == 1
    assert report.invalid_rows == [2]
    assert list(EntryPage.objects.values_list("external_id", flat=True)) == ["hn-1"]


def test_reimport_updates_instead_of_duplicating(tmp_path, vocabulary):
    path = write_jsonl(tmp_path / "entries.jsonl", valid_rows())
    import_entries(path)
    changed = valid_rows()
    changed[0] = row(title="Stolpersteine Achtungstraße 21 (korrigiert)", tags=["Riga"], city="berlin")
    report = import_entries(write_jsonl(tmp_path / "changed.jsonl", changed))
    assert (report.created, report.updated) == (0, 4)
    assert EntryPage.objects.count() == 4
    site = MemorialSitePage.objects.get(external_id="hn-1")
    assert site.title == "Stolpersteine Achtungstraße 21 (korrigiert)"
    assert list(site.tags.names()) == ["Riga"]
    assert site.url == "/de/archiv/berlin/hn-1/"  # moved to its new city's section
    assert site.people.count() == 1


def test_dry_run_checks_everything_and_writes_nothing(tmp_path, vocabulary):
    report = import_entries(write_jsonl(tmp_path / "entries.jsonl", valid_rows()), dry_run=True)
    assert report.valid == 4
    assert report.problems == []
    assert EntryPage.objects.count() == 0


def test_command_reports_rows_and_fails_without_writing(tmp_path, vocabulary, capsys):
    path = write_jsonl(tmp_path / "entries.jsonl", [row(), row(external_id="x2", language="fr")])
    with pytest.raises(CommandError, match="1 invalid row"):
        call_command("import_entries", str(path), verbosity=0)
    assert "row 2, language" in capsys.readouterr().err
    assert EntryPage.objects.count() == 0
    call_command("import_entries", str(path), "--skip-invalid", verbosity=0)
    assert EntryPage.objects.count() == 1


@pytest.mark.parametrize("file_format", ["jsonl", "csv"])
def test_export_round_trip_loses_nothing(tmp_path, vocabulary, file_format):
    import_entries(write_jsonl(tmp_path / "entries.jsonl", valid_rows()))
    first = list(export_rows())
    path = tmp_path / f"export.{file_format}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_export(first, handle, file_format)
    EntryPage.objects.all().delete()
    report = import_entries(path)
    assert report.problems == []
    assert report.created == 4
    assert list(export_rows()) == first
    assert first[0]["body"] == row()["body"]


def test_export_command_writes_csv_with_every_field(tmp_path, vocabulary):
    import_entries(write_jsonl(tmp_path / "entries.jsonl", valid_rows()))
    output = tmp_path / "out.csv"
    call_command("export_entries", "--output", str(output), verbosity=0)
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert len(rows) == 4
    assert list(rows[0]) == ALL_FIELDS


def test_testimonies_without_consent_are_imported_as_drafts_and_never_served(tmp_path, vocabulary, client):
    unconsented = valid_rows()[3] | {"consent": "", "consent_given_by": "", "consent_date": ""}
    for bulk in (True, False):
        EntryPage.objects.all().delete()
        report = import_entries(write_jsonl(tmp_path / "t.jsonl", [unconsented]), bulk=bulk)
        assert report.created == 1
        testimony = TestimonyPage.objects.get(external_id="testimony-1")
        assert not testimony.live
    import_entries(write_jsonl(tmp_path / "t.jsonl", [valid_rows()[3]]))  # consent recorded: still a draft
    TestimonyPage.objects.filter(external_id="testimony-1").update(live=True)
    assert client.get(TestimonyPage.objects.get(external_id="testimony-1").url).status_code == 200
    import_entries(write_jsonl(tmp_path / "t.jsonl", [unconsented]))  # consent withdrawn in the file
    testimony = TestimonyPage.objects.get(external_id="testimony-1")
    assert not testimony.live
    TestimonyPage.objects.filter(pk=testimony.pk).update(live=True)  # however it got live again
    assert client.get(testimony.url).status_code == 404
