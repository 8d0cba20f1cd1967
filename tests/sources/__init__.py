"""Tests for the source converters in ``archive.sources``, which import nothing of Django."""

import re

ROW_TYPES = {
    "external_id": str,
    "type": str,
    "language": str,
    "title": str,
    "summary": str,
    "body": str,
    "date": str,
    "date_precision": str,
    "city": str,
    "themes": list,
    "tags": list,
    "latitude": (float, type(None)),
    "longitude": (float, type(None)),
    "source_url": str,
    "licence": str,
    "attribution": str,
    "translation_of": str,
    "kind": str,
    "address": str,
    "inscription": str,
    "people": list,
}
PERSON_TYPES = {
    "name": str,
    "birth_year": (int, type(None)),
    "fate": str,
    "born": str,
    "deported": str,
}
THEME_SLUGS = {"stolpersteine", "holocaust", "deportation", "emigration"}
DATE_FORMS = {
    "day": r"\d{4}-\d{2}-\d{2}",
    "month": r"\d{4}-\d{2}",
    "year": r"\d{4}",
    "": "",
}


def assert_valid_row(row: dict) -> None:
    """Check one row against the import format (keys, types, fixed values)."""
    label = row.get("external_id")
    assert set(row) == set(ROW_TYPES), label
    for key, expected in ROW_TYPES.items():
        assert isinstance(row[key], expected), (label, key, row[key])
    for key in ("external_id", "title", "body", "city", "source_url", "licence"):
        assert row[key].strip(), (label, key)
    for key in ("attribution", "address"):
        assert row[key].strip(), (label, key)
    assert row["type"] == "memorial_site"
    assert row["language"] == "de"
    assert row["kind"] == "stolperstein"
    assert row["translation_of"] == ""
    assert row["source_url"].startswith("https://"), label
    assert re.fullmatch(DATE_FORMS[row["date_precision"]], row["date"]), label
    assert row["body"] == row["body"].strip() and "\n\n\n" not in row["body"], label
    assert {"stolpersteine", "holocaust"} <= set(row["themes"]) <= THEME_SLUGS, label
    assert len(set(row["themes"])) == len(row["themes"]), label
    assert all(isinstance(tag, str) and tag.strip() for tag in row["tags"]), label
    assert len(set(row["tags"])) == len(row["tags"]), label
    # A site is either placed on the map or not; never by one coordinate.
    assert (row["latitude"] is None) == (row["longitude"] is None), label
    for entry in row["people"]:
        assert set(entry) == set(PERSON_TYPES), label
        for key, expected in PERSON_TYPES.items():
            assert isinstance(entry[key], expected), (label, key, entry[key])
        assert entry["name"].strip(), label
        assert type(entry["birth_year"]) is not bool, label
