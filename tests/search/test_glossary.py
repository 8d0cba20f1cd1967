"""The glossary expands a query with the terms of the other language, in any inflected form, at once.

No Elasticsearch here: expansions() only reads the glossary table; what the search does with
the terms is tested with the search.
"""

import pytest
from django.utils import timezone

from archive.factories import GlossaryTermFactory
from archive.models import GlossaryTerm
from archive.vocabulary import ensure_glossary
from search.glossary import Glossary, current_glossary, expansions

pytestmark = pytest.mark.django_db

PAIRS = [
    ("Gedenken", "память"),
    ("Erinnerung", "память"),
    ("Erinnerung", "воспоминание"),
    ("Kriegsgefangene", "военнопленные"),
    ("Stolperstein", "камень преткновения"),
    ("Tag des Sieges", "День Победы"),
    ("Blockade Leningrads", "блокада Ленинграда"),
    ("Leningrad", "Ленинград"),
    ("Großer Vaterländischer Krieg", "Великая Отечественная война"),
    ("Jugendaustausch", "молодёжный обмен"),
    ("Babyn Jar", "Бабий Яр"),
    ("Babi Jar", "Бабий Яр"),
]


@pytest.fixture
def glossary(db):
    return [GlossaryTermFactory(term_de=term_de, term_ru=term_ru) for term_de, term_ru in PAIRS]


# Matching ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # German to Russian, inflected.
        ("Gedenken", "память"),
        ("des Gedenkens", "память"),
        ("Kriegsgefangenen in Kaluga", "военнопленные"),
        ("Stolpersteine", "камень преткновения"),
        ("Jugendaustausches", "молодёжный обмен"),
        # Russian to German, inflected; the stemmer alone gives "память" and "памяти" different stems.
        ("памяти", "Gedenken"),
        ("Памятью", "Gedenken"),
        ("о военнопленных", "Kriegsgefangene"),
        ("ВОЕННОПЛЕННЫМ", "Kriegsgefangene"),
        # Several words, in order, each inflected ("камни": the stem loses its vowel).
        ("Tag des Sieges", "День Победы"),
        ("zum Tage des Sieges", "День Победы"),
        ("ко Дню Победы", "Tag des Sieges"),
        ("камни преткновения в Берлине", "Stolperstein"),
        ("камней преткновения", "Stolperstein"),
        ("Blockade Leningrads", "блокада Ленинграда"),
        ("блокаде Ленинграда", "Blockade Leningrads"),
        ("Великой Отечественной войны", "Großer Vaterländischer Krieg"),
        # ё and е, umlauts and ß, written or not.
        ("молодежный обмен", "Jugendaustausch"),
        ("des Grossen Vaterlaendischen Krieges", "Великая Отечественная война"),
    ],
)
def test_a_query_is_expanded_with_the_other_language(glossary, query, expected):
    assert expected in expansions(query)


@pytest.mark.parametrize(
    "query",
    [
        "Tag",  # one word of a term is not the term
        "Sieges Tag",  # nor are its words in another order
        "Tag der Befreiung und des Sieges",  # nor with other words between them
        "Памятник",  # begins like "память", is another word
        "Kriegsgefangenschaft",  # begins like "Kriegsgefangene", is another word
        "",
    ],
)
def test_only_whole_terms_are_expanded(glossary, query):
    assert expansions(query) == []


def test_expansions_are_the_glossarys_own_spelling_each_once_and_none_the_query_has(glossary):
    # Sorted where one place of the query matches several pairs: their order is the glossary's.
    assert expansions("Kriegsgefangenen und Kriegsgefangene") == ["военнопленные"]
    assert sorted(expansions("Gedenken")) == ["Erinnerung", "память"]
    # "память" is both Gedenken and Erinnerung; Erinnerung is also "воспоминание".
    assert sorted(expansions("памяти")) == ["Erinnerung", "Gedenken", "воспоминание"]
    assert sorted(expansions("Gedenken, память")) == ["Erinnerung", "воспоминание"]


