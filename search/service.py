"""The one entry point for searching the archive.

The view and the API ask `search_entries`; which engine answers is a matter of
settings, not of the callers.
"""

import logging
from dataclasses import dataclass, field

from django.core.paginator import Paginator

from archive.listing import filter_entries, visible_entries
from search.highlight import highlight, query_terms

logger = logging.getLogger("memoria.search")

MAX_QUERY_LENGTH = 500


@dataclass
class SearchHit:
    entry: object
    snippet: str
    score: float | None = None


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit]
    page: object
    count: int
    backend: str
    notes: list[str] = field(default_factory=list)


def clean_query_text(text: str) -> str:
    """Control characters out, whitespace folded, length bounded: the engines get plain words."""
    text = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


class DatabaseSearch:
    """Wagtail's own search backend (the database one by default)."""

    name = "database"

    def search(self, text, form, language=None, page_number=1, page_size=20):
        entries = filter_entries(visible_entries(), form)
        if language:
            entries = entries.filter(locale__language_code=language)
        # The database backends have no phrase or operator syntax to offer, and an
        # unbalanced quote is a syntax error to SQLite's full-text search: words only.
        words = " ".join(query_terms(text))
        if words:
            # Filters are applied as a subquery so the search backend sees only an id filter.
            results = (
                visible_entries()
                .filter(pk__in=entries.values("pk"))
                .specific()
                .search(words, operator="and", order_by_relevance=True)
            )
        else:
            results = entries.specific().order_by("-date", "title")
        paginator = Paginator(results, page_size)
        page = paginator.get_page(page_number)
        hits = [SearchHit(entry, highlight(_snippet_source(entry), text)) for entry in page.object_list]
        return SearchResults(text, hits, page, paginator.count, self.name)


def _snippet_source(entry):
    return " ".join(part for part in (entry.summary, entry.body_text, getattr(entry, "inscription", "")) if part)


def get_search_engine():
    return DatabaseSearch()


def search_entries(text, form, language=None, page_number=1, page_size=20):
    return get_search_engine().search(clean_query_text(text), form, language, page_number, page_size)
