"""Who is sending, without storing who: the hashed address and the per-address rate limit."""

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

RATE_WINDOW_SECONDS = 60 * 60
DEFAULT_PER_HOUR = 5


def client_address(request):
    """REMOTE_ADDR, unless a proxy we run is declared trustworthy.

    X-Forwarded-For is whatever the client wrote, so it counts only with
    MEMORIA_TRUST_X_FORWARDED_FOR; then the last address is the one our own proxy saw.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "MEMORIA_TRUST_X_FORWARDED_FOR", False) and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def hash_address(address):
    # Keyed with SECRET_KEY: a plain hash of an IPv4 address is reversed by trying all 2**32.
    return salted_hmac("memoria.contributions.address", address, algorithm="sha256").hexdigest()


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
