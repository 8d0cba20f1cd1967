"""Requests Elasticsearch refused (a 4xx): a request we built wrongly, counted for /healthz/.

Not a refusal: a missing index (lost with a cluster's data; the health check reports the index
itself), a cluster too busy (429) or a timeout (408): those are outages, warnings in the log.

An outage is the cluster's business and shows in the health check's own request; a refusal is
a defect of ours that a reader never sees (the database answers), so it is logged as an error
and counted, and the health endpoint reports the count of this clock hour and the one before.
The count lives in the default cache, which production shares between its processes.
"""

import time

from django.core.cache import cache
from elasticsearch import ApiError

KEY = "memoria:search-refused:{hour}"


# 4xx answers that are no defect of the request: the index is gone (the worker rebuilds it, and
# the health check says so itself), the cluster is too busy (429) or timed out (408).
NOT_REFUSALS = {408, 429}
LOST_INDEX = "index_not_found_exception"


def is_refusal(error) -> bool:
    return (
        isinstance(error, ApiError)
        and 400 <= error.status_code < 500
        and error.status_code not in NOT_REFUSALS
        and error.error != LOST_INDEX
    )


def _key(hour: int) -> str:
    return KEY.format(hour=hour)


def record_refusal() -> None:
    key = _key(int(time.time() // 3600))
    # Kept past the hour after next, when recent_refusals stops reading it.
    cache.add(key, 0, timeout=3 * 3600)
    try:
        cache.incr(key)
    except ValueError:  # culled between add and incr
        cache.set(key, 1, timeout=3 * 3600)


def recent_refusals() -> int:
    hour = int(time.time() // 3600)
    counts = cache.get_many([_key(hour), _key(hour - 1)])
    return sum(counts.values())
