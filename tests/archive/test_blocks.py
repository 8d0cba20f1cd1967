"""The blocks of an entry's body as the editor's block picker shows them: described and previewed."""

import pytest
import wagtail_factories
from django.urls import reverse
from django.utils import translation
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.fields import StreamField
from wagtail.users.models import UserProfile

from archive.factories import InitiativePageFactory
from archive.models import EntryPage

pytestmark = pytest.mark.django_db

RECORDING_URL = "https://www.youtube.com/watch?v=memoria-test"


def entry_body_blocks():
    """(field, block name, block) for every block of every StreamField of the entry pages."""
    models = [EntryPage, *(model for model in EntryPage.__subclasses__())]
    fields = {field for model in models for field in model._meta.get_fields() if isinstance(field, StreamField)}
    return [
        (field.name, name, block)
        for field in sorted(fields, key=lambda field: field.name)
        for name, block in field.stream_block.child_blocks.items()
    ]


BLOCKS = entry_body_blocks()
BLOCK_IDS = [f"{field}.{name}" for field, name, _block in BLOCKS]


@pytest.fixture
def library(db):
    """One image, one document and one fetched recording, as an editor's library holds them."""
    image = wagtail_factories.ImageFactory(title="Stolperstein für Adolf Kahn", description="Der Stein in der Allee")
    document = wagtail_factories.DocumentFactory(title="Deportationsliste November 1941")
    Embed.objects.create(
        url=RECORDING_URL,
        hash=get_embed_hash(RECORDING_URL),
        type="video",
        html='<iframe title="Gespräch mit Irina Wassiljewa"></iframe>',
    )
    return {"image": image, "document": document}


def preview(client, block):
    return client.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return user


def test_the_entry_body_blocks_are_found():
    assert {name for _field, name, _block in BLOCKS} == {"heading", "paragraph", "image", "quote", "document", "embed"}


@pytest.mark.parametrize(("field", "name", "block"), BLOCKS, ids=BLOCK_IDS)
def test_every_block_is_described_and_its_preview_renders(client, editor, library, field, name, block):
    assert block.get_description()
    assert block.is_previewable  # Wagtail shows a preview only with a preview value and our preview template
    expected = {
        "heading": "Die Familie Kahn",
        "paragraph": "<p>Adolf Kahn wurde 1881 geboren.</p>",
        "quote": "Niemand ist vergessen, nichts ist vergessen.",
        "image": "Der Stein in der Allee",
        "document": f'<a href="{library["document"].url}">Deportationsliste November 1941</a>',
        "embed": "Gespräch mit Irina Wassiljewa",
    }[name]
    with translation.override("de"):
        html = block.render(block.get_preview_value())
    assert expected in html
    if name == "image":
        assert library["image"].get_rendition("width-960").url in html
    response = preview(client, block)
    assert response.status_code == 200
    page = response.content.decode()
    assert html in page
    assert "css/memoria.css" in page


def test_previews_are_in_the_editors_language(client, editor):
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "ru"
    profile.save()
    blocks = {name: block for _field, name, block in BLOCKS}
    assert "Семья Кан" in preview(client, blocks["heading"]).content.decode()
    page = preview(client, blocks["quote"]).content.decode()
    assert "Никто не забыт, ничто не забыто." in page
    assert "Ольга Берггольц" in page


@pytest.mark.parametrize("name", ["image", "document", "embed"])
def test_previews_render_while_the_library_is_empty(client, editor, name):
    block = {block_name: block for _field, block_name, block in BLOCKS}[name]
    response = preview(client, block)
    assert response.status_code == 200
    main = response.content.decode().split("<main>")[1]
    assert f"w-block-{name}" in main
    assert "None" not in main


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
