"""Who is sending, without storing who: the client's address, and its keyed hash."""

from django.conf import settings
from django.utils.crypto import salted_hmac


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
