import logging

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
        return None
