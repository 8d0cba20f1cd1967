import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.factories import (
    CollectionItemFactory,
    CollectionPageFactory,
    CommemoratedPersonFactory,
    ImageFactory,
    InitiativePageFactory,
    MemorialSitePageFactory,
    PartnerCityFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    client.get(url)  # warm the per-process caches (site root paths, locales)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def enrich(entry, archive, size):
    for number in range(size):
        entry.tags.add(f"Schlagwort {number}")
        entry.themes.add(ThemeFactory(locale=archive.locale))
        if hasattr(entry, "people"):
            CommemoratedPersonFactory(site=entry)
        if hasattr(entry, "partner_cities"):
            entry.partner_cities.add(PartnerCityFactory())
        CollectionItemFactory(collection=CollectionPageFactory(parent=archive), entry=entry)
    entry.image = ImageFactory()
    entry.save()


@pytest.mark.parametrize("factory", [MemorialSitePageFactory, InitiativePageFactory])
def test_entry_page_query_count_does_not_grow_with_its_content(client, archive_de, factory):
    small, large = factory(parent=archive_de), factory(parent=archive_de)
    enrich(small, archive_de, 1)
    enrich(large, archive_de, 12)
    assert count_queries(client, large.url) == count_queries(client, small.url)
