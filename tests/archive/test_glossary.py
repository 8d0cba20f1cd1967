"""The glossary: its starter terms, and the admin where the editors keep it and partners may not."""

import pytest
from django.contrib.auth.models import Group
from wagtail.admin.menu import SubmenuMenuItem, admin_menu

from archive.factories import GlossaryTermFactory
from archive.models import GlossaryTerm
from archive.partners import EDITORS, ensure_editorial, setup_partner_city
from archive.vocabulary import ensure_glossary, ensure_vocabulary, starter_glossary
from archive.wagtail_hooks import VocabularyGroup
from tests.archive.test_partners import make_user, refused

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/archive/glossaryterm/"
ADD_URL = LIST_URL + "add/"


# The starter glossary ----------------------------------------------------------------


def test_the_starter_glossary_has_at_least_60_complete_distinct_pairs():
    terms = starter_glossary()
    assert len(terms) >= 60
    for term in terms:
        assert term.term_de and term.term_de == term.term_de.strip(), term
        assert term.term_ru and term.term_ru == term.term_ru.strip(), term
        assert term.note == term.note.strip(), term
        # Each side in its own script: a swapped column would put Latin letters into term_ru.
        assert not any("а" <= letter.lower() <= "я" for letter in term.term_de), term
        assert not any("a" <= letter.lower() <= "z" for letter in term.term_ru), term
        term.full_clean(validate_unique=False)
    assert len({(term.term_de, term.term_ru) for term in terms}) == len(terms)


def test_seeding_loads_the_starter_glossary_once():
    assert ensure_glossary() == len(starter_glossary())
    saved = list(GlossaryTerm.objects.values_list("term_de", "term_ru", "note"))
    assert sorted(saved) == sorted((term.term_de, term.term_ru, term.note) for term in starter_glossary())
    assert GlossaryTerm.objects.filter(updated_at=None).count() == 0

    assert ensure_glossary() == 0
    assert GlossaryTerm.objects.count() == len(saved)


def test_seeding_leaves_the_editors_glossary_alone():
    ensure_glossary()
    GlossaryTerm.objects.get(term_de="Kriegsgefangene", term_ru="военнопленные").delete()
    GlossaryTerm.objects.filter(term_de="Gedenken", term_ru="память").update(note="Von der Redaktion.")
    ensure_vocabulary()
    assert not GlossaryTerm.objects.filter(term_de="Kriegsgefangene").exists()
    assert GlossaryTerm.objects.get(term_de="Gedenken", term_ru="память").note == "Von der Redaktion."


def test_the_vocabulary_includes_the_glossary():
    ensure_vocabulary()
    assert GlossaryTerm.objects.count() == len(starter_glossary())


def test_glossary_term_factory_builds_distinct_terms():
    first, second = GlossaryTermFactory(), GlossaryTermFactory()
    assert (first.term_de, first.term_ru) != (second.term_de, second.term_ru)
    assert first.note and first.note != second.note
    assert str(first) == f"{first.term_de} – {first.term_ru}"


# The admin ----------------------------------------------------------------------------


@pytest.fixture
def kaluga(archive_de, archive_ru):
    return setup_partner_city("kaluga", "Kaluga", "Калуга", "RU", "Oblast Kaluga")


@pytest.fixture
def editor(django_user_model, archive_de, archive_ru):
    ensure_editorial()
    return make_user(django_user_model, "editor", Group.objects.get(name=EDITORS))


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def partner_client(client, django_user_model, kaluga):
    client.force_login(make_user(django_user_model, "kaluga-partner", kaluga.group))
    return client


def test_editors_list_and_search_the_glossary(editor_client):
    GlossaryTermFactory(term_de="Kriegsgefangene", term_ru="военнопленные", note="Auch Zivilinternierte?")
    GlossaryTermFactory(term_de="Gedenken", term_ru="память")
    listing = editor_client.get(LIST_URL)
    assert listing.status_code == 200
    content = listing.content.decode()
    assert "Kriegsgefangene" in content and "военнопленные" in content and "Auch Zivilinternierte?" in content
    assert "Gedenken" in content

    found = editor_client.get(LIST_URL, {"q": "военноплен"}).content.decode()
    assert "Kriegsgefangene" in found
    assert "Gedenken" not in found


def test_the_glossary_is_in_the_vocabulary_menu(rf, editor):
    request = rf.get("/admin/")
    request.user = editor
    groups = [item for item in admin_menu.menu_items_for_request(request) if isinstance(item, SubmenuMenuItem)]
    holding = [
        group.label for group in groups if LIST_URL in [i.url for i in group.menu.menu_items_for_request(request)]
    ]
    assert holding == [VocabularyGroup.menu_label]


def test_editors_add_change_and_delete_terms(editor_client):
    response = editor_client.get(ADD_URL)
    assert response.status_code == 200

    response = editor_client.post(ADD_URL, {"term_de": "Deportation", "term_ru": "депортация", "note": ""})
    assert response.status_code == 302
    term = GlossaryTerm.objects.get(term_de="Deportation")
    assert term.term_ru == "депортация"

    edit_url = f"{LIST_URL}edit/{term.pk}/"
    data = {"term_de": "Deportation", "term_ru": "депортации", "note": "Plural."}
    assert editor_client.post(edit_url, data).status_code == 302
    term.refresh_from_db()
    assert (term.term_ru, term.note) == ("депортации", "Plural.")

    assert editor_client.post(f"{LIST_URL}delete/{term.pk}/").status_code == 302
    assert not GlossaryTerm.objects.filter(pk=term.pk).exists()


def test_a_pair_cannot_be_entered_twice(editor_client):
    GlossaryTermFactory(term_de="Deportation", term_ru="депортация")
    response = editor_client.post(ADD_URL, {"term_de": "Deportation", "term_ru": "депортация", "note": ""})
    assert response.status_code == 200  # the form again, with the error
    assert GlossaryTerm.objects.filter(term_de="Deportation").count() == 1


def test_partners_may_neither_see_nor_change_the_glossary(partner_client):
    term = GlossaryTermFactory(term_de="Gedenken", term_ru="память")
    assert refused(partner_client.get(LIST_URL))
    assert refused(partner_client.get(ADD_URL))
    assert refused(partner_client.post(ADD_URL, {"term_de": "Deportation", "term_ru": "депортация", "note": ""}))
    assert refused(partner_client.post(f"{LIST_URL}edit/{term.pk}/", {"term_de": "X", "term_ru": "Y", "note": ""}))
    assert refused(partner_client.post(f"{LIST_URL}delete/{term.pk}/"))
    assert list(GlossaryTerm.objects.values_list("term_de", "term_ru")) == [("Gedenken", "память")]
