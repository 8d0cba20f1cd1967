"""The bulk write path for new entries (archive.importing.NewEntryWriter) against the per-row path.

Run with ``.venv/bin/pytest tests/archive/test_import_speed_path.py -q``; needs the
Berlin data (``$MEMORIA_DATA_DIR`` or shared/data beside the checkout); skipped without it,
except under CI, where that fails.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import Page, ReferenceIndex

from archive.importing import export_rows, import_rows, numbered
from archive.models import EntryPage, MemorialSitePage
from archive.sources import iter_source
from archive.vocabulary import ensure_vocabulary
from tests.data_files import real_data_dir

pytestmark = pytest.mark.django_db

BERLIN_ROWS = 50
# Rows of the other types and a translation, so the comparison covers every table the writer fills.
EXTRA_ROWS = [
    {
        "external_id": "test-ru-translation",
        "type": "memorial_site",
        "language": "ru",
        "title": "Камень преткновения для Хедвиг Абрахам",
        "licence": "CC BY",
        "city": "berlin",
        "translation_of": "berlin-stolperstein_00000",
        "themes": "stolpersteine;holocaust",
        "tags": "Митте;Митте",
        "people": [{"name": "Хедвиг Абрахам", "birth_year": 1861}, {"name": "Второй человек"}],
    },
    {
        "external_id": "test-initiative",
        "type": "initiative",
        "language": "de",
        "title": "Jugendbegegnung Berlin–Moskau",
        "licence": "CC BY 4.0",
        "city": "berlin",
        "partner_cities": "moskau;berlin",
        "date": "1991",
        "date_precision": "year",
        "body": "Erster Absatz.\n\nZweiter Absatz.",
        "organisers": "Schule A\nSchule B",
        "tags": "Jugend",
    },
    {
        "external_id": "test-testimony",
        "type": "testimony",
        "language": "ru",
        "title": "Воспоминания",
        "licence": "all rights reserved",
        "witness_name": "Anna",
        "consent": "education",
        "consent_given_by": "Anna",
        "consent_date": "2020-05-08",
        "transcript": "Teil 1 <erste>\n\nTeil 2",
        "city": "moskau",
        "themes": "eyewitnesses",
    },
]
# What export_rows does not show but the tree and the site depend on.
PAGE_FIELDS = [
    "path",
    "depth",
    "numchild",
    "url_path",
    "slug",
    "title",
    "draft_title",
    "live",
    "has_unpublished_changes",
    "content_type_id",
    "locale_id",
]


def berlin_rows(limit=BERLIN_ROWS, extra=()):
    return lambda: numbered([*iter_source("berlin", None, [], limit), *extra])


@pytest.fixture(autouse=True)
def berlin_data():
    real_data_dir("berlin")


@pytest.fixture(autouse=True)
def vocabulary():
    ensure_vocabulary()


def imported_state():
    pages = Page.objects.filter(depth__gte=3).order_by("path")
    return {
        "rows": list(export_rows()),
        "pages": [{name: getattr(page, name) for name in PAGE_FIELDS} for page in pages],
        "parents": list(Page.objects.filter(depth__lt=4).order_by("path").values_list("path", "numchild")),
        "sort_orders": list(
            MemorialSitePage.objects.order_by("path", "people__sort_order").values_list("people__sort_order", flat=True)
        ),
        "translation_groups": sorted(
            sorted(EntryPage.objects.filter(translation_key=key).values_list("external_id", flat=True))
            for key in EntryPage.objects.values_list("translation_key", flat=True).distinct()
        ),
    }


def test_bulk_path_writes_what_the_per_row_path_writes():
    with transaction.atomic():
        report = import_rows(berlin_rows(extra=EXTRA_ROWS), bulk=False)
        per_row = imported_state()
        transaction.set_rollback(True)
    assert report.created == BERLIN_ROWS + len(EXTRA_ROWS), report.problems

    report = import_rows(berlin_rows(extra=EXTRA_ROWS))
    assert (report.created, report.updated, report.problems) == (BERLIN_ROWS + len(EXTRA_ROWS), 0, [])
    bulk = imported_state()

    assert bulk["rows"] == per_row["rows"]
    assert bulk["pages"] == per_row["pages"]
    assert bulk["parents"] == per_row["parents"]
    assert bulk["sort_orders"] == per_row["sort_orders"]
    assert bulk["translation_groups"] == per_row["translation_groups"]
    assert ["berlin-stolperstein_00000", "test-ru-translation"] in bulk["translation_groups"]
    for page in EntryPage.objects.all():
        assert page.first_published_at is not None and page.last_published_at is not None
        assert page.latest_revision_id is None


def test_tree_is_valid_after_bulk_import_and_reimport():
    import_rows(berlin_rows())
    assert Page.find_problems() == ([], [], [], [], [])
    import_rows(berlin_rows(BERLIN_ROWS + 20))  # updates and new entries under the same parent
    assert Page.find_problems() == ([], [], [], [], [])
    archive_section = Page.objects.get(url_path="/home/archiv/berlin/")
    assert archive_section.numchild == archive_section.get_children().count() == BERLIN_ROWS + 20


def test_reimport_creates_nothing():
    first = import_rows(berlin_rows())
    before = list(export_rows())
    again = import_rows(berlin_rows())
    assert (first.created, again.created, again.updated) == (BERLIN_ROWS, 0, BERLIN_ROWS)
    assert EntryPage.objects.count() == BERLIN_ROWS
    assert list(export_rows()) == before


def test_imported_pages_are_found_by_search():
    import_rows(berlin_rows())
    expected = set(EntryPage.objects.filter(title__contains="Abraham").values_list("pk", flat=True))
    assert expected
    found = {page.pk for page in EntryPage.objects.live().search("Abraham")}
    assert found == expected
    # Related fields are indexed too: the district comes in as a tag.
    assert {page.pk for page in EntryPage.objects.live().search("Mitte")}


def test_imported_pages_render(client):
    import_rows(berlin_rows(extra=EXTRA_ROWS))
    for page in EntryPage.objects.all():
        url = page.url
        assert url.startswith(f"/{page.locale.language_code}/")
        response = client.get(url)
        assert response.status_code == 200, url


def test_reference_index_is_what_wagtail_would_write():
    import_rows(berlin_rows(5))

    def references():
        return set(
            ReferenceIndex.objects.filter(base_content_type__model="page").values_list(
                "content_type_id", "object_id", "to_content_type_id", "to_object_id", "model_path", "content_path"
            )
        )

    written = references()
    assert written
    for page in EntryPage.objects.all():
        ReferenceIndex.create_or_update_for_object(page.specific)
    assert references() == written


def test_slug_clash_fails_the_whole_import():
    clashing = [
        {"external_id": "Same-Slug", "type": "memorial_site", "language": "de", "title": "A", "licence": "CC BY"},
        {"external_id": "same-slug", "type": "memorial_site", "language": "de", "title": "B", "licence": "CC BY"},
    ]
    with pytest.raises(ValidationError):
        import_rows(lambda: numbered(clashing))
    assert not EntryPage.objects.exists()


def test_translations_of_entries_not_yet_written():
    import_rows(lambda: numbered([EXTRA_ROWS[1]]))
    rows = [
        # new entries, held in the writer's chunk, one translating the other
        {**EXTRA_ROWS[2], "external_id": "new-de", "language": "de"},
        {**EXTRA_ROWS[2], "external_id": "new-ru", "translation_of": "new-de"},
        # an existing entry (updated by write_row) that names a new entry still in the chunk
        {**EXTRA_ROWS[2], "external_id": "other-ru"},
        {**EXTRA_ROWS[1], "translation_of": "other-ru"},
    ]
    report = import_rows(lambda: numbered(rows))
    assert (report.created, report.updated, report.problems) == (3, 1, [])
    keys = {page.external_id: page.translation_key for page in EntryPage.objects.all()}
    assert keys["new-de"] == keys["new-ru"]
    assert keys["other-ru"] == keys["test-initiative"] != keys["new-de"]
    assert Page.find_problems() == ([], [], [], [], [])


def test_updated_entries_are_reindexed_and_signals_restored():
    rows = list(iter_source("berlin", None, [], 5))
    import_rows(lambda: numbered(rows))
    rows[0] = {**rows[0], "title": "Stolperstein Zzyzxwort"}
    report = import_rows(lambda: numbered(rows))
    assert (report.created, report.updated) == (0, 5)
    assert [page.external_id for page in EntryPage.objects.live().search("Zzyzxwort")] == [rows[0]["external_id"]]
    # After the import a save is indexed by the usual signal handler again.
    page = MemorialSitePage.objects.get(external_id=rows[1]["external_id"])
    page.title = "Stolperstein Quxquxwort"
    page.save()
    assert [entry.pk for entry in EntryPage.objects.live().search("Quxquxwort")] == [page.pk]
