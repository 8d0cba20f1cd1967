"""The search engines: one interface, chosen by settings (ELASTICSEARCH_URL set or not)."""

from typing import Protocol

from search.client import search_enabled
from search.engines.database import DatabaseSearch
from search.engines.elasticsearch import ElasticsearchSearch
from search.results import SearchResults


class SearchEngine(Protocol):
    name: str

    def search(self, text, form, language=None, page_number=1, page_size=20, reader_language=None) -> SearchResults: ...


def get_search_engine() -> SearchEngine:
    return ElasticsearchSearch() if search_enabled() else DatabaseSearch()