def test_other_written_forms_come_through_the_shared_translation(glossary):
    assert expansions("Babi Jar") == ["Бабий Яр", "Babyn Jar"]
    assert sorted(expansions("Бабьего Яра")) == ["Babi Jar", "Babyn Jar"]


def test_a_term_inside_a_longer_term_of_the_query_is_left_out(glossary):
    assert expansions("Blockade Leningrads") == ["блокада Ленинграда"]
    assert expansions("Leningrads") == ["Ленинград"]


def test_a_glossary_can_be_compiled_from_pairs_without_the_database():
    glossary = Glossary([("Deportation", "депортация")])
    assert glossary.expansions("Deportationen aus Heilbronn") == ["депортация"]
    assert glossary.expansions("о депортации") == ["Deportation"]
    assert len(glossary) == 1


# Changes apply at once ---------------------------------------------------------------


def test_an_edit_applies_to_the_next_query(glossary):
    assert expansions("Kriegsgefangene") == ["военнопленные"]
    term = GlossaryTerm.objects.get(term_de="Kriegsgefangene")
    term.term_ru = "военнопленный"
    term.save()
    assert expansions("Kriegsgefangene") == ["военнопленный"]


def test_a_new_term_applies_to_the_next_query(glossary):
    assert expansions("Deportation") == []
    GlossaryTermFactory(term_de="Deportation", term_ru="депортация")
    assert expansions("Deportationen") == ["депортация"]
    assert expansions("депортации") == ["Deportation"]


def test_a_deleted_term_applies_to_the_next_query(glossary):
    assert sorted(expansions("Gedenken")) == ["Erinnerung", "память"]
    # Not the newest term: the count, not the newest change, tells that it is gone.
    GlossaryTerm.objects.get(term_de="Gedenken").delete()
    assert expansions("Gedenken") == []


def test_a_change_without_signals_from_another_process_applies_too(glossary):
    assert expansions("Kriegsgefangene") == ["военнопленные"]
    # A queryset update sends no signal, like a change made by another process; only the table tells.
    GlossaryTerm.objects.filter(term_de="Kriegsgefangene").update(term_ru="пленные", updated_at=timezone.now())
    assert expansions("Kriegsgefangene") == ["пленные"]


def test_the_compiled_glossary_is_reused_while_nothing_changes(glossary, django_assert_num_queries):
    compiled = current_glossary()
    with django_assert_num_queries(1):
        assert current_glossary() is compiled
    with django_assert_num_queries(1):
        assert sorted(expansions("Gedenken")) == ["Erinnerung", "память"]
    with django_assert_num_queries(0):
        assert expansions("  ") == []


def test_every_pair_of_the_table_expands_both_ways(glossary):
    for term_de, term_ru in PAIRS:
        assert term_ru in expansions(term_de), term_de
        assert term_de in expansions(term_ru), term_ru


# The starter glossary ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Gedenken", "память"),
        ("памяти", "Gedenken"),
        ("Kriegsgefangene", "военнопленные"),
        ("военнопленных", "Kriegsgefangene"),
        ("Stolpersteine", "камень преткновения"),
        ("камни преткновения", "Stolperstein"),
        ("Blockade Leningrads", "блокада Ленинграда"),
        ("Tag des Sieges", "День Победы"),
        ("22. Juni 1941", "22 июня"),
        ("Zeitzeugen", "очевидец"),
        ("воспоминания очевидцев", "Zeitzeuge"),
        ("Städtepartnerschaften", "города-побратимы"),
        ("городов-побратимов", "Städtepartnerschaft"),
        ("остарбайтеров", "Ostarbeiter"),
        ("мемориалы", "Gedenkstätte"),
        ("Ghettos", "гетто"),
    ],
)
def test_the_starter_glossary_expands_the_archives_themes(db, query, expected):
    ensure_glossary()
    assert expected in expansions(query)
