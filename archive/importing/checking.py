"""Import and export of archive entries as CSV or JSON Lines.

Import is two passes over a streamed file: first every row is checked and each
problem reported by row number and field; then, only if nothing is wrong (or
with skip_invalid, for the good rows), the rows are written in one transaction.
Entries are matched by external_id, so importing a file again updates them.
"""

import csv
import datetime
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connections, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.models import get_all_child_relations
from modelsearch.index import class_is_indexed, get_indexed_models
from modelsearch.signal_handlers import post_save_signal_handler as search_post_save_handler
from treebeard.exceptions import PathOverflow
from wagtail.models import Locale, Page, ReferenceIndex, Site
from wagtail.search.backends import get_search_backends
from wagtail.signal_handlers import disable_reference_index_auto_update

from archive.models import (
    ENTRY_MODELS,
    ArchiveIndexPage,
    CommemoratedPerson,
    DatePrecision,
    EntryPage,
    EntryTag,
    InitiativePage,
    Licence,
    MemorialSitePage,
    PartnerCity,
    TestimonyPage,
    Theme,
)
from archive.models.dates import iso_prefix, parse_iso_prefix
from archive.signals import entries_imported
from archive.text import html_to_text, paragraphs_html, stream_to_text, text_to_stream

logger = logging.getLogger("memoria.import")

COMMON_FIELDS = [
    "external_id",
    "type",
    "language",
    "title",
    "body",
    "date",
    "date_precision",
    "city",
    "themes",
    "tags",
    "latitude",
    "longitude",
    "source_url",
    "licence",
    "attribution",
    "translation_of",
]
TYPE_FIELDS = {
    "initiative": ["summary", "date_end", "organisers", "partner_cities"],
    "testimony": [
        "summary",
        "witness_name",
        "witness_birth_year",
        "recorded_place",
        "original_language",
        "transcript",
        "consent",
        "consent_given_by",
        "consent_date",
        "contains_personal_data",
    ],
    "memorial_site": ["summary", "kind", "address", "inscription", "people"],
}
ALL_FIELDS = COMMON_FIELDS + sorted({name for names in TYPE_FIELDS.values() for name in names})
LIST_FIELDS = {"themes", "tags", "partner_cities"}
PERSON_FIELDS = {"name", "birth_year", "death_year", "born", "deported", "fate"}
ARCHIVE_TITLES = {"de": ("Archiv", "archiv"), "ru": ("Архив", "arkhiv")}
_url = URLValidator(schemes=["http", "https"])


class RowError(Exception):
    def __init__(self, field_name, message):
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass
class Problem:
    row: int
    field: str
    message: str

    def __str__(self):
        return f"row {self.row}, {self.field}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    valid: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def invalid_rows(self):
        return sorted({problem.row for problem in self.problems})


# Reading ----------------------------------------------------------------------


def detect_format(path: Path, declared: str | None = None) -> str:
    if declared:
        return declared
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def read_rows(path: Path, file_format: str) -> Iterator[tuple[int, dict | None, str | None]]:
    """(row number, raw row or None, read error or None), streamed; rows count from 1 after any header."""
    if file_format == "csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            for number, row in enumerate(reader, start=1):
                if None in row:
                    yield number, None, "more values than columns"
                    continue
                yield number, row, None
        return
    with path.open(encoding="utf-8") as handle:
        number = 0
        for line in handle:
            if not line.strip():
                continue
            number += 1
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, None, f"not valid JSON ({error.msg} at column {error.colno})"
                continue
            if not isinstance(row, dict):
                yield number, None, "a line must hold one JSON object"
                continue
            yield number, row, None


# Checking ---------------------------------------------------------------------


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


# Writing ----------------------------------------------------------------------


