"""Helpers shared by the source converters: German dates, text cleaning, rows.

Nothing here knows about Django; the importer validates and stores the rows.
"""

from __future__ import annotations

import datetime
import html
import re

THEMES_BASE = ("stolpersteine", "holocaust")

GERMAN_MONTHS = {
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "märz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
}

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.\s*([A-Za-zÄÖÜäöü]+)\s+(\d{4})")
_MONTH_YEAR = re.compile(r"([A-Za-zÄÖÜäöü]+)\s+(\d{4})")
_YEAR = re.compile(r"\d{4}")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?")


def parse_german_date(text: str | None) -> tuple[str, str]:
    """Return ``(iso_prefix, precision)`` for "10. Mai 2006", "Juni 2004", "2006".

    Also accepts an ISO day with an optional time ("2024-03-02 00:00:00 Z").
    Unknown dates (None, empty) give ``("", "")``; text that looks like a date
    but cannot be read raises ``ValueError`` so the caller can report it instead
    of silently dropping it.
    """
    if text is None or not text.strip():
        return "", ""
    text = " ".join(text.split())
    if match := _ISO_DAY.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return _checked_day(year, month, day, text), "day"
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month_name, year = match.groups()
        month = _month_number(month_name, text)
        return _checked_day(int(year), month, int(day), text), "day"
    if match := _MONTH_YEAR.fullmatch(text):
        month_name, year = match.groups()
        return f"{int(year):04d}-{_month_number(month_name, text):02d}", "month"
    if _YEAR.fullmatch(text):
        return text, "year"
    raise ValueError(f"unreadable date {text!r}")


def _month_number(name: str, text: str) -> int:
    try:
        return GERMAN_MONTHS[name.casefold()]
    except KeyError:
        raise ValueError(f"unknown month in {text!r}") from None


def _checked_day(year: int, month: int, day: int, text: str) -> str:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(f"impossible date {text!r}") from None


def clean_text(value: str | None) -> str:
    """Unescape HTML entities and collapse all whitespace (tabs, &ensp;) to one space.

    Entities are unescaped twice because some source text was escaped twice
    ("&amp;quot;Osten&amp;quot;").
    """
    if not value:
        return ""
    value = html.unescape(html.unescape(value))
    return " ".join(value.split())


def unique(items) -> list:
    """Drop empty and repeated items, keeping the first occurrence's position."""
    seen = set()
    result = []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            result.append(item)
    return result


def memorial_site_row(
    *,
    external_id: str,
    title: str,
    body: str,
    date: str,
    date_precision: str,
    city: str,
    themes: list[str],
    tags: list[str],
    latitude: float | None,
    longitude: float | None,
    source_url: str,
    licence: str,
    attribution: str,
    address: str,
    inscription: str,
    people: list[dict],
) -> dict:
    """Build one import row for a Stolperstein site, filling the fixed fields."""
    return {
        "external_id": external_id,
        "type": "memorial_site",
        "language": "de",
        "title": title,
        "summary": people_summary(people),
        "body": body,
        "date": date,
        "date_precision": date_precision,
        "city": city,
        "themes": themes,
        "tags": tags,
        "latitude": latitude,
        "longitude": longitude,
        "source_url": source_url,
        "licence": licence,
        "attribution": attribution,
        "translation_of": "",
        "kind": "stolperstein",
        "address": address,
        "inscription": inscription,
        "people": people,
    }


# Past this, a card's summary names the first people and says how many more the stones name.
SUMMARY_PEOPLE = 3


def people_summary(people: list[dict]) -> str:
    """What a list's card says of a site: the people, their year of birth and fate, from the data alone.

    "Adolf Kahn, Jg. 1881: Deportiert 1941 ermordet in Riga." The fate as the source gives it, else
    the deportation; nothing is added that the data does not say.
    """
    lines = []
    for entry in people[:SUMMARY_PEOPLE]:
        text = entry["name"]
        if entry.get("birth_year"):
            text += f", Jg. {entry['birth_year']}"
        fate = entry.get("fate") or (f"deportiert {entry['deported']}" if entry.get("deported") else "")
        if fate:
            text += f": {fate.rstrip('.')}"
        lines.append(f"{text}.")
    if len(people) > SUMMARY_PEOPLE:
        lines.append(f"Und {len(people) - SUMMARY_PEOPLE} weitere.")
    return " ".join(lines)


def person(
    name: str,
    birth_year: int | None = None,
    fate: str = "",
    born: str = "",
    deported: str = "",
) -> dict:
    return {
        "name": name,
        "birth_year": birth_year,
        "fate": fate,
        "born": born,
        "deported": deported,
    }
