"""Export of archive entries as rows of the import format, and writing them as CSV or JSON Lines."""

import csv
import json
from collections.abc import Iterable, Iterator

from archive.models import EntryPage, InitiativePage, MemorialSitePage, TestimonyPage
from archive.models.dates import iso_prefix
from archive.text import html_to_text

from .fields import ALL_FIELDS, LIST_FIELDS


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
