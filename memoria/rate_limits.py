"""Requests per client address and time, for what costs the server work per request.

django-ratelimit counts in the default cache, in fixed windows, under a hash of the group and
the client's address (memoria.client_address, which honours our own proxy). The rates are
settings (MEMORIA_RATE_LIMITS, e.g. "30/m"); RATELIMIT_ENABLE switches all of them off.
"""

import math

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

from memoria.client_address import client_address


def _key(group, request):
    return client_address(request)


def _usage(request, group, increment):
    rate = settings.MEMORIA_RATE_LIMITS.get(group)
    if not rate or not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    return get_usage(request, group=f"memoria.{group}", key=_key, rate=rate, increment=increment)


def seconds_to_wait(request, group, count=True):
    """Counts this request (unless count is False); the seconds until the next is allowed, or 0."""
    usage = _usage(request, group, increment=count)
    if usage is None:
        return 0
    # Counted, this request is one too many past the limit; uncounted, the next one would be.
    over = usage["should_limit"] if count else usage["count"] >= usage["limit"]
    return max(1, math.ceil(usage["time_left"])) if over else 0


def count(request, group):
    """Counts a request that was let through without being counted (e.g. only once it succeeded)."""
    _usage(request, group, increment=True)


def too_many_requests(request, wait, template="429.html", context=None):
    """The translated page that says how long to wait, with Retry-After."""
    response = render(request, template, {"retry_after": wait, **(context or {})}, status=429)
    response["Retry-After"] = str(wait)
    return response
