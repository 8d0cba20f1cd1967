"""Editors add an entry to a collection from the entry's own admin page."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from archive.factories import CollectionItemFactory, CollectionPageFactory, MemorialSitePageFactory
from archive.partners import EDITORS, setup_partner_city
from tests.archive.test_partners import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def kaluga(archive_de, archive_ru):
    return setup_partner_city("kaluga", "Kaluga", "Калуга", "RU", "Oblast Kaluga")


@pytest.fixture
def collection(archive_de, kaluga):
    collection = CollectionPageFactory(parent=archive_de, title="Für den Unterricht")
    CollectionItemFactory(collection=collection, entry=MemorialSitePageFactory(parent=archive_de, title="Erster Stein"))
    return collection


def test_an_editor_adds_an_entry_to_a_collection_from_its_page(client, django_user_model, archive_de, collection):
    editor = make_user(django_user_model, "editor", Group.objects.get(name=EDITORS))
    entry = MemorialSitePageFactory(parent=archive_de, title="Zweiter Stein")
    client.force_login(editor)
    url = reverse("archive_add_to_collection", args=[entry.pk])
    assert url in client.get(f"/admin/pages/{entry.pk}/edit/").content.decode()  # the button on the entry's page

    response = client.post(url, {"collection": collection.pk, "note": "Für die zweite Stunde"})
    assert response.status_code == 302
    collection.refresh_from_db()
    assert [item.entry.title for item in collection.items.all()] == ["Erster Stein", "Zweiter Stein"]
    assert collection.items.last().note == "Für die zweite Stunde"
    assert collection.live and not collection.has_unpublished_changes
    assert "Zweiter Stein" in client.get(collection.url).content.decode()
    client.post(url, {"collection": collection.pk})  # twice changes nothing
    assert collection.items.count() == 2


def test_partners_cannot_curate(client, django_user_model, kaluga, collection):
    partner = make_user(django_user_model, "partner", kaluga.group)
    entry = MemorialSitePageFactory(parent=kaluga.sections[0])
    client.force_login(partner)
    url = reverse("archive_add_to_collection", args=[entry.pk])
    assert url not in client.get(f"/admin/pages/{entry.pk}/edit/").content.decode()
    response = client.post(url, {"collection": collection.pk})
    assert (response.status_code, response["Location"]) == (302, "/admin/")  # Wagtail's "permission denied"
    assert collection.items.count() == 1
