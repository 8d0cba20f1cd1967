"""Whole pages for anonymous readers, from the cache, until anything that may be shown changes.

An anonymous GET (no session cookie) of a public page is answered from the cache when the same
URL in the same language was rendered before under the current *generation*; every change to
content (any save or delete of a page, revision, view restriction, image, document, tag, snippet
or site setting, and every import) starts a new generation, so nothing unpublished, restricted
or withdrawn is ever served from the cache once the change has committed. Only what any
anonymous reader would get is stored: a 200 that sets no cookie, does not vary on the cookie and
is not marked private or never-cache (the search page and the API are never-cache: their answers
follow the index, which follows the database by the outbox). Browsers are not told to cache
anything: the copy lives on the server only.

The generation is a timestamp, never a counter: if the cache drops its key (a culled database
cache), the next one is new, and no page of an older generation can come back.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse

GENERATION_KEY = "memoria:page-generation"
# What is never kept: the admin and its previews, the health probe, the readers' form, documents
# (served through their privacy check); the language redirect at the root is left out by path.
# The map's data has its own cache (archive/map_data.py): with 100,000 entries it is megabytes
# that every worker wrote into the database cache at once.
NEVER = ("/admin/", "/healthz/", "/documents/", "/de/contribute/", "/ru/contribute/", "/map/entries.geojson")
# The query parameters of the public lists' filters: a request with any other, or with one twice
# or overlong, is answered but not kept, so that `?x=1`, `?x=2`, ... cannot fill the cache.
KEPT_PARAMETERS = {"page", "city", "type", "theme", "language", "date_from", "date_to", "has_media", "tag", "sort"}
LONGEST_KEPT_VALUE = 100
KEPT_TYPES = ("text/html", "application/json")
# A response past this size is served, not kept (a write of it held the cache table under load).
LARGEST_KEPT_BYTES = 512 * 1024
# The app labels whose saves and deletes change what readers may see.
CONTENT_APPS = {"archive", "home", "wagtailcore", "wagtailimages", "wagtaildocs", "taggit", "wagtailredirects"}
# The bookkeeping that changes nothing shown: what the worker writes after each edit, an image's
# renditions (made while a reader's page renders), and revisions (a draft shows nowhere; what
# publishes or unpublishes one saves its page too).
NOT_CONTENT = {
    "referenceindex",
    "pagelogentry",
    "modellogentry",
    "pagesubscription",
    "uploadedfile",
    "rendition",
    "revision",
}


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def invalidate(**kwargs):
    """A new generation: every page kept so far is left to expire unread."""
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def content_changed(sender, **kwargs):
    meta = sender._meta
    if meta.app_label in CONTENT_APPS and meta.model_name not in NOT_CONTENT:
        renew()


def renew(**kwargs):
    # After the commit: a reader whose request renders the page in between must not store the
    # old state under the new generation. The new generation is started at once as well, so the
    # transaction's own requests (none in practice) see no stale copy either.
    invalidate()
    transaction.on_commit(invalidate)


def register():
    post_save.connect(content_changed, dispatch_uid="memoria-page-cache-save")
    post_delete.connect(content_changed, dispatch_uid="memoria-page-cache-delete")
    from archive.signals import entries_imported

    entries_imported.connect(renew, dispatch_uid="memoria-page-cache-import")


class PageCacheMiddleware:
    """After LocaleMiddleware (the key holds the reader's language) and before the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.MEMORIA_PAGE_CACHE_SECONDS
        if not seconds or not self._cacheable_request(request):
            return self.get_response(request)
        key = self._key(request)
        kept = cache.get(key)
        if kept is not None:
            status, headers, content = kept
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Memoria-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._cacheable_response(response):
            headers = [(name, value) for name, value in response.items() if name.lower() != "x-memoria-cache"]
            cache.set(key, (response.status_code, headers, response.content), seconds)
            response["X-Memoria-Cache"] = "miss"
        return response

    @staticmethod
    def _cacheable_request(request):
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
            and not request.path.startswith(NEVER)
            and request.path != "/"
            and _kept_parameters(request.GET)
        )

    @staticmethod
    def _cacheable_response(response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if len(response.content) > LARGEST_KEPT_BYTES:
            return False
        vary = response.get("Vary", "").lower()
        control = response.get("Cache-Control", "").lower()
        return (
            "cookie" not in vary
            and "*" not in vary
            and not any(word in control for word in ("private", "no-store", "no-cache"))
            and response.get("Content-Type", "").startswith(KEPT_TYPES)
        )

    @staticmethod
    def _key(request):
        url = f"{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()
        return f"memoria:page:{generation()}:{request.method}:{request.LANGUAGE_CODE}:{digest}"


def _kept_parameters(query) -> bool:
    return all(
        name in KEPT_PARAMETERS and len(values) == 1 and len(values[0]) <= LONGEST_KEPT_VALUE
        for name, values in query.lists()
    )
