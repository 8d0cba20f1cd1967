"""Checking rows to import: each row on its own (RowChecker), then against the others (cross_check).

A problem names the row and the field, so that a whole file can be corrected at once.
"""

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from archive.models import ENTRY_MODELS, DatePrecision, Licence, MemorialSitePage, PartnerCity, TestimonyPage, Theme
from archive.models.dates import parse_iso_prefix

from .fields import ALL_FIELDS, COMMON_FIELDS, LIST_FIELDS, PERSON_FIELDS, TYPE_FIELDS
from .placing import ARCHIVE_TITLES
from .report import Problem

_url = URLValidator(schemes=["http", "https"])


class RowError(Exception):
    def __init__(self, field_name, message):
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass
class CleanRow:
    number: int
    external_id: str
    type: str
    language: str
    values: dict
    themes: list[str]
    tags: list[str]
    partner_cities: list
    people: list[dict] | None
    translation_of: str


class RowChecker:
    """Turns raw rows into CleanRows, or raises RowError naming the field."""

    def __init__(self):
        self.cities = {}
        for city in PartnerCity.objects.all():
            for key in (city.slug, city.name_de, city.name_ru):
                self.cities[key.casefold()] = city
        self.themes = {
            (language, slug) for language, slug in Theme.objects.values_list("locale__language_code", "slug")
        }
        self.licences = {choice.casefold(): choice for choice in Licence.values}

    def check(self, number: int, raw: dict) -> CleanRow:
        unknown = sorted(set(raw) - set(ALL_FIELDS))
        if unknown:
            raise RowError(unknown[0], f"unknown field (known fields: {', '.join(ALL_FIELDS)})")
        row = {key: _text(value) if key not in LIST_FIELDS | {"people"} else value for key, value in raw.items()}

        external_id = self._required(row, "external_id")
        if len(external_id) > 100:
            raise RowError("external_id", "at most 100 characters")
        entry_type = self._required(row, "type")
        if entry_type not in ENTRY_MODELS:
            raise RowError("type", f"{entry_type!r} is not one of {', '.join(ENTRY_MODELS)}")
        language = self._required(row, "language")
        if language not in ARCHIVE_TITLES:
            raise RowError("language", f"{language!r} is not one of de, ru")
        for name in raw:
            if name not in COMMON_FIELDS and name not in TYPE_FIELDS[entry_type] and _text(raw[name]):
                raise RowError(name, f"not a field of a {entry_type} entry")

        values = {"title": self._required(row, "title"), "summary": row.get("summary", "")}
        if len(values["title"]) > 255:
            raise RowError("title", "at most 255 characters")
        values["body"] = row.get("body", "")
        values.update(self._date(row))
        values["city"] = self._city(row.get("city", ""), "city")
        values.update(self._coordinates(row))
        values["source_url"] = self._source_url(row.get("source_url", ""))
        licence = self._required(row, "licence")
        if licence.casefold() not in self.licences:
            raise RowError("licence", f"{licence!r} is not one of {', '.join(Licence.values)}")
        values["licence"] = self.licences[licence.casefold()]
        values["attribution"] = row.get("attribution", "")[:300]

        themes = _list(raw.get("themes"), "themes")
        for slug in themes:
            if (language, slug) not in self.themes:
                raise RowError("themes", f"no theme {slug!r} in language {language}")
        tags = [tag[:100] for tag in _list(raw.get("tags"), "tags")]
        partner_cities = [
            self._city(name, "partner_cities") for name in _list(raw.get("partner_cities"), "partner_cities")
        ]
        people = None
        if entry_type == "initiative":
            values.update(self._initiative(row, values))
        elif entry_type == "testimony":
            values.update(self._testimony(row))
        else:
            values.update(self._memorial_site(row))
            people = _people(raw.get("people"))
        return CleanRow(
            number,
            external_id,
            entry_type,
            language,
            values,
            themes,
            tags,
            partner_cities,
            people,
            row.get("translation_of", ""),
        )

    @staticmethod
    def _required(row, name):
        value = row.get(name, "")
        if not value:
            raise RowError(name, "required")
        return value

    @staticmethod
    def _date(row):
        text, precision = row.get("date", ""), row.get("date_precision", "")
        if not text and not precision:
            return {"date": None, "date_precision": DatePrecision.DAY}
        if not precision:
            raise RowError("date_precision", "required when a date is given")
        if precision not in DatePrecision.values:
            raise RowError("date_precision", f"{precision!r} is not one of {', '.join(DatePrecision.values)}")
        if not text:
            raise RowError("date", "required when a date precision is given")
        try:
            return {"date": parse_iso_prefix(text, precision), "date_precision": precision}
        except ValueError as error:
            raise RowError("date", str(error)) from None

    def _city(self, name, field_name):
        if not name:
            return None
        city = self.cities.get(name.casefold())
        if city is None:
            raise RowError(field_name, f"unknown city {name!r}; add it as a partner city first")
        return city

    @staticmethod
    def _coordinates(row):
        latitude, longitude = row.get("latitude", ""), row.get("longitude", "")
        if not latitude and not longitude:
            return {"latitude": None, "longitude": None}
        if not latitude or not longitude:
            raise RowError("longitude" if latitude else "latitude", "give both latitude and longitude, or neither")
        result = {}
        for name, text, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
            try:
                value = float(text)
            except ValueError:
                raise RowError(name, f"{text!r} is not a number") from None
            if not -limit <= value <= limit:
                raise RowError(name, f"{value} is outside -{limit}..{limit}")
            result[name] = value
        return result

    @staticmethod
    def _source_url(url):
        if len(url) > 500:
            raise RowError("source_url", "at most 500 characters")
        if url:
            try:
                _url(url)
            except ValidationError:
                raise RowError("source_url", f"{url!r} is not an http(s) URL") from None
        return url

    @staticmethod
    def _initiative(row, values):
        result = {"organisers": row.get("organisers", ""), "date_end": None}
        if row.get("date_end"):
            try:
                result["date_end"] = datetime.date.fromisoformat(row["date_end"])
            except ValueError:
                raise RowError("date_end", f"{row['date_end']!r} is not a date of the form YYYY-MM-DD") from None
            if values["date"] and result["date_end"] < values["date"]:
                raise RowError("date_end", "before the start date")
        return result

    @staticmethod
    def _testimony(row):
        result = {
            "witness_name": row.get("witness_name", ""),
            "recorded_place": row.get("recorded_place", ""),
            "transcript": row.get("transcript", ""),
            "consent_given_by": row.get("consent_given_by", ""),
        }
        if not result["witness_name"]:
            raise RowError("witness_name", "required for a testimony")
        result["witness_birth_year"] = _year(row.get("witness_birth_year", ""), "witness_birth_year")
        original = row.get("original_language", "") or TestimonyPage.OriginalLanguage.RUSSIAN
        if original not in TestimonyPage.OriginalLanguage.values:
            raise RowError("original_language", f"{original!r} is not one of de, ru, other")
        result["original_language"] = original
        consent = row.get("consent", "") or TestimonyPage.Consent.NOT_RECORDED
        if consent not in TestimonyPage.Consent.values:
            raise RowError("consent", f"{consent!r} is not one of {', '.join(TestimonyPage.Consent.values)}")
        result["consent"] = consent
        result["consent_date"] = None
        if row.get("consent_date"):
            try:
                result["consent_date"] = datetime.date.fromisoformat(row["consent_date"])
            except ValueError:
                raise RowError("consent_date", "not a date of the form YYYY-MM-DD") from None
        if consent != TestimonyPage.Consent.NOT_RECORDED and not (
            result["consent_given_by"] and result["consent_date"]
        ):
            raise RowError("consent", "record who gave consent (consent_given_by) and when (consent_date)")
        flag = row.get("contains_personal_data", "").lower()
        if flag not in ("", "true", "false", "1", "0", "yes", "no"):
            raise RowError("contains_personal_data", "true or false")
        result["contains_personal_data"] = flag in ("true", "1", "yes")
        return result

    @staticmethod
    def _memorial_site(row):
        kind = row.get("kind", "") or MemorialSitePage.Kind.MEMORIAL
        if kind not in MemorialSitePage.Kind.values:
            raise RowError("kind", f"{kind!r} is not one of {', '.join(MemorialSitePage.Kind.values)}")
        return {"kind": kind, "address": row.get("address", "")[:300], "inscription": row.get("inscription", "")}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str):
        raise RowError("?", f"expected text, got {type(value).__name__}")
    return value.strip()