class TreePlacer:
    """Finds or creates the archive section an entry belongs in: locale archive, then city section."""

    def __init__(self):
        self.cache = {}

    def parent_for(self, language: str, city: PartnerCity | None) -> ArchiveIndexPage:
        key = (language, city.pk if city else None)
        if key not in self.cache:
            archive = self._archive(language)
            self.cache[key] = self._city_section(archive, language, city) if city else archive
        return self.cache[key]

    def _archive(self, language):
        locale = Locale.objects.get(language_code=language)
        archive = ArchiveIndexPage.objects.filter(locale=locale, depth=3).first()
        if archive:
            return archive
        # The archive hangs below the site's root page in that locale (the home page).
        home = Site.objects.get(is_default_site=True).root_page.get_translation(locale)
        title, slug = ARCHIVE_TITLES[language]
        other = ArchiveIndexPage.objects.filter(depth=3).exclude(locale=locale).first()
        page = ArchiveIndexPage(title=title, slug=slug, locale=locale)
        if other:
            page.translation_key = other.translation_key
        return home.add_child(instance=page)

    @staticmethod
    def _city_section(archive, language, city):
        section = ArchiveIndexPage.objects.child_of(archive).filter(city=city).first()
        if section:
            return section
        title = city.name_ru if language == "ru" else city.name_de
        page = ArchiveIndexPage(title=title, slug=city.slug, city=city, locale=archive.locale)
        other = ArchiveIndexPage.objects.filter(city=city).exclude(locale=archive.locale).first()
        if other:
            page.translation_key = other.translation_key
        return archive.add_child(instance=page)


def write_row(row: CleanRow, placer: TreePlacer, locales: dict, themes_cache: dict) -> bool:
    """Create or update the entry of a checked row. Returns True when it was created."""
    model = ENTRY_MODELS[row.type]
    existing = EntryPage.objects.filter(external_id=row.external_id).first()
    parent = placer.parent_for(row.language, row.values["city"])
    if existing is not None:
        page = existing.specific
        if not isinstance(page, model):
            raise RowError("type", f"entry {row.external_id} exists as another type ({page.entry_type})")
        if page.locale_id != locales[row.language].pk:
            raise RowError("language", f"entry {row.external_id} exists in another language")
    else:
        live = may_go_live(row)
        page = model(
            locale=locales[row.language], external_id=row.external_id, live=live, has_unpublished_changes=not live
        )
    set_row_fields(page, row)
    if not page.slug:
        page.slug = _unique_slug(row)
    if row.translation_of:
        source = EntryPage.objects.filter(external_id=row.translation_of).first()
        page.translation_key = source.translation_key
    page.themes.set([themes_cache[(row.language, slug)] for slug in row.themes])
    page.tags.set(row.tags)
    if row.type == "initiative":
        page.partner_cities.set(row.partner_cities)
    if row.people is not None:
        page.people = [CommemoratedPerson(sort_order=order, **person) for order, person in enumerate(row.people)]
    if existing is None:
        # Imported entries are published as they are created, so they get publication dates like
        # entries an editor publishes (the home page lists the latest by first_published_at).
        if page.live:
            page.first_published_at = page.last_published_at = timezone.now()
        parent.add_child(instance=page)
        return True
    page.save()
    if page.live and not may_go_live(row):
        page.unpublish()  # consent withdrawn in the file: off the site, and out of search, at once
    if page.get_parent().pk != parent.pk:
        page.move(parent, pos="last-child")
    return False


def may_go_live(row: CleanRow) -> bool:
    """Imported entries are published, except testimonies without recorded consent: they wait as drafts."""
    return row.type != "testimony" or row.values["consent"] != TestimonyPage.Consent.NOT_RECORDED


def set_row_fields(page, row: CleanRow):
    """The row's own fields on the page, not its relations; both write paths use it."""
    values = dict(row.values)
    body = values.pop("body")
    transcript = values.pop("transcript", None)
    for name, value in values.items():
        setattr(page, name, value)
    if transcript is not None:
        page.transcript = "".join(paragraphs_html(transcript))
    if stream_to_text(page.body) != body.strip():
        page.body = text_to_stream(body)
    page.draft_title = page.title


