"""Requests Elasticsearch refused (a 4xx): a request we built wrongly, counted for /healthz/.

An outage is the cluster's business and shows in the health check's own request; a refusal is
a defect of ours that a reader never sees (the database answers), so it is logged as an error
and counted, and the health endpoint reports the count of this clock hour and the one before.
The count lives in the default cache, which production shares between its processes.
"""

import time

from django.core.cache import cache
from elasticsearch import ApiError

KEY = "memoria:search-refused:{hour}"


def is_refusal(error) -> bool:
    return isinstance(error, ApiError) and 400 <= error.status_code < 500


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
