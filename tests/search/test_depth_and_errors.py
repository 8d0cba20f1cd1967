"""Deep pages stay on Elasticsearch; a request Elasticsearch refuses is an error in the log and a count in /healthz/."""

import logging

import pytest
from django.utils import translation

from archive.factories import MemorialSitePageFactory
from search import indexing
from search.engines.elasticsearch import ElasticsearchSearch
from search.service import search_entries, suggest_entries

pytestmark = pytest.mark.django_db

UNAVAILABLE = "The full-text search is unavailable"


@pytest.fixture
def stones(search_index, archive_de):
    for number in range(3):
        MemorialSitePageFactory(parent=archive_de, title=f"Stein Nummer {number}")
    indexing.rebuild()


@pytest.mark.parametrize(("page_number", "page_size"), [(251, 20), (51, 100), (500, 20)])
def test_a_deep_page_is_answered_by_elasticsearch(stones, page_number, page_size):
    """Deep pages once asked for more kNN candidates than Elasticsearch allows, and got the database."""
    with translation.override("en"):
        results = search_entries("Stein", None, page_number=page_number, page_size=page_size)
    assert results.backend == "elasticsearch"
    assert not any(UNAVAILABLE in note for note in results.notes)
    # Three entries: the last page there is, the first.
    assert (results.page.number, results.count) == (1, 3)


def test_past_the_window_the_page_says_how_deep_one_can_page(stones, client):
    response = client.get("/de/search/", {"q": "Stein", "page": 10_000})
    assert response.status_code == 200
    assert response.context["results"].backend == "elasticsearch"
    assert "Nur die ersten 10.000 Treffer" in response.content.decode()
    # The API says how many pages there are, counted by Elasticsearch, not by a fallback.
    response = client.get("/api/v1/search/", {"q": "Stein", "page": 51, "page_size": 100})
    assert response.status_code == 400
    assert "There is 1 page" in str(response.json())
    assert client.get("/api/v1/search/", {"q": "Stein", "page": 1, "page_size": 100}).json()["backend"] == (
        "elasticsearch"
    )


def test_a_request_elasticsearch_refuses_is_logged_as_an_error(stones, monkeypatch, caplog):
    built = ElasticsearchSearch.request_body

    def wrong(self, *args, **kwargs):
        body = built(self, *args, **kwargs)
        body["sort"] = [{"no_such_field_in_the_index": {"order": "asc", "unmapped_type": "nonsense"}}]
        return body

    monkeypatch.setattr(ElasticsearchSearch, "request_body", wrong)
    with caplog.at_level(logging.WARNING, logger="memoria.search"):
        results = search_entries("Stein", None)
    assert results.backend == "database"
    assert [record.levelno for record in caplog.records if record.name == "memoria.search"] == [logging.ERROR]
    assert "refused" in caplog.text


def test_a_refused_request_is_counted_in_the_health_check(stones, monkeypatch, client):
    """The reader never sees a refusal (the database answers): the monitor does, until the hour after next."""
    assert client.get("/healthz/").json()["checks"]["elasticsearch"]["refused_requests"] == 0
    built = ElasticsearchSearch.request_body

    def wrong(self, *args, **kwargs):
        return {**built(self, *args, **kwargs), "size": -5}

    monkeypatch.setattr(ElasticsearchSearch, "request_body", wrong)
    for _ in range(2):
        assert search_entries("Stein", None).backend == "database"
    body = client.get("/healthz/").json()
    assert (body["status"], body["checks"]["elasticsearch"]["refused_requests"]) == ("degraded", 2)


def test_a_refused_suggestion_is_an_error_and_counted(stones, monkeypatch, caplog):
    from elasticsearch import Elasticsearch

    from search.refusals import recent_refusals

    original = Elasticsearch.search

    def wrong(self, *args, **kwargs):
        return original(self, *args, **{**kwargs, "size": -5})

    monkeypatch.setattr(Elasticsearch, "search", wrong)
    with caplog.at_level(logging.WARNING, logger="memoria.search"):
        suggestions = suggest_entries("Stein")
    assert sorted(suggestion.text for suggestion in suggestions) == [
        "Stein Nummer 0",
        "Stein Nummer 1",
        "Stein Nummer 2",
    ]
    assert [record.levelno for record in caplog.records if record.name == "memoria.search"] == [logging.ERROR]
    assert recent_refusals() == 1


def test_an_outage_is_a_warning(search_index, archive_de, settings, caplog):
    from search import client as search_client

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    search_client._clients.clear()
    with caplog.at_level(logging.WARNING, logger="memoria.search"):
        results = search_entries("Stein", None)
    assert results.backend == "database"
    assert [record.levelno for record in caplog.records if record.name == "memoria.search"] == [logging.WARNING]