def _unique_slug(row):
    # external_id is unique, so it makes a unique, stable slug under any parent.
    return slugify(row.external_id, allow_unicode=False)[:255] or slugify(row.title)[:200]


class NewEntryWriter:
    """Creates new entries in bulk, a chunk of rows at a time; for large imports.

    Saving a page one by one costs about 90 ms on SQLite: Page.full_clean and its
    uniqueness queries, treebeard's add_child (a locked parent read, a numchild
    update, a last-child query), one INSERT per table of the multi-table model
    (wagtailcore_page, archive_entrypage, the type's table), the cluster's
    children one by one, then the post_save handlers: the search index (through
    django-tasks, which loads the page again) and Wagtail's reference index.
    Here each chunk costs a few queries per table instead:

    - tree positions: treebeard's materialised paths for the parent's next
      children are computed from its current last child, as add_child would,
      and the parent's numchild is raised once per chunk;
    - pages: one multi-row INSERT per table, wagtailcore_page first (returning
      the ids), then each child table with its parent-link column set to that id
      (Django's bulk_create refuses multi-table models; this is what it does for
      one table, through the same Manager._insert);
    - themes, tags (taggit's Tag get-or-create by exact name, then EntryTag
      rows), partner cities and the people commemorated (in row order, with
      sort_order) as bulk_create;
    - search: no post_save is sent, so the search index is filled per chunk
      through the configured backends' add_bulk with the pages loaded as the
      update_index command loads them; a page that is missing from the index
      after an import is a bug;
    - reference index: the entries' references (city, tags, any in the body)
      are written in bulk too, from the extraction Wagtail's own
      create_or_update_for_object uses, so "usage" in the admin stays right.
      Measured on the Berlin data (SQLite), it is under a tenth of the bulk
      import's time (~1.4 s per 1,000 entries under cProfile); leaving it to
      rebuild_references_index would rescan the whole site after every
      import. (write_row's save-time update misses the tags: it runs on the
      page's post_save, before modelcluster writes the tagged items.)

    The result is what write_row gives a new entry, with two deliberate
    differences: no full_clean (the row checker validated the values; slug
    clashes among siblings, which full_clean would catch, are checked here per
    chunk) and, as with write_row, no revision (latest_revision stays None, as
    for any page created without the editor).
    """

    chunk_size = 1000

    def __init__(self, placer: TreePlacer, locales: dict, themes_cache: dict, using: str = "default"):
        self.placer = placer
        self.locales = locales
        self.themes_cache = themes_cache
        self.using = using
        self.published_at = timezone.now()
        self.pending: list[tuple[CleanRow, EntryPage, ArchiveIndexPage]] = []
        # external_id -> translation_key of the entries this import creates, so that a
        # translation can name an entry of the same file that is not yet written.
        self.translation_keys: dict[str, object] = {}
        self.created = 0

    def accepts(self, row: CleanRow) -> bool:
        # A row whose external_id and title give no ASCII slug gets Wagtail's own
        # (Unicode, de-duplicated) slug through write_row.
        return bool(_unique_slug(row))

    def is_pending(self, external_id: str) -> bool:
        return any(row.external_id == external_id for row, _, _ in self.pending)

    def add(self, row: CleanRow):
        page, parent = self._build_page(row)
        self.pending.append((row, page, parent))
        self.translation_keys[row.external_id] = page.translation_key
        if len(self.pending) >= self.chunk_size:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        chunk, self.pending = self.pending, []
        self._place_in_tree(chunk)
        pages = [page for _, page, _ in chunk]
        self._insert_pages(pages)
        self._insert_relations(chunk)
        self._index(pages)
        entries_imported.send(sender=EntryPage, page_ids=[page.id for page in pages])
        self.created += len(chunk)

    # Building -----------------------------------------------------------------

    def _build_page(self, row: CleanRow):
        """The unsaved page, with every field write_row would set on a new entry."""
        live = may_go_live(row)
        page = ENTRY_MODELS[row.type](
            locale=self.locales[row.language],
            external_id=row.external_id,
            live=live,
            has_unpublished_changes=not live,
            first_published_at=self.published_at if live else None,
            last_published_at=self.published_at if live else None,
        )
        parent = self.placer.parent_for(row.language, row.values["city"])
        # parse_iso_prefix gives the canonical date of its precision: nothing to normalise.
        set_row_fields(page, row)
        page.slug = _unique_slug(row)
        if row.translation_of:
            page.translation_key = self._translation_key(row.translation_of)
        return page, parent

    def _translation_key(self, external_id):
        if external_id in self.translation_keys:
            return self.translation_keys[external_id]
        return EntryPage.objects.using(self.using).get(external_id=external_id).translation_key

    # Tree ---------------------------------------------------------------------

    def _place_in_tree(self, chunk):
        """Give each page its path, depth and url_path as the parent's next children, in row order."""
        by_parent = {}
        for _, page, parent in chunk:
            by_parent.setdefault(parent.pk, (parent, []))[1].append(page)
        for parent, pages in by_parent.values():
            self._check_slugs(parent, pages)
            depth = parent.depth + 1
            siblings = Page.objects.using(self.using).filter(path__startswith=parent.path, depth=depth)
            last_path = siblings.order_by("-path").values_list("path", flat=True).first()
            position = Page._str2int(last_path[-Page.steplen :]) if last_path else 0
            if position + len(pages) >= len(Page.alphabet) ** Page.steplen:
                raise PathOverflow(f"{parent.url_path} cannot take {len(pages)} more children")
            for page in pages:
                position += 1
                page.depth = depth
                page.path = Page._get_path(parent.path, depth, position)
                page.numchild = 0
                page.url_path = parent.url_path + page.slug + "/"
            Page.objects.using(self.using).filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
            parent.numchild += len(pages)

    def _check_slugs(self, parent, pages):
        # What Page.full_clean checks one page at a time, for the whole chunk.
        slugs = [page.slug for page in pages]
        taken = set(
            Page.objects.using(self.using)
            .filter(path__startswith=parent.path, depth=parent.depth + 1, slug__in=slugs)
            .values_list("slug", flat=True)
        )
        for page in pages:
            if page.slug in taken:
                raise ValidationError(
                    {"slug": f"The slug {page.slug!r} is already in use within the parent page at {parent.url_path!r}."}
                )
            taken.add(page.slug)

    # Writing ------------------------------------------------------------------

    def _insert_pages(self, pages):
        """One INSERT per table of the multi-table model, base table first, as Model.save does per page."""
        model = type(pages[0])
        if any(type(page) is not model for page in pages):
            for entry_type in {type(page) for page in pages}:
                self._insert_pages([page for page in pages if type(page) is entry_type])
            return
        tables = [*reversed(model._meta.get_parent_list()), model]
        for table in tables:
            fields = [field for field in table._meta.local_concrete_fields if field is not table._meta.auto_field]
            if table is Page:
                ids = self._insert_rows(table, pages, fields, returning=[table._meta.pk])
                for page, (page_id,) in zip(pages, ids, strict=True):
                    page.id = page_id
            else:
                for page in pages:
                    setattr(page, table._meta.pk.attname, page.id)
                self._insert_rows(table, pages, fields)
        for page in pages:
            page._state.adding = False
            page._state.db = self.using

    def _insert_rows(self, table, objs, fields, returning=None):
        connection = connections[self.using]
        if returning and not connection.features.can_return_rows_from_bulk_insert:
            batch_size = 1  # the database cannot tell the ids of a multi-row INSERT
        else:
            batch_size = max(connection.ops.bulk_batch_size(fields, objs), 1)
        results = []
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            rows = table._base_manager._insert(batch, fields=fields, returning_fields=returning, using=self.using)
            results.extend(rows or [])
        return results

    def _insert_relations(self, chunk):
        themes_through = EntryPage.themes.through
        theme_links = [
            themes_through(entrypage_id=page.id, theme_id=self.themes_cache[(row.language, slug)].pk)
            for row, page, _ in chunk
            for slug in dict.fromkeys(row.themes)
        ]
        themes_through.objects.using(self.using).bulk_create(theme_links)

        tags = self._tags({name for row, _, _ in chunk for name in row.tags})
        tag_links = [
            EntryTag(content_object_id=page.id, tag=tag)
            for row, page, _ in chunk
            for tag in dict.fromkeys(tags[name] for name in row.tags)
        ]
        EntryTag.objects.using(self.using).bulk_create(tag_links)

        cities_through = InitiativePage.partner_cities.through
        city_links = [
            cities_through(initiativepage_id=page.id, partnercity_id=city.pk)
            for row, page, _ in chunk
            if row.type == "initiative"
            for city in dict.fromkeys(row.partner_cities)
        ]
        cities_through.objects.using(self.using).bulk_create(city_links)

        people = [
            CommemoratedPerson(site_id=page.id, sort_order=order, **person)
            for row, page, _ in chunk
            for order, person in enumerate(row.people or [])
        ]
        CommemoratedPerson.objects.using(self.using).bulk_create(people)

    def _tags(self, names):
        """Tag by name, created where missing; exact names, as taggit matches them by default."""
        tag_model = EntryTag.tag_model()
        manager = tag_model._default_manager.using(self.using)
        tags = {tag.name: tag for tag in manager.filter(name__in=names)}
        for name in sorted(names - tags.keys()):
            # one by one: few are new, and taggit makes the unique slug on save
            tags[name], _ = manager.get_or_create(name=name)
        return tags

    # Indexes ------------------------------------------------------------------

    def _index(self, pages):
        ids_by_model = {}
        for page in pages:
            ids_by_model.setdefault(type(page), []).append(page.id)
        for model, ids in ids_by_model.items():
            # Loaded as update_index loads them (related fields prefetched), so what is
            # indexed is what was stored.
            stored = _load_for_indexing(model, ids, self.using)
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(model, stored)
            self._add_references(stored, self.using)

    @staticmethod
    def _add_references(pages, using):
        """The reference index rows create_or_update_for_object would write for new pages."""
        rows = []
        for page in pages:
            content_types = [
                ContentType.objects.get_for_model(model, for_concrete_model=False)
                for model in [type(page), *page._meta.get_parent_list()]
            ]
            references = set(ReferenceIndex._extract_references_from_object(page))
            rows.extend(
                ReferenceIndex(
                    content_type=content_types[0],
                    base_content_type=content_types[-1],
                    object_id=page.pk,
                    to_content_type_id=to_content_type_id,
                    to_object_id=to_object_id,
                    model_path=model_path,
                    content_path=content_path,
                    content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                )
                for to_content_type_id, to_object_id, model_path, content_path in references
            )
        ReferenceIndex.objects.using(using).bulk_create(rows)


