"""Fixtures for tests that need a real Elasticsearch node.

The node comes from the environment: TEST_ELASTICSEARCH_URL, else ELASTICSEARCH_URL
(`make test` starts one; by hand: `search/elasticsearch/es.sh start`). These fixtures
need no Django, so the analysis tests also run with `pytest -p no:django`.
"""

import os
import uuid

import pytest
from elasticsearch import Elasticsearch


@pytest.fixture(scope="session")
def es_url():
    url = os.environ.get("TEST_ELASTICSEARCH_URL") or os.environ.get("ELASTICSEARCH_URL")
    if not url:
        message = (
            "no Elasticsearch: set TEST_ELASTICSEARCH_URL, e.g. run `make test`, "
            "or `export TEST_ELASTICSEARCH_URL=$(bash search/elasticsearch/es.sh start)`"
        )
        if os.environ.get("CI"):
            # A skipped search test in CI would look like a pass.
            pytest.fail(message + " (CI must not skip Elasticsearch tests)")
        pytest.skip(message)
    return url


@pytest.fixture(scope="session")
def es_client(es_url):
    client = Elasticsearch(es_url, request_timeout=30)
    # cluster.health rather than info()/ping(): the minimal local distribution has no `GET /`.
    health = client.cluster.health(wait_for_status="yellow", timeout="30s")
    assert health["status"] in ("green", "yellow"), health
    yield client
    client.close()


@pytest.fixture(scope="session")
def es_index_prefix(es_client):
    """A per-session prefix, so parallel or aborted runs never see each other's indices."""
    prefix = f"test-{uuid.uuid4().hex[:8]}-"
    yield prefix
    leftovers = es_client.indices.get(index=prefix + "*", expand_wildcards="all", allow_no_indices=True)
    for name in leftovers:
        es_client.indices.delete(index=name, ignore_unavailable=True)


@pytest.fixture
def es_create_index(es_client, es_index_prefix):
    """Create an index named with the session prefix; returns its full name. Deleted after the test."""
    created = []

    def create(suffix, **body):
        name = es_index_prefix + suffix
        es_client.indices.create(index=name, **body)
        created.append(name)
        return name

    yield create
    for name in created:
        es_client.indices.delete(index=name, ignore_unavailable=True)


@pytest.fixture
def search_index(settings, es_url, es_client, es_index_prefix):
    """Elasticsearch switched on, with an alias of this test's own (Django tests only)."""
    from search import client as search_client

    settings.ELASTICSEARCH_URL = es_url
    settings.MEMORIA_SEARCH_INDEX = f"{es_index_prefix}entries-{uuid.uuid4().hex[:6]}"
    search_client._clients.clear()
    yield settings.MEMORIA_SEARCH_INDEX
    for name in es_client.indices.get(index=settings.MEMORIA_SEARCH_INDEX + "*", allow_no_indices=True):
        es_client.indices.delete(index=name, ignore_unavailable=True)
    search_client._clients.clear()
