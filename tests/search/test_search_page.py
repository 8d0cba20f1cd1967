import datetime

import pytest

from archive.factories import InitiativePageFactory, MemorialSitePageFactory, TestimonyPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(archive_de, archive_ru, vocabulary):
    return {
        "german": MemorialSitePageFactory(
            parent=archive_de,
            title="Stolpersteine Achtungstraße",
            text="Die Familie Kahn wohnte in Heilbronn.",
            city=vocabulary["heilbronn"],
            date=datetime.date(1941, 12, 1),
        ),
        "russian": InitiativePageFactory(
            parent=archive_ru,
            title="Память в Калуге",
            text="Конференция городов-партнёров и семья Кан.",
            city=vocabulary["kaluga"],
            date=datetime.date(2021, 6, 1),
        ),
        "draft": MemorialSitePageFactory(parent=archive_de, title="Entwurf Kahn", live=False),
        "unconsented": TestimonyPageFactory(
            parent=archive_de, title="Zeugnis Kahn", consent="not_recorded", consent_given_by="", consent_date=None
        ),
    }


def titles(response):
    return [hit.entry.title for hit in response.context["results"].hits]


def test_search_finds_live_entries_of_both_languages_from_either_interface(client, entries):
    for prefix in ("/de", "/ru"):
        assert titles(client.get(f"{prefix}/search/", {"q": "Kahn"})) == ["Stolpersteine Achtungstraße"]
        assert titles(client.get(f"{prefix}/search/", {"q": "Калуге"})) == ["Память в Калуге"]


def test_drafts_and_testimonies_without_consent_are_never_found(client, entries):
    response = client.get("/de/search/", {"q": "Kahn"})
    html = response.content.decode()
    assert "Entwurf Kahn" not in html
    assert "Zeugnis Kahn" not in html


def test_filters(client, entries):
    assert titles(client.get("/de/search/", {"q": "", "language": "ru"})) == ["Память в Калуге"]
    assert titles(client.get("/de/search/", {"type": "memorial_site"})) == ["Stolpersteine Achtungstraße"]
    assert titles(client.get("/de/search/", {"city": "kaluga"})) == ["Память в Калуге"]
    assert titles(client.get("/de/search/", {"date_from": 2000, "date_to": 2030})) == ["Память в Калуге"]


def test_snippet_is_highlighted_and_escaped(client, entries):
    response = client.get("/de/search/", {"q": "Familie"})
    html = response.content.decode()
    assert "<mark>Familie</mark>" in html


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "\x00\x07control", "x" * 10_000, "title:(a OR b) AND NOT c~2^3", "<script>alert(1)</script>"],
    ids=["quote", "control", "long", "lucene", "html"],
)
def test_hostile_queries_get_a_normal_page(client, entries, query):
    response = client.get("/de/search/", {"q": query, "page": "999999"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_invalid_filters_do_not_break_the_page(client, entries):
    response = client.get("/de/search/", {"q": "Kahn", "date_from": "abc", "city": "atlantis", "page": "-1"})
    assert response.status_code == 200


def test_search_page_query_count_does_not_grow_with_the_results(
    client, archive_de, vocabulary, django_assert_max_num_queries
):
    for number in range(3):
        MemorialSitePageFactory(parent=archive_de, title=f"Stein Quitte {number}", city=vocabulary["berlin"])
    client.get("/de/search/", {"q": "Quitte"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/de/search/", {"q": "Quitte"})
    for number in range(3, 15):
        MemorialSitePageFactory(parent=archive_de, title=f"Stein Quitte {number}", city=vocabulary["heilbronn"])
    with django_assert_max_num_queries(len(few)):
        response = client.get("/de/search/", {"q": "Quitte"})
    assert response.context["results"].count == 15