@contextmanager
def deferred_index_updates(using: str = "default", chunk_size: int = 500):
    """Update the search and reference indexes once at the end, not on every save.

    For the rows written one by one (updates of existing entries, new archive
    sections): on each save modelsearch's post_save handler reindexes the page
    through a django-tasks task that loads it again, and Wagtail's handler
    rebuilds its references; that is half the time of an update (36 ms of it,
    18 ms without, on SQLite). Here those handlers are swapped for one that
    notes what was saved, and the pages noted are indexed in chunks when the
    block ends (inside the caller's transaction, as the immediate task backend
    would have done). The swap is process-wide, so use it in management
    commands, not in a web request.
    """
    search_models = [model for model in get_indexed_models() if getattr(model, "search_auto_update", True)]
    watched = set(search_models) | set(ReferenceIndex.tracked_models)
    saved: dict[type, set] = {}

    def note_save(sender, instance, raw=False, **kwargs):
        if not raw:
            saved.setdefault(sender, set()).add(instance.pk)

    for model in search_models:
        post_save.disconnect(search_post_save_handler, sender=model)
    for model in watched:
        post_save.connect(note_save, sender=model, weak=False)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in watched:
            post_save.disconnect(note_save, sender=model)
        for model in search_models:
            post_save.connect(search_post_save_handler, sender=model)
    for model, pks in saved.items():
        pks = sorted(pks)
        for start in range(0, len(pks), chunk_size):
            objects = _load_for_indexing(model, pks[start : start + chunk_size], using)
            if model in search_models:
                for backend in get_search_backends(with_auto_update=True):
                    backend.add_bulk(model, objects)
            if ReferenceIndex.is_indexed(model):
                for obj in objects:
                    ReferenceIndex.create_or_update_for_object(obj)


