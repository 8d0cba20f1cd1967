"""The bulk writer against Wagtail's public add_child, for the same rows.

The bulk path for new entries writes tree positions, pages and reference index rows
through private Wagtail, treebeard and Django methods (archive/importing/internals.py).
If an upgrade changes what those do, the bulk path would write a tree or an index
that differs from Wagtail's own; this test writes the same rows once through the
per-row path (write_row, which creates pages with parent.add_child) and once through
the bulk path, and compares everything they store.

The importer writes body text as escaped paragraphs, so entries have no links in
rich text; their references are the city and the tags.
"""

import re

import pytest
from django.db import transaction
from modelcluster.models import get_all_child_relations
from taggit.models import Tag
from wagtail.models import Page, ReferenceIndex
from wagtail.search import index
from wagtail.search.models import IndexEntry

from archive.importing import import_rows, numbered
from archive.models import EntryPage, EntryTag
from search.models import IndexOutbox

pytestmark = pytest.mark.django_db

# Entries that exist before the import, so that new entries follow existing children.
EARLIER_ROWS = [
    {
        "external_id": "earlier-de",
        "type": "memorial_site",
        "language": "de",
        "title": "Stolperstein Früher",
        "licence": "CC BY",
        "city": "heilbronn",
        "tags": "Riga",
    },
    {
        "external_id": "earlier-ru",
        "type": "memorial_site",
        "language": "ru",
        "title": "Камень преткновения раньше",
        "licence": "CC BY",
        "city": "heilbronn",
        "translation_of": "earlier-de",
    },
]
ROWS = [
    {
        "external_id": "initiative-de",
        "type": "initiative",
        "language": "de",
        "title": "Jugendbegegnung Berlin–Moskau",
        "summary": "Schüler besuchen einander.",
        "body": "Erster Absatz & <mehr>.\n\nZweiter Absatz,\nmit Zeilenumbruch.",
        "date": "1991-06",
        "date_precision": "month",
        "date_end": "1991-07-01",
        "city": "berlin",
        "partner_cities": "moskau;berlin",
        "themes": "city-partnership;youth-exchange",
        "tags": "Jugend;Schule;Jugend",
        "organisers": "Schule A\nSchule B",
        "latitude": 52.52,
        "longitude": 13.405,
        "source_url": "https://example.org/begegnung",
        "licence": "CC BY 4.0",
        "attribution": "Schularchiv",
    },
    {
        "external_id": "initiative-ru",
        "type": "initiative",
        "language": "ru",
        "title": "Молодёжная встреча Берлин–Москва",
        "city": "berlin",
        "partner_cities": "berlin",
        "themes": "youth-exchange",
        "tags": "Молодёжь",
        "licence": "CC BY 4.0",
        "translation_of": "initiative-de",
    },
    {
        "external_id": "testimony-ru",
        "type": "testimony",
        "language": "ru",
        "title": "Воспоминания",
        "licence": "all rights reserved",
        "witness_name": "Анна",
        "witness_birth_year": "1930",
        "recorded_place": "Калуга",
        "original_language": "ru",
        "consent": "education",
        "consent_given_by": "Анна",
        "consent_date": "2020-05-08",
        "contains_personal_data": "true",
        "transcript": "Часть 1 <первая>\n\nЧасть 2",
        "city": "moskau",
        "themes": "eyewitnesses",
        "tags": "Zeitzeugen",
    },
    {
        "external_id": "testimony-de-draft",
        "type": "testimony",
        "language": "de",
        "title": "Erinnerungen ohne Zustimmung",
        "licence": "CC BY",
        "witness_name": "Paul",
    },
    {
        "external_id": "site-de",
        "type": "memorial_site",
        "language": "de",
        "title": "Stolpersteine Achtungstraße 21",
        "body": "Adolf Kahn wurde 1881 geboren.",
        "date": "2024-03-02",
        "date_precision": "day",
        "city": "heilbronn",
        "themes": "stolpersteine;deportation",
        "tags": "Riga;Ermordet;Riga",
        "kind": "stolperstein",
        "address": "Achtungstraße 21, Heilbronn",
        "inscription": "HIER WOHNTE\nADOLF KAHN",
        "people": [
            {"name": "Adolf Kahn", "birth_year": 1881, "death_year": 1942, "deported": "1941 Riga", "fate": "ermordet"},
            {"name": "Rosa Kahn", "born": "Strauß"},
        ],
        "licence": "CC BY-SA 4.0",
    },
    {
        "external_id": "site-ru",
        "type": "memorial_site",
        "language": "ru",
        "title": "Камни преткновения, Ахтунгштрассе 21",
        "city": "heilbronn",
        "themes": "stolpersteine",
        "tags": "Рига",
        "people": [{"name": "Адольф Кан", "birth_year": 1881}],
        "licence": "CC BY-SA 4.0",
        "translation_of": "site-de",
    },
    {
        "external_id": "site-de-plain",
        "type": "memorial_site",
        "language": "de",
        "title": "Gedenktafel",
        "licence": "CC0 1.0",
    },
]

