"""The embedded default's search reduces German and Russian words as the index does (archive/stemming.py).

The same texts and queries as the index's own analysis tests (test_index_analysis.py), asked of
the database engine: what Elasticsearch finds there, the database finds too.
"""

import pytest

from archive.factories import MemorialSitePageFactory
from archive.stemming import german_normalization, word_stems
from search.forms import SearchForm
from search.service import search_entries
from tests.search.test_index_analysis import GERMAN_QUERIES, GERMAN_TEXTS, RUSSIAN_QUERIES, RUSSIAN_TEXTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(archive_de, archive_ru, settings):
    settings.ELASTICSEARCH_URL = ""
    titles = {}
    for number, (key, text) in enumerate([*GERMAN_TEXTS.items(), *RUSSIAN_TEXTS.items()]):
        parent = archive_ru if key in RUSSIAN_TEXTS else archive_de
        page = MemorialSitePageFactory(
            parent=parent, title=f"Nr {number}", summary="", inscription="", address="", text=text
        )
        titles[page.title] = key
    return titles


def found(texts, query):
    results = search_entries(query, SearchForm({}), page_size=50)
    assert results.backend == "database"
    return {texts[hit.entry.title] for hit in results.hits}


@pytest.mark.parametrize(("query", "expected"), GERMAN_QUERIES + RUSSIAN_QUERIES)
def test_the_database_finds_what_the_index_finds(texts, query, expected):
    assert found(texts, query) == expected


def test_a_query_for_a_compound_is_not_split(texts):
    # "Kriegsgräber" finds the graves, not every text that mentions "Krieg".
    assert found(texts, "Kriegsgräber") == {"war_graves"}
    assert word_stems("Kriegsgräber") == ["kriegsgrab"]
    assert set(word_stems("Kriegsgräber", decompound=True)) == {"kriegsgrab", "krieg", "grab"}


@pytest.mark.parametrize(
    ("word", "normalised"),
    [
        ("grünebaum", "grunebaum"),
        ("gruenebaum", "grunebaum"),
        ("straße", "strasse"),
        ("schueler", "schuler"),
        ("aehre", "ahre"),
        ("quelle", "quelle"),
        ("treue", "treue"),
        ("koeln", "koln"),
    ],
)
def test_german_normalisation_as_lucene_does_it(word, normalised):
    # "ue" after a vowel or q stays ("treue", "quelle"): Lucene's GermanNormalizationFilter.
    assert german_normalization(word) == normalised