def _load_for_indexing(model, pks, using):
    """The objects as update_index loads them (related search fields prefetched), plus their
    child relations, which the reference index scans (a query per object and relation otherwise)."""
    queryset = model.get_indexed_objects() if class_is_indexed(model) else model._default_manager.all()
    child_relations = [relation.get_accessor_name() for relation in get_all_child_relations(model)]
    return list(queryset.using(using).filter(pk__in=pks).prefetch_related(*child_relations))


def import_entries(path: Path, file_format: str | None = None, **options) -> ImportReport:
    """Import a CSV or JSON Lines file; see import_rows for the options."""
    path = Path(path)
    file_format = detect_format(path, file_format)
    return import_rows(lambda: read_rows(path, file_format), **options)


def numbered(rows: Iterable[dict]) -> Iterator[tuple[int, dict, None]]:
    """Rows from a converter, in the shape read_rows gives."""
    for number, row in enumerate(rows, start=1):
        yield number, row, None


def import_rows(
    open_rows: Callable[[], Iterator[tuple[int, dict | None, str | None]]],
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress=None,
    bulk: bool = True,
) -> ImportReport:
    """Check every row, then write them all in one transaction, or nothing.

    `open_rows` is called once per pass, so the rows are streamed twice instead of held.
    New entries are written in chunks by NewEntryWriter; entries that exist already
    (matched by external_id) are updated one by one by write_row. bulk=False writes
    every row through write_row (the reference the bulk path is compared with).
    """
    report = ImportReport()
    checker = RowChecker()
    seen = {}
    known_ids = dict(EntryPage.objects.exclude(external_id=None).values_list("external_id", "locale__language_code"))
    good_rows = set()

    for number, clean in _checked(open_rows(), checker, report, progress, "check"):
        problem = _cross_check(clean, seen, known_ids)
        if problem:
            report.problems.append(Problem(number, *problem))
            continue
        seen[clean.external_id] = clean.language
        good_rows.add(number)
    report.valid = len(good_rows)

    if dry_run or (report.problems and not skip_invalid):
        return report

    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    themes_cache = {(theme.locale.language_code, theme.slug): theme for theme in Theme.objects.select_related("locale")}
    placer = TreePlacer()
    with transaction.atomic(), deferred_index_updates() if bulk else nullcontext():
        new_entries = NewEntryWriter(placer, locales, themes_cache) if bulk else None
        for number, clean in _checked(open_rows(), checker, ImportReport(), progress, "write"):
            if number not in good_rows:
                continue
            if new_entries and clean.external_id not in known_ids and new_entries.accepts(clean):
                new_entries.add(clean)
                continue
            if new_entries and clean.translation_of and new_entries.is_pending(clean.translation_of):
                new_entries.flush()  # write_row looks the translated entry up in the database
            if write_row(clean, placer, locales, themes_cache):
                report.created += 1
            else:
                report.updated += 1
        if new_entries:
            new_entries.flush()
            report.created += new_entries.created
    return report