# Fields of a page that differ between two correct writes of the same row, with the reason.
# Every other concrete field is compared, latest_revision, live_revision and
# latest_revision_created_at too: neither path makes a revision, so they must both be None.
NOT_COMPARED = {
    "id": "a database id; the page is identified by its path",
    "page_ptr": "the same id again, as the link of the entry's table to wagtailcore_page",
    "entrypage_ptr": "the same id again, as the link of the type's table to archive_entrypage",
    "translation_key": "a new UUID per entry; compared as which entries share one (translation_groups)",
    "first_published_at": "the clock when the page was written; compared as set or not",
    "last_published_at": "the clock when the page was written; compared as set or not",
}
# The relations each type of entry has; a new one must be added to what is compared here.
RELATIONS = {
    "InitiativePage": {"themes", "tags", "partner_cities", "tagged_items", "wagtail_admin_comments"},
    "TestimonyPage": {"themes", "tags", "tagged_items", "wagtail_admin_comments"},
    "MemorialSitePage": {"themes", "tags", "tagged_items", "people", "wagtail_admin_comments"},
}


@pytest.fixture(autouse=True)
def earlier_entries(vocabulary, settings):
    # With a search server configured, search.signals writes outbox rows; nothing reaches a
    # server, since the drain waits for a commit and the test's transaction is rolled back.
    settings.ELASTICSEARCH_URL = "http://search.invalid:9200"
    report = import_rows(lambda: numbered(EARLIER_ROWS), bulk=False)
    assert report.created == len(EARLIER_ROWS), report.problems
    IndexOutbox.objects.all().delete()


def page_fields(page):
    values = {}
    for model_field in type(page)._meta.concrete_fields:
        if model_field.name in NOT_COMPARED:
            continue
        value = model_field.value_from_object(page)
        if model_field.name == "body":
            # Stream blocks get a random id each time they are made.
            value = [{key: item for key, item in block.items() if key != "id"} for block in value.raw_data]
        values[model_field.name] = value
    values["published"] = (page.first_published_at is not None, page.last_published_at is not None)
    return values


def relations(page):
    names = {relation.get_accessor_name() for relation in get_all_child_relations(type(page))}
    names |= {model_field.name for model_field in type(page)._meta.many_to_many}
    assert names == RELATIONS[type(page).__name__], "a new relation: compare it below"
    values = {
        "themes": sorted((theme.locale.language_code, theme.slug) for theme in page.themes.all()),
        "tags": sorted(page.tags.names()),
        "tagged_items": sorted(item.tag.name for item in page.tagged_items.all()),
        "wagtail_admin_comments": list(page.wagtail_admin_comments.values_list("text", flat=True)),
    }
    if "partner_cities" in names:
        values["partner_cities"] = sorted(city.slug for city in page.partner_cities.all())
    if "people" in names:
        values["people"] = [
            {
                model_field.name: model_field.value_from_object(person)
                for model_field in type(person)._meta.concrete_fields
                if model_field.name not in ("id", "site")
            }
            for person in page.people.order_by("sort_order")
        ]
    return values


