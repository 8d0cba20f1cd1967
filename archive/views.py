from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from taggit.models import Tag
from wagtail.models import Locale

from archive.listing import visible_entries
from archive.models import MemorialSitePage


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
    """Memorial sites with coordinates, in the requested language, as GeoJSON."""
    language = request.GET.get("language")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        sites = (
            visible_entries()
            .filter(locale__language_code=language, latitude__isnull=False, longitude__isnull=False)
            .filter(pk__in=MemorialSitePage.objects.values("pk"))
            .only("title", "url_path", "latitude", "longitude", "date", "date_precision")
        )
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [site.longitude, site.latitude]},
                "properties": {"title": site.title, "url": site.url, "date": site.display_date},
            }
            for site in sites.iterator(chunk_size=2000)
        ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