def _list(value, name) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = value.split(";")
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = value
    else:
        raise RowError(name, "a list of texts, or texts separated by ';'")
    return [item.strip() for item in items if item.strip()]


def _year(text, name):
    if not text:
        return None
    if not text.isdigit() or not 1000 <= int(text) <= 2100:
        raise RowError(name, f"{text!r} is not a year")
    return int(text)


def _people(value) -> list[dict]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise RowError("people", "a JSON list of people") from None
    if not isinstance(value, list):
        raise RowError("people", "a JSON list of people")
    people = []
    for position, person in enumerate(value, start=1):
        if not isinstance(person, dict) or not isinstance(person.get("name"), str) or not person["name"].strip():
            raise RowError("people", f"person {position} needs a name")
        unknown = set(person) - PERSON_FIELDS
        if unknown:
            raise RowError("people", f"person {position} has unknown fields {', '.join(sorted(unknown))}")
        clean = {"name": person["name"].strip()[:200]}
        for key in ("birth_year", "death_year"):
            year = person.get(key)
            if year in (None, ""):
                clean[key] = None
            elif isinstance(year, int) and 1000 <= year <= 2100:
                clean[key] = year
            else:
                raise RowError("people", f"person {position}: {key} {year!r} is not a year")
        for key in ("born", "deported", "fate"):
            text = person.get(key) or ""
            if not isinstance(text, str):
                raise RowError("people", f"person {position}: {key} must be text")
            clean[key] = text.strip()[:300]
        people.append(clean)
    return people


def checked_rows(rows, checker, problems: list[Problem], progress, stage) -> Iterable[tuple[int, CleanRow]]:
    """The rows that pass the checker, as CleanRows; the others' problems go to `problems`."""
    for number, raw, error in rows:
        if progress:
            progress(stage, number)
        if error:
            problems.append(Problem(number, "row", error))
            continue
        try:
            yield number, checker.check(number, raw)
        except RowError as error:
            problems.append(Problem(number, error.field, error.message))


def cross_check(clean, seen, known_ids):
    """Checks that need the other rows: duplicate ids and translation links."""
    if clean.external_id in seen:
        return "external_id", f"{clean.external_id!r} appears twice in the file"
    existing_language = known_ids.get(clean.external_id)
    if existing_language and existing_language != clean.language:
        return "language", f"entry {clean.external_id!r} already exists in {existing_language}"
    if clean.translation_of:
        target = seen.get(clean.translation_of) or known_ids.get(clean.translation_of)
        if target is None:
            return "translation_of", f"no entry {clean.translation_of!r} earlier in the file or in the archive"
        if target == clean.language:
            return "translation_of", f"{clean.translation_of!r} is in the same language"
    return None
