"""Stolpersteine Berlin (Koordinierungsstelle Stolpersteine Berlin).

``stolpersteine.csv`` has one line per stone (name, birth year, address,
coordinates, district); ``biographies.jsonl`` has the structured facts for the
same stones (laying date, birth, deportation, fate, link). They are joined by
``stolperstein_id``; each stone becomes one memorial-site row with one person.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .common import (
    THEMES_BASE,
    clean_text,
    memorial_site_row,
    parse_german_date,
    person,
    unique,
)

CITY = "Berlin"
LICENCE = "CC BY"
ATTRIBUTION = "Koordinierungsstelle Stolpersteine Berlin, stolpersteine-berlin.de"
CSV_NAME = "stolpersteine.csv"
JSONL_NAME = "biographies.jsonl"

# A box around the city; a point outside it is a data error.
LATITUDE_RANGE = (52.3, 52.7)
LONGITUDE_RANGE = (13.05, 13.8)
# Deportations of Berlin's Jews happened between these years; a year outside
# them in the deportation text is a typo in the source (e.g. "1043", "2014").
DEPORTATION_YEARS = range(1933, 1946)
# Everyone remembered by a Stolperstein was born before the end of the war.
LATEST_BIRTH_YEAR = 1945

# "nach Theresienstadt", "von Berlin nach Riga": the last "nach" names the place.
_DESTINATION_NACH = re.compile(r".*\bnach\s+(.+)")
# "in das Ghetto Warschau", "in das KZ Theresienstadt": the place follows the kind of camp.
_DESTINATION_IN_DAS = re.compile(
    r".*\bin das\s+(?:Ghetto|Ghettto|KZ|Kz|KZ-Sammellager|Konzentrationslager"
    r"|Vernichtungslager|Sammellager|Lager|Arbeitserziehungslager)\s+(.+)"
)
_YEAR = re.compile(r"\b\d{4}\b")
# Nachname written as "Brockdorff, von": the particle belongs in front.
_TRAILING_PARTICLE = re.compile(r"(.+?),\s*(von|van|de|zu|von der|van der|von und zu)")
# Text cut off after its preposition: "18. November 1909 in", "am 03. März 1943 nach".
_DANGLING_WORDS = {"in", "nach"}


def iter_rows(folder: str | Path, problems: list[str] | None = None, limit: int | None = None) -> Iterator[dict]:
    """Yield one import row per stone while reading the CSV.

    Problems in the data are appended to ``problems`` as "file: id: message".
    ``limit`` stops after that many CSV lines (for quick trial imports).
    """
    folder = Path(folder)
    problems = problems if problems is not None else []
    with (
        open(folder / CSV_NAME, encoding="utf-8-sig", newline="") as csv_file,
        open(folder / JSONL_NAME, encoding="utf-8") as jsonl_file,
    ):
        facts = BiographyLookup(jsonl_file, problems)
        for number, record in enumerate(csv.DictReader(csv_file)):
            if limit is not None and number >= limit:
                return
            stolperstein_id = clean_text(record.get("stolperstein_id"))
            if not stolperstein_id:
                problems.append(f"{CSV_NAME}: line {number + 2}: stolperstein_id missing; skipped")
                continue
            yield convert_record(record, facts.get(stolperstein_id), problems)
        for stolperstein_id in facts.unused():
            problems.append(f"{JSONL_NAME}: {stolperstein_id}: no line in {CSV_NAME}; not imported")


def convert(folder: str | Path, limit: int | None = None) -> tuple[list[dict], list[str]]:
    """Convert both files; return ``(rows, problems)``."""
    problems: list[str] = []
    rows = list(iter_rows(folder, problems, limit))
    return rows, problems


class BiographyLookup:
    """Finds the biography record for each CSV line, without reading ahead.

    Both files are written in the same order, so records are read in step
    with the CSV. The first time the order disagrees, the rest of the file is
    loaded into a dict and looked up by id from then on.
    """

    def __init__(self, lines: Iterable[str], problems: list[str]):
        self._lines = enumerate(lines, start=1)
        self._problems = problems
        self._by_id: dict[str, dict] | None = None

    def get(self, stolperstein_id: str) -> dict | None:
        if self._by_id is None:
            record = self._next_record()
            if record is None or record.get("stolperstein_id") == stolperstein_id:
                return record
            self._by_id = {record.get("stolperstein_id"): record}
            while (record := self._next_record()) is not None:
                self._by_id[record.get("stolperstein_id")] = record
        return self._by_id.pop(stolperstein_id, None)

    def unused(self) -> list[str]:
        """Ids of records never asked for (reads the rest of the file)."""
        remaining = list(self._by_id or {})
        while (record := self._next_record()) is not None:
            remaining.append(record.get("stolperstein_id"))
        return remaining

    def _next_record(self) -> dict | None:
        for line_number, line in self._lines:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                self._problems.append(f"{JSONL_NAME}: line {line_number}: unreadable JSON; skipped")
                continue
            if not isinstance(record, dict):
                self._problems.append(f"{JSONL_NAME}: line {line_number}: not an object; skipped")
                continue
            return record
        return None


def convert_record(record: dict, facts: dict | None, problems: list[str]) -> dict:
    """Build the row for one CSV line and its biography record (or None)."""
    stolperstein_id = clean_text(record.get("stolperstein_id"))

    def report(file_name: str, message: str) -> None:
        problems.append(f"{file_name}: {stolperstein_id}: {message}")

    if facts is None:
        report(CSV_NAME, f"no record in {JSONL_NAME}; only the CSV facts are used")
        facts = {}

    name = full_name(record.get("Vorname"), record.get("Nachname"))
    if not clean_text(record.get("Nachname")):
        report(CSV_NAME, f"Nachname missing (name: {name!r})")
    birth_year = _birth_year(record.get("Geburtsjahr"))
    if birth_year is not None and birth_year > LATEST_BIRTH_YEAR:
        report(CSV_NAME, f"Geburtsjahr: implausible year {birth_year}; kept as written")
    born = _without_dangling_word(clean_text(facts.get("geboren")))
    deported = _without_dangling_word(clean_text(facts.get("deportation")))
    fate = clean_text(facts.get("fate"))
    if any(int(year) not in DEPORTATION_YEARS for year in _YEAR.findall(deported)):
        report(JSONL_NAME, f"deportation: implausible year in {deported!r}; kept as written")

    laying_text = clean_text(facts.get("verlegedatum"))
    try:
        date, precision = parse_german_date(laying_text)
    except ValueError:
        report(JSONL_NAME, f"verlegedatum: unreadable {laying_text!r}; left empty")
        date, precision, laying_text = "", "", ""

    latitude, longitude = _coordinates(record, report)
    is_virtual = clean_text(record.get("Virtueller-Stein")).casefold() == "virtuell"
    street = clean_text(facts.get("verlegeort")) or clean_text(record.get("Straße + Hausnummer"))
    if not street:
        report(CSV_NAME, "Straße + Hausnummer missing; address is the city only")

    themes = list(THEMES_BASE)
    if deported:
        themes.append("deportation")
    tags = unique(
        [
            clean_text(record.get("Bezirk")),
            clean_text(record.get("Ortsteil")),
            fate,
            deportation_destination(deported),
            "Virtueller Stein" if is_virtual else "",
        ]
    )
    return memorial_site_row(
        external_id=f"berlin-{stolperstein_id}",
        title=f"Stolperstein für {name}" if name else f"Stolperstein {street}".strip(),
        body=_body(name, birth_year, born, deported, fate, laying_text, is_virtual),
        date=date,
        date_precision=precision,
        city=CITY,
        themes=themes,
        tags=tags,
        latitude=latitude,
        longitude=longitude,
        source_url=clean_text(facts.get("source_url")) or clean_text(record.get("Url zu Biografie")),
        licence=LICENCE,
        attribution=ATTRIBUTION,
        address=_address(street, record.get("Postleitzahl")),
        inscription="",  # the data has no inscription text; nothing is made up
        people=[person(name, birth_year, fate=fate, born=born, deported=deported)],
    )


def full_name(first_names: str | None, surname: str | None) -> str:
    """ "Erika" + "Brockdorff, von" -> "Erika von Brockdorff"."""
    surname = clean_text(surname)
    if match := _TRAILING_PARTICLE.fullmatch(surname):
        surname = f"{match.group(2)} {match.group(1)}"
    return " ".join(part for part in (clean_text(first_names), surname) if part)


def deportation_destination(deportation: str) -> str:
    """The place a deportation text names, or "" ("am 10. September 1942 nach
    Theresienstadt" -> "Theresienstadt"). Only capitalised places count, so
    "nach unbekannten Deportationsort" and quoted '"Osten"' give no tag.
    """
    match = _DESTINATION_NACH.fullmatch(deportation) or _DESTINATION_IN_DAS.fullmatch(deportation)
    if not match:
        return ""
    place = match.group(1).strip()
    return place if place[:1].isupper() else ""


def _birth_year(value: str | None) -> int | None:
    value = clean_text(value)
    # The CSV writes an unknown year as 0.
    if value.isdigit() and int(value) > 0:
        return int(value)
    return None


def _without_dangling_word(text: str) -> str:
    words = text.split()
    if words and words[-1] in _DANGLING_WORDS:
        words.pop()
    return " ".join(words)


def _coordinates(record: dict, report) -> tuple[float | None, float | None]:
    raw_latitude = clean_text(record.get("Breitengrad"))
    raw_longitude = clean_text(record.get("Längengrad"))
    shown = f"(Breitengrad: {raw_latitude or '—'}, Längengrad: {raw_longitude or '—'})"
    if not raw_latitude or not raw_longitude:
        report(CSV_NAME, f"coordinates missing {shown}; left empty")
        return None, None
    try:
        latitude, longitude = float(raw_latitude), float(raw_longitude)
    except ValueError:
        report(CSV_NAME, f"coordinates unreadable {shown}; left empty")
        return None, None
    if not (
        LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1] and LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]
    ):
        report(CSV_NAME, f"coordinates outside Berlin {shown}; left empty")
        return None, None
    return latitude, longitude


def _address(street: str, postcode: str | None) -> str:
    # Pandas wrote the postcode as a float ("10179.0") and unknown ones as 0.0.
    postcode = clean_text(postcode).removesuffix(".0")
    city = f"{postcode} {CITY}" if re.fullmatch(r"1\d{4}", postcode) else CITY
    return f"{street}, {city}" if street else city


def _body(
    name: str,
    birth_year: int | None,
    born: str,
    deported: str,
    fate: str,
    laying_text: str,
    is_virtual: bool,
) -> str:
    """A short German text from the known facts only."""
    first = name or "Unbekannt"
    if born:
        first += f", geboren {born}"
    elif birth_year:
        first += f", geboren {birth_year}"
    sentences = [f"{first}."]
    if deported:
        sentences.append(f"Deportiert {deported}.")
    if fate:
        sentences.append(f"{fate}.")
    about_stone = []
    if is_virtual:
        about_stone.append("Virtueller Stein.")
    if laying_text:
        about_stone.append(f"Verlegt: {laying_text}.")
    return "\n\n".join(filter(None, [" ".join(sentences), " ".join(about_stone)]))
