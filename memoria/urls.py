from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from archive import views as archive_views
from archive.admin_views import guarded_admin_urls
from memoria.health import healthz
from search import views as search_views
from search.api import api as search_api

handler500 = "memoria.errors.server_error"


def favicon(request):
    # Browsers ask for it at the root whatever the page links. Its static name is looked up
    # here, not when the URLs load: before collectstatic there is no manifest to ask.
    return HttpResponseRedirect(static("img/favicon.ico"))


urlpatterns = [
    *guarded_admin_urls(wagtailadmin_urls.urlpatterns),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("map/entries.geojson", archive_views.map_geojson, name="map_geojson"),
    path("api/v1/", search_api.urls),
    path("healthz/", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]

if settings.DEBUG:
    from django.conf.urls.static import static as serve_static

    urlpatterns += serve_static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("search/", search_views.search_view, name="search"),
    path("tags/<str:slug>/", archive_views.tag_view, name="tag"),
    path("map/", archive_views.map_view, name="map"),
    path("contribute/", include("contributions.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
