"""The map's data: every public memorial site with coordinates, as GeoJSON, cached until an entry changes.

With the Berlin stones that is about 10,000 features, and with the benchmarks' archive megabytes;
building them costs a query over all of them and their serialisation. So the body is built once
for all web processes and kept gzipped: in the shared cache (one writer at a time, the others
wait for it rather than build the same body beside it) and in each process's memory (a visit
then reads only the version from the shared cache, not megabytes). The body is dropped whenever
an entry, its view restrictions or the tree change (and after MEMORIA_MAP_CACHE_SECONDS at most,
for changes made without signals, such as a queryset update).
"""

import gzip
import hashlib
import json
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import PageViewRestriction
from wagtail.signals import post_page_move

from archive.listing import visible_entries
from archive.models import ENTRY_MODELS, EntryPage, MemorialSitePage
from archive.signals import entries_imported

VERSION_KEY = "memoria:map:version"
# How long one process may take to build the body before another one builds it too.
BUILD_SECONDS = 60
WAIT_STEP_SECONDS = 0.1

# language -> (version, built at (monotonic), etag, gzipped body): this process's copy.
_held = {}


def _version():
    # A token, not a counter: a shared cache cleared or culled must not bring back a version
    # that a process still holds a body of.
    return cache.get_or_set(VERSION_KEY, lambda: uuid.uuid4().hex, None)


def features(language):
    """The sites in the language, and those not yet in it, in the language they are in (with a note).

    A place is a place: a site written only in German is still one a Russian reader should find.
    """
    with translation.override(language):
        located = (
            visible_entries()
            .filter(latitude__isnull=False, longitude__isnull=False)
            .filter(pk__in=MemorialSitePage.objects.values("pk"))
        )
        own = located.filter(locale__language_code=language)
        untranslated = located.exclude(locale__language_code=language).exclude(
            translation_key__in=visible_entries().filter(locale__language_code=language).values("translation_key")
        )
        columns = ("title", "url_path", "latitude", "longitude", "date", "date_precision", "locale")
        found = []
        for sites in (own, untranslated.select_related("locale")):
            for site in sites.only(*columns).iterator(chunk_size=2000):
                properties = {"title": site.title, "url": site.url, "date": site.display_date}
                other = site.locale.language_code if sites is not own else None
                if other:
                    properties["language"] = other
                    name = translation.get_language_info(other)["name_translated"]
                    # Russian writes a language's name in running text in lower case, German does not.
                    name = name.lower() if language == "ru" else name
                    properties["note"] = gettext("No translation yet; the entry is in %(language)s.") % {
                        "language": name
                    }
                found.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [site.longitude, site.latitude]},
                        "properties": properties,
                    }
                )
        return found


def _build(language):
    body = json.dumps({"type": "FeatureCollection", "features": features(language)}, separators=(",", ":"))
    packed = gzip.compress(body.encode(), compresslevel=6, mtime=0)
    return f'"{hashlib.sha256(packed).hexdigest()[:32]}"', packed


def _wait_for(key):
    deadline = time.monotonic() + BUILD_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        found = cache.get(key)
        if found is not None:
            return found
    return None


def gzipped(language):
    """(ETag, gzipped FeatureCollection) for the language, built once for all processes."""
    version = _version()
    held = _held.get(language)
    if held and held[0] == version and time.monotonic() - held[1] < settings.MEMORIA_MAP_CACHE_SECONDS:
        return held[2], held[3]
    key = f"memoria:map:{version}:{language}"
    found = cache.get(key)
    if found is None:
        lock = f"{key}:building"
        if cache.add(lock, 1, BUILD_SECONDS):
            try:
                found = _build(language)
                cache.set(key, found, settings.MEMORIA_MAP_CACHE_SECONDS)
            finally:
                cache.delete(lock)
        else:
            # Not the previous body meanwhile: an entry taken down must leave the map at once.
            found = _wait_for(key) or _build(language)
    _held[language] = (version, time.monotonic(), *found)
    return found


def invalidate(**kwargs):
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    _held.clear()


def connect():
    for model in (EntryPage, *ENTRY_MODELS.values()):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"memoria-map-save-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"memoria-map-delete-{model.__name__}")
    post_page_move.connect(invalidate, dispatch_uid="memoria-map-move")
    post_save.connect(invalidate, sender=PageViewRestriction, dispatch_uid="memoria-map-restrict")
    post_delete.connect(invalidate, sender=PageViewRestriction, dispatch_uid="memoria-map-unrestrict")
    entries_imported.connect(invalidate, dispatch_uid="memoria-map-import")
