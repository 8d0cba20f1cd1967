"""The map's data: every public memorial site with coordinates, as GeoJSON, cached until an entry changes.

With the Berlin stones that is about 10,000 features; building them on every visit of the map
costs a query over all of them and their serialisation. The cached body is dropped whenever an
entry, its view restrictions or the tree change (and after MEMORIA_MAP_CACHE_SECONDS at most,
for changes made without signals, such as a queryset update).
"""

import json

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from wagtail.models import PageViewRestriction
from wagtail.signals import post_page_move

from archive.listing import visible_entries
from archive.models import ENTRY_MODELS, EntryPage, MemorialSitePage
from archive.signals import entries_imported

VERSION_KEY = "memoria:map:version"


def _version():
    return cache.get_or_set(VERSION_KEY, 1, None)


def features(language):
    with translation.override(language):
        sites = (
            visible_entries()
            .filter(locale__language_code=language, latitude__isnull=False, longitude__isnull=False)
            .filter(pk__in=MemorialSitePage.objects.values("pk"))
            .only("title", "url_path", "latitude", "longitude", "date", "date_precision")
        )
        return [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [site.longitude, site.latitude]},
                "properties": {"title": site.title, "url": site.url, "date": site.display_date},
            }
            for site in sites.iterator(chunk_size=2000)
        ]


def geojson(language) -> bytes:
    """The FeatureCollection for the language, from the cache where it is there."""
    key = f"memoria:map:{_version()}:{language}"
    body = cache.get(key)
    if body is None:
        body = json.dumps({"type": "FeatureCollection", "features": features(language)}).encode()
        cache.set(key, body, settings.MEMORIA_MAP_CACHE_SECONDS)
    return body


def invalidate(**kwargs):
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def connect():
    for model in (EntryPage, *ENTRY_MODELS.values()):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"memoria-map-save-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"memoria-map-delete-{model.__name__}")
    post_page_move.connect(invalidate, dispatch_uid="memoria-map-move")
    post_save.connect(invalidate, sender=PageViewRestriction, dispatch_uid="memoria-map-restrict")
    post_delete.connect(invalidate, sender=PageViewRestriction, dispatch_uid="memoria-map-unrestrict")
    entries_imported.connect(invalidate, dispatch_uid="memoria-map-import")