def _checked(rows, checker, report, progress, stage) -> Iterable[tuple[int, CleanRow]]:
    for number, raw, error in rows:
        if progress:
            progress(stage, number)
        if error:
            report.problems.append(Problem(number, "row", error))
            continue
        try:
            yield number, checker.check(number, raw)
        except RowError as error:
            report.problems.append(Problem(number, error.field, error.message))


def _cross_check(clean, seen, known_ids):
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


# Exporting ----------------------------------------------------------------------


def export_rows(entries=None) -> Iterator[dict]:
    """Every entry (or the given queryset) as rows of the import format."""
    entries = entries if entries is not None else EntryPage.objects.all()
    ids = entries.order_by("path").values_list("pk", flat=True)
    translation_sources = {}
    for key, external_id in (
        EntryPage.objects.exclude(external_id=None).order_by("path").values_list("translation_key", "external_id")
    ):
        translation_sources.setdefault(key, external_id)
    id_list = list(ids)
    for start in range(0, len(id_list), 500):
        chunk = (
            EntryPage.objects.filter(pk__in=id_list[start : start + 500])
            .order_by("path")
            .select_related("city", "locale")
            .prefetch_related("themes", "tagged_items__tag")
            .specific()
        )
        for page in chunk:
            yield _export_row(page, translation_sources)


