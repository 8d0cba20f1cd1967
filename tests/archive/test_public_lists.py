"""Lists of entries and collections on public pages follow the one visibility rule, not `live` alone."""

import gzip
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import GroupPagePermission, PageViewRestriction

from archive.factories import (
    CollectionItemFactory,
    CollectionPageFactory,
    MemorialSitePageFactory,
    TestimonyPageFactory,
)
from archive.models import TestimonyPage
from home.models import FeaturedCollection
from tests.archive.test_partners import make_user

pytestmark = pytest.mark.django_db


def restrict(page):
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="geheim")


def text_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_collection_shows_only_the_entries_anyone_may_see(client, archive_de):
    public = MemorialSitePageFactory(parent=archive_de, title="Offener Stein")
    restricted = MemorialSitePageFactory(parent=archive_de, title="Stein hinter Passwort")
    restrict(restricted)
    unconsented = TestimonyPageFactory(parent=archive_de, title="Zeugnis ohne Einwilligung")
    # Live, and its consent gone since (as an import or a data fix may leave it).
    TestimonyPage.objects.filter(pk=unconsented.pk).update(consent=TestimonyPage.Consent.NOT_RECORDED)
    draft = MemorialSitePageFactory(parent=archive_de, title="Entwurf eines Steins", live=False)
    collection = CollectionPageFactory(parent=archive_de, title="Für den Unterricht")
    for entry in (public, restricted, unconsented, draft):
        CollectionItemFactory(collection=collection, entry=entry)

    page = text_of(client, collection.url)
    assert "Offener Stein" in page
    for hidden in ("Stein hinter Passwort", "Zeugnis ohne Einwilligung", "Entwurf eines Steins"):
        assert hidden not in page


def test_a_restricted_collection_is_neither_featured_nor_listed_on_its_entries(client, home_de, archive_de):
    entry = MemorialSitePageFactory(parent=archive_de, title="Stein in zwei Sammlungen")
    open_collection = CollectionPageFactory(parent=archive_de, title="Offene Sammlung")
    closed_collection = CollectionPageFactory(parent=archive_de, title="Geschlossene Sammlung", intro_text="Intern")
    restrict(closed_collection)
    for position, collection in enumerate((open_collection, closed_collection)):
        CollectionItemFactory(collection=collection, entry=entry)
        FeaturedCollection.objects.create(home=home_de, collection=collection, sort_order=position)

    home = text_of(client, home_de.url)
    assert "Offene Sammlung" in home
    assert "Geschlossene Sammlung" not in home
    entry_page = text_of(client, entry.url)
    assert open_collection.url in entry_page
    assert "Geschlossene Sammlung" not in entry_page and closed_collection.url not in entry_page


def test_a_translation_that_is_not_public_is_not_linked(client, archive_de, archive_ru):
    german = MemorialSitePageFactory(parent=archive_de, title="Stein für Anna")
    russian = MemorialSitePageFactory(
        parent=archive_ru, title="Камень для Анны", translation_key=german.translation_key
    )
    page = text_of(client, german.url)
    assert '<link rel="alternate" hreflang="ru"' in page and f'href="{russian.url}"' in page

    restrict(russian)
    page = text_of(client, german.url)
    assert russian.url not in page
    assert '<link rel="alternate" hreflang="ru"' not in page
    assert "language-switcher__missing" in page  # the switcher leads to the Russian home page instead


def test_a_testimony_without_consent_is_not_linked_as_a_translation(client, archive_de, archive_ru):
    german = TestimonyPageFactory(parent=archive_de, title="Zeugnis von Anna")
    russian = TestimonyPageFactory(
        parent=archive_ru, title="Свидетельство Анны", translation_key=german.translation_key
    )
    TestimonyPage.objects.filter(pk=russian.pk).update(consent=TestimonyPage.Consent.NOT_RECORDED)
    page = text_of(client, german.url)
    assert russian.url not in page


def test_adding_to_a_collection_needs_an_entry_the_user_may_see(client, django_user_model, archive_de):
    """A curator who may publish a collection cannot add, by its id, an entry outside what they may explore."""
    collections = CollectionPageFactory(parent=archive_de, title="Kuratierte Sammlung")
    curators = Group.objects.create(name="Curators")
    curators.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=curators, page=collections, permission=Permission.objects.get(codename=codename)
        )
    curator = make_user(django_user_model, "curator", curators)
    elsewhere = MemorialSitePageFactory(parent=archive_de, title="Entwurf anderswo", live=False)
    client.force_login(curator)

    url = reverse("archive_add_to_collection", args=[elsewhere.pk])
    response = client.post(url, {"collection": collections.pk})
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # Wagtail's "permission denied"
    assert collections.items.count() == 0
    response = client.get(url)  # the form, which would name the entry, is not shown either
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_the_map_data_is_cached_gzipped_and_follows_every_change(client, archive_de):
    site = MemorialSitePageFactory(parent=archive_de, title="Stein am Markt", latitude=49.1, longitude=9.2)
    # A second site: gzip leaves bodies of a few bytes as they are.
    MemorialSitePageFactory(parent=archive_de, title="Tafel am Rathaus", latitude=49.2, longitude=9.3)
    MemorialSitePageFactory(parent=archive_de, title="Tafel am Bahnhof", latitude=49.3, longitude=9.4)

    def titles():
        response = client.get("/map/entries.geojson", {"language": "de"}, HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip"
        features = json.loads(gzip.decompress(response.content))["features"]
        return sorted(feature["properties"]["title"] for feature in features)

    assert titles() == ["Stein am Markt", "Tafel am Bahnhof", "Tafel am Rathaus"]
    with CaptureQueriesContext(connection) as queries:
        assert titles() == ["Stein am Markt", "Tafel am Bahnhof", "Tafel am Rathaus"]
    assert not any("archive_memorialsitepage" in query["sql"] for query in queries.captured_queries)  # cached

    restrict(site)
    assert titles() == ["Tafel am Bahnhof", "Tafel am Rathaus"]
    PageViewRestriction.objects.filter(page=site).delete()
    assert titles() == ["Stein am Markt", "Tafel am Bahnhof", "Tafel am Rathaus"]
    site.unpublish()
    assert titles() == ["Tafel am Bahnhof", "Tafel am Rathaus"]
