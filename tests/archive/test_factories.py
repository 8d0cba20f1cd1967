import pytest

from archive.factories import (
    CollectionItemFactory,
    CommemoratedPersonFactory,
    InitiativePageFactory,
    MemorialSitePageFactory,
    TestimonyPageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factory", [InitiativePageFactory, TestimonyPageFactory, MemorialSitePageFactory])
def test_entry_factories_build_distinct_live_pages(factory, archive_de):
    first, second = factory(parent=archive_de), factory(parent=archive_de)
    assert first.live and second.live
    assert first.get_parent().pk == archive_de.pk
    assert first.locale == archive_de.locale
    assert first.title != second.title
    assert first.body_text and first.body_text != second.body_text


def test_person_and_collection_factories(archive_de):
    site = MemorialSitePageFactory(parent=archive_de)
    person = CommemoratedPersonFactory(site=site)
    assert list(site.people.all()) == [person]
    item = CollectionItemFactory(collection__parent=archive_de, entry=site)
    assert item.collection.items.get().entry_id == site.pk