def child_keys():
    """What names a child object in a reference's content path instead of its id: a tag its name, others their place."""
    keys = {}
    for page in EntryPage.objects.specific():
        for relation in get_all_child_relations(type(page)):
            name = relation.get_accessor_name()
            for position, child in enumerate(getattr(page, name).all()):
                keys[(name, str(child.pk))] = child.tag.name if isinstance(child, EntryTag) else str(position)
    return keys


def target_key(reference):
    model = reference.to_content_type.model_class()
    if model is Tag:
        return Tag.objects.get(pk=reference.to_object_id).name
    if issubclass(model, Page):
        return Page.objects.get(pk=reference.to_object_id).url_path
    return reference.to_object_id  # objects that existed before the import: cities, locales


def references():
    """The reference index rows of every page, by content: no ids of the import's own objects."""
    url_paths = dict(Page.objects.values_list("pk", "url_path"))
    keys = child_keys()
    rows = []
    for reference in ReferenceIndex.objects.select_related("content_type", "base_content_type", "to_content_type"):
        if reference.base_content_type.model_class() is not Page:
            continue
        relation, _, rest = reference.content_path.partition(".")
        child_id, _, field_path = rest.partition(".")
        content_path = reference.content_path
        if (relation, child_id) in keys:
            content_path = f"{relation}.<{keys[(relation, child_id)]}>.{field_path}"
        rows.append(
            (
                url_paths[int(reference.object_id)],
                reference.content_type.model,
                reference.to_content_type.model,
                target_key(reference),
                reference.model_path,
                content_path,
            )
        )
    return sorted(rows)


TSVECTOR_LEXEME = re.compile(r"'((?:[^']|'')*)'(?::([\d,A-D]+))?")


def indexed_words(value):
    """The words an index column holds, in order of the words, each as often as it occurs.

    On SQLite the columns are text; on PostgreSQL tsvectors, whose positions depend on the order
    in which the related fields were indexed: the words and their counts are what must agree.
    """
    text = str(value or "")
    lexemes = TSVECTOR_LEXEME.findall(text)
    if lexemes and text.startswith("'"):
        return sorted(
            word for word, positions in lexemes for _position in (positions.split(",") if positions else [""])
        )
    return sorted(text.split())


def search_index():
    """Wagtail's own search index (the database backend) for every page, by content.

    Without title_norm: the backend sets it from the average title length of the
    whole index when an entry is added, so it depends on the order of indexing.
    """
    url_paths = dict(Page.objects.values_list("pk", "url_path"))
    rows = []
    for entry in IndexEntry.objects.select_related("content_type"):
        if issubclass(entry.content_type.model_class(), Page):
            rows.append(
                (
                    url_paths[int(entry.object_id)],
                    entry.content_type.model,
                    *(indexed_words(column) for column in (entry.title, entry.autocomplete, entry.body)),
                )
            )
    return sorted(rows)


def stored():
    entries = list(EntryPage.objects.specific().order_by("path"))
    return {
        "fields": {page.external_id: page_fields(page) for page in entries},
        "relations": {page.external_id: relations(page) for page in entries},
        "tree": list(Page.objects.order_by("path").values_list("url_path", "path", "depth", "numchild")),
        "translation_groups": sorted(
            sorted(Page.objects.filter(translation_key=key).values_list("url_path", flat=True))
            for key in Page.objects.values_list("translation_key", flat=True).distinct()
        ),
        "tags": sorted(Tag.objects.values_list("name", "slug")),
        "references": references(),
        "search_index": search_index(),
        "outbox": sorted(
            EntryPage.objects.filter(pk__in=IndexOutbox.objects.values("page_id")).values_list("external_id", flat=True)
        ),
        "tree_problems": Page.find_problems(),
    }


