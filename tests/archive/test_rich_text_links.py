"""A link in rich text gives the address of a page only when anyone may see that page."""

import pytest
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from archive.factories import MemorialSitePageFactory

pytestmark = pytest.mark.django_db


def linking_page(parent, target, **fields):
    body = [("paragraph", RichText(f'<p><a linktype="page" id="{target.pk}">der Stein</a></p>'))]
    fields.setdefault("title", "Verweis")
    return MemorialSitePageFactory(parent=parent, body=body, **fields)


def test_a_public_link_leads_to_the_readers_language_version(client, archive_de, archive_ru):
    german = MemorialSitePageFactory(parent=archive_de, title="Stein Kahn")
    russian = MemorialSitePageFactory(parent=archive_ru, title="Камень Кан", translation_key=german.translation_key)
    linking = linking_page(archive_ru, german, title="Ссылка")
    html = client.get(linking.url).content.decode()
    assert f'<a href="{russian.url}">der Stein</a>' in html


def test_a_restricted_translation_is_not_linked_the_linked_page_is(client, archive_de, archive_ru):
    """Wagtail writes the live translation's address, restricted or not: its slug would show."""
    german = MemorialSitePageFactory(parent=archive_de, title="Stein Kahn")
    russian = MemorialSitePageFactory(
        parent=archive_ru, title="Камень Кан", slug="kamen-geheim", translation_key=german.translation_key
    )
    PageViewRestriction.objects.create(page=russian, restriction_type="password", password="x")
    linking = linking_page(archive_ru, german, title="Ссылка")
    html = client.get(linking.url).content.decode()
    assert "kamen-geheim" not in html
    assert f'<a href="{german.url}">der Stein</a>' in html


def test_a_link_to_a_page_nobody_may_see_keeps_its_text_only(client, archive_de):
    draft = MemorialSitePageFactory(parent=archive_de, title="Entwurf", slug="entwurf-lebende-person", live=False)
    linking = linking_page(archive_de, draft)
    html = client.get(linking.url).content.decode()
    assert "entwurf-lebende-person" not in html
    assert "<a>der Stein</a>" in html
