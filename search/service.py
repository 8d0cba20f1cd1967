"""The one entry point for searching the archive: `search_entries` and `suggest_entries`.

The views and the API ask these; which engine answers (search.engines) is a matter of
settings, not of the callers. If Elasticsearch fails, the database answers.
"""

import logging

from django.utils.translation import gettext
from elasticsearch import ApiError, TransportError

from search.engines import get_search_engine
from search.engines.database import DatabaseSearch
from search.query import clean_query_text
from search.refusals import is_refusal, record_refusal
from search.results import SearchResults
from search.suggestions import suggest_entries

__all__ = ["search_entries", "suggest_entries"]

logger = logging.getLogger("memoria.search")


def search_entries(text, form, language=None, page_number=1, page_size=20, reader_language=None) -> SearchResults:
    """Search with the configured engine; if Elasticsearch fails, the database answers, with a note.

    reader_language: the interface's language; its versions of entries come first.
    """
    text = clean_query_text(text)
    engine = get_search_engine()
    try:
        return engine.search(text, form, language, page_number, page_size, reader_language=reader_language)
    except (TransportError, ApiError) as error:
        if isinstance(engine, DatabaseSearch):
            raise
        if is_refusal(error):
            # Elasticsearch refused a request we built: a defect of ours, not an outage. The reader
            # still gets an answer, the log an error to act on, and /healthz/ the count.
            record_refusal()
            logger.error("Elasticsearch refused the search request, answering from the database: %s", error)
        else:
            logger.warning("Elasticsearch unavailable, answering from the database: %s", error)
        results = DatabaseSearch().search(text, form, language, page_number, page_size, reader_language)
        results.notes.append(
            gettext("The full-text search is unavailable at the moment; these results come from a simpler search.")
        )
        return results
