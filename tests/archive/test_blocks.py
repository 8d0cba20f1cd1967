"""The blocks of an entry's body."""

import pytest
import wagtail_factories

from archive.factories import InitiativePageFactory

pytestmark = pytest.mark.django_db


def test_an_entry_still_renders_after_its_document_is_deleted(client, archive_de):
    document = wagtail_factories.DocumentFactory(title="Deportationsliste November 1941")
    entry = InitiativePageFactory(parent=archive_de)
    entry.body = [("document", {"document": document, "title": ""}), ("heading", "Die Familie Kahn")]
    entry.save_revision().publish()
    assert "Deportationsliste November 1941" in client.get(entry.url).content.decode()
    document.delete()
    response = client.get(entry.url)
    assert response.status_code == 200
    assert "Die Familie Kahn" in response.content.decode()
    assert "document-link" not in response.content.decode()
