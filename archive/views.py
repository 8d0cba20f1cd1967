import gzip

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from taggit.models import Tag
from wagtail.models import Locale

from archive import map_data
from archive.listing import visible_entries


def tag_view(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    locale = Locale.get_active()
    entries = (
        visible_entries()
        .filter(locale=locale, tagged_items__tag=tag)
        .select_related("city", "image")
        .order_by("-date", "title")
    )
    page = Paginator(entries, 24).get_page(request.GET.get("page"))
    return render(request, "archive/tag_page.html", {"tag": tag, "entries": page})


def map_view(request):
    return render(
        request,
        "archive/map_page.html",
        {
            "tile_url": settings.MEMORIA_MAP_TILE_URL,
            "tile_attribution": settings.MEMORIA_MAP_TILE_ATTRIBUTION,
        },
    )


def map_geojson(request):
    """Memorial sites with coordinates, in the requested language, as GeoJSON (archive.map_data)."""
    language = request.GET.get("language")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    etag, packed = map_data.gzipped(language)
    # Browsers keep it but ask each time (an entry taken down leaves the map at once); an
    # unchanged map costs them a 304, not the megabytes again.
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(packed, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(packed), content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
