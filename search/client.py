"""The one place that knows how to reach Elasticsearch."""

from django.conf import settings
from elasticsearch import Elasticsearch
from elasticsearch.serializer import OrjsonSerializer

_clients = {}


def search_enabled() -> bool:
    return bool(settings.ELASTICSEARCH_URL)


def index_alias() -> str:
    return settings.MEMORIA_SEARCH_INDEX


def node_urls() -> list[str]:
    """ELASTICSEARCH_URL: one node's URL, or a cluster's nodes separated by commas."""
    return [url.strip() for url in settings.ELASTICSEARCH_URL.split(",") if url.strip()]


def get_client(timeout: float | None = None) -> Elasticsearch:
    """A client for the configured nodes, shared per (URL, timeout).

    A node that cannot be reached is marked dead and the request goes to the next one; once every
    node has been tried, or a node timed out, the error comes at once, so an outage shows at once.
    """
    timeout = timeout if timeout is not None else settings.MEMORIA_SEARCH_TIMEOUT
    key = (settings.ELASTICSEARCH_URL, timeout)
    if key not in _clients:
        urls = node_urls()
        _clients[key] = Elasticsearch(
            urls,
            request_timeout=timeout,
            max_retries=len(urls) - 1,
            retry_on_timeout=False,
            # A rebuild's bulk bodies and a query's vector: orjson writes and reads them several times faster.
            serializer=OrjsonSerializer(),
        )
    return _clients[key]
