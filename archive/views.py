from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.gzip import gzip_page
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


@gzip_page
def map_geojson(request):
    """Memorial sites with coordinates, in the requested language, as GeoJSON (archive.map_data)."""
    language = request.GET.get("language")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    # Cached on the server, not in browsers or proxies: an entry taken down leaves the map at once.
    return HttpResponse(map_data.geojson(language), content_type="application/json")
