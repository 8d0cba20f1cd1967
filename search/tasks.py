import logging

from django.db import DatabaseError
from django_tasks import task

from search.indexing import IndexUnavailable, drain

logger = logging.getLogger("memoria.search")


@task()
def drain_outbox():
    """Push the outbox after a change commits; failures stay in the outbox for the worker's retries."""
    try:
        return drain(max_batches=10)
    except IndexUnavailable as error:
        logger.warning("Search index not updated now, will retry: %s", error)
    except DatabaseError as error:
        # SQLite's "database is locked" while the worker drains: its transaction was rolled back,
        # the rows are still due, and the worker pushes them.
        logger.warning("Search index not updated now (database busy), the worker will: %s", error)
    return None
