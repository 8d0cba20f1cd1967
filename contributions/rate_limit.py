"""Submissions per hashed client address and hour (see contributions.client_address)."""

from django.conf import settings
from django.core.cache import cache

RATE_WINDOW_SECONDS = 60 * 60
DEFAULT_PER_HOUR = 5


def _key(address_hash):
    return f"contributions:submissions:{address_hash}"


def _limit():
    return getattr(settings, "MEMORIA_CONTRIBUTIONS_PER_HOUR", DEFAULT_PER_HOUR)


def is_rate_limited(address_hash):
    return cache.get(_key(address_hash), 0) >= _limit()


def count_submission(address_hash):
    """Count one submission; the window starts with the first of the hour."""
    key = _key(address_hash)
    if not cache.add(key, 1, RATE_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, RATE_WINDOW_SECONDS)