def _export_row(page, translation_sources) -> dict:
    source_id = translation_sources.get(page.translation_key)
    row = {
        "external_id": page.external_id or f"memoria-{page.pk}",
        "type": page.entry_type,
        "language": page.locale.language_code,
        "title": page.title,
        "body": page.body_text,
        "date": iso_prefix(page.date, page.date_precision) if page.date else "",
        "date_precision": page.date_precision if page.date else "",
        "city": page.city.slug if page.city else "",
        "themes": sorted(theme.slug for theme in page.themes.all()),
        "tags": sorted(item.tag.name for item in page.tagged_items.all()),
        "latitude": page.latitude,
        "longitude": page.longitude,
        "source_url": page.source_url,
        "licence": page.licence,
        "attribution": page.attribution,
        "translation_of": source_id if source_id and source_id != page.external_id else "",
        "summary": page.summary,
    }
    if isinstance(page, InitiativePage):
        row.update(
            date_end=page.date_end.isoformat() if page.date_end else "",
            organisers=page.organisers,
            partner_cities=sorted(city.slug for city in page.partner_cities.all()),
        )
    elif isinstance(page, TestimonyPage):
        row.update(
            witness_name=page.witness_name,
            witness_birth_year=page.witness_birth_year,
            recorded_place=page.recorded_place,
            original_language=page.original_language,
            transcript=html_to_text(page.transcript),
            consent=page.consent,
            consent_given_by=page.consent_given_by,
            consent_date=page.consent_date.isoformat() if page.consent_date else "",
            contains_personal_data=page.contains_personal_data,
        )
    elif isinstance(page, MemorialSitePage):
        row.update(
            kind=page.kind,
            address=page.address,
            inscription=page.inscription,
            people=[
                {key: getattr(person, key) for key in ("name", "birth_year", "death_year", "born", "deported", "fate")}
                for person in page.people.all()
            ],
        )
    return row


def write_export(rows: Iterable[dict], handle, file_format: str):
    if file_format == "jsonl":
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(handle, fieldnames=ALL_FIELDS, extrasaction="raise")
    writer.writeheader()
    for row in rows:
        flat = {}
        for key, value in row.items():
            if key in LIST_FIELDS:
                flat[key] = ";".join(value)
            elif key == "people":
                flat[key] = json.dumps(value, ensure_ascii=False) if value else ""
            elif value is None:
                flat[key] = ""
            elif isinstance(value, bool):
                flat[key] = "true" if value else "false"
            else:
                flat[key] = value
        writer.writerow(flat)
