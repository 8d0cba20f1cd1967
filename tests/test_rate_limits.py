"""What costs the server work per request is limited per client address, with a 429 that says how long to wait."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.RATELIMIT_ENABLE = True
    settings.MEMORIA_RATE_LIMITS = {**settings.MEMORIA_RATE_LIMITS, "search": "3/m", "api": "2/m", "suggest": "2/m"}
    cache.clear()
    yield settings.MEMORIA_RATE_LIMITS
    cache.clear()


def test_the_search_page_answers_429_in_the_readers_language_with_retry_after(client, home_de, limits):
    for _ in range(3):
        assert client.get("/de/search/", {"q": "Stein"}).status_code == 200
    refused = client.get("/de/search/", {"q": "Stein"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Zu viele Anfragen" in refused.content.decode()
    assert "Слишком много запросов" in client.get("/ru/search/", {"q": "Камень"}).content.decode()
    # Another address is not held up, and the empty form (no search) never counts.
    assert client.get("/de/search/", {"q": "Stein"}, REMOTE_ADDR="198.51.100.9").status_code == 200
    assert client.get("/de/search/").status_code == 200


def test_the_api_and_the_suggestions_answer_429_as_json(client, home_de, limits):
    for _ in range(2):
        assert client.get("/api/v1/search/", {"q": "Stein"}).status_code == 200
    refused = client.get("/api/v1/search/", {"q": "Stein"})
    assert refused.status_code == 429
    assert refused.json()["retry_after"] == int(refused["Retry-After"]) > 0
    for _ in range(2):
        assert client.get("/api/v1/suggest/", {"q": "St"}).status_code == 200
    assert client.get("/api/v1/suggest/", {"q": "St"}).status_code == 429


def test_the_429_is_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "429" in paths["/api/v1/search/"]["get"]["responses"]
    assert "429" in paths["/api/v1/suggest/"]["get"]["responses"]


def test_switched_off_nothing_is_limited(client, home_de, settings):
    settings.RATELIMIT_ENABLE = False
    settings.MEMORIA_RATE_LIMITS = {**settings.MEMORIA_RATE_LIMITS, "search": "1/m"}
    assert [client.get("/de/search/", {"q": "Stein"}).status_code for _ in range(3)] == [200, 200, 200]
