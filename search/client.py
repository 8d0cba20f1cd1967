"""The one place that knows how to reach Elasticsearch."""

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch.serializer import OrjsonSerializer

_clients = {}


def search_enabled() -> bool:
    return bool(settings.ELASTICSEARCH_URL)


def index_alias() -> str:
    return settings.MEMORIA_SEARCH_INDEX


def get_client(timeout: float | None = None) -> Elasticsearch:
    """A client for the configured server, shared per (URL, timeout); no retries, so an outage shows at once."""
    timeout = timeout if timeout is not None else settings.MEMORIA_SEARCH_TIMEOUT
    key = (settings.ELASTICSEARCH_URL, timeout)
    if key not in _clients:
        _clients[key] = Elasticsearch(
            settings.ELASTICSEARCH_URL,
            request_timeout=timeout,
            max_retries=0,
            # A rebuild's bulk bodies and a query's vector: orjson writes and reads them several times faster.
            serializer=OrjsonSerializer(),
        )
    return _clients[key]