def finish_as_wagtail_would():
    """Wagtail's reference and search index updates, run again now that the new entries are complete.

    Its post_save handlers run inside Page.save, before modelcluster writes the
    tags and the people, so for a page created by add_child they store neither;
    the next save of the page, or rebuild_references_index and update_index, would
    add them. The bulk writer stores them at once, as these public calls do.
    """
    for page in EntryPage.objects.filter(external_id__in=[row["external_id"] for row in ROWS]).specific():
        ReferenceIndex.create_or_update_for_object(page)
        index.insert_or_update_object(page)


def test_bulk_writer_stores_what_add_child_stores():
    with transaction.atomic():
        report = import_rows(lambda: numbered(ROWS), bulk=False)
        assert report.created == len(ROWS), report.problems
        finish_as_wagtail_would()
        per_row = stored()
        transaction.set_rollback(True)

    report = import_rows(lambda: numbered(ROWS))
    assert (report.created, report.updated, report.problems) == (len(ROWS), 0, [])
    bulk = stored()

    for part, expected in per_row.items():
        assert bulk[part] == expected, part
    assert bulk["tree_problems"] == ([], [], [], [], [])
    # What the rows are there for: a new child after an existing one, a translation of a row
    # still in the writer's chunk, a draft, every relation, and every new entry queued for search.
    numchild = {url_path: count for url_path, _, _, count in bulk["tree"]}
    assert numchild["/home/archiv/heilbronn/"] == 2
    assert ["/home-ru/arkhiv/heilbronn/site-ru/", "/home/archiv/heilbronn/site-de/"] in bulk["translation_groups"]
    assert bulk["fields"]["testimony-de-draft"]["live"] is False
    assert bulk["relations"]["site-de"]["tags"] == ["Ermordet", "Riga"]
    assert len(bulk["relations"]["site-de"]["people"]) == 2
    assert bulk["relations"]["initiative-de"]["partner_cities"] == ["berlin", "moskau"]
    assert ("/home/archiv/heilbronn/site-de/", "memorialsitepage", "tag", "Riga") in {
        row[:4] for row in bulk["references"]
    }
    assert bulk["outbox"] == sorted(row["external_id"] for row in ROWS)


def raw_references():
    """Every column of the reference index rows but the id, for comparison within one database."""
    return sorted(
        ReferenceIndex.objects.filter(base_content_type__model="page").values_list(
            "content_type_id",
            "base_content_type_id",
            "object_id",
            "to_content_type_id",
            "to_object_id",
            "model_path",
            "content_path",
            "content_path_hash",
        )
    )


def test_bulk_reference_rows_are_the_rows_wagtail_writes():
    import_rows(lambda: numbered(ROWS))
    written = raw_references()
    new_entries = list(EntryPage.objects.filter(external_id__in=[row["external_id"] for row in ROWS]).specific())
    ReferenceIndex.objects.filter(object_id__in=[str(page.pk) for page in new_entries]).delete()
    with transaction.atomic():
        for page in new_entries:
            ReferenceIndex.create_or_update_for_object(page)
    assert raw_references() == written
    assert {row[5] for row in written} == {"city", "tagged_items.item.tag"}


def found_by_wagtail_search(page, word):
    """Whether Wagtail's own (database) search backend finds the page by the word.

    Asked through the backend, not read from IndexEntry: its title is text on SQLite and a
    tsvector on PostgreSQL.
    """
    return [result.pk for result in EntryPage.objects.filter(pk=page.pk).search(word)] == [page.pk]


def test_updates_are_indexed_and_the_save_handler_is_restored():
    import_rows(lambda: numbered(ROWS))
    changed = [
        {**row, "title": "Gedenktafel Quendel"} if row["external_id"] == "site-de-plain" else row for row in ROWS
    ]
    report = import_rows(lambda: numbered(changed))  # updates, written one by one under deferred index updates
    assert (report.created, report.updated) == (0, len(ROWS))
    page = EntryPage.objects.get(external_id="site-de-plain").specific
    assert found_by_wagtail_search(page, "Quendel")
    page.title = "Gedenktafel Zzyzx"
    page.save()  # indexed by modelsearch's own post_save handler again
    assert found_by_wagtail_search(page, "Zzyzx")
    assert not found_by_wagtail_search(page, "Quendel")
