from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page

from archive.listing import visible_translations
from archive.models import ArchiveIndexPage
from home.models import HomePage, InformationPage
from memoria import page_cache

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """For each language: the translation of this page, or where to go when there is none yet."""
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    options = []
    translations = None
    # A list's filters go along (not its page number: the other language's list pages differently).
    query = ""
    if request is not None and request.GET:
        kept = request.GET.copy()
        kept.pop("page", None)
        query = f"?{kept.urlencode()}" if kept else ""
    for code, _name in settings.LANGUAGES:
        # Each language named in itself: a reader looking for theirs knows its own name.
        name = translation.get_language_info(code)["name_local"]
        option = {"code": code, "name": name, "current": code == current, "url": None, "missing": False}
        if isinstance(page, Page):
            if translations is None:
                translations = {other.locale.language_code: other for other in _translations(request, page)}
            if code == page.locale.language_code:
                option["url"] = page.get_url(request) + query
            elif code in translations:
                option["url"] = translations[code].get_url(request) + query
            else:
                option["missing"] = True
                home = _navigation(code)["home"]
                option["url"] = home.get_url(request) if home else f"/{code}/"
        elif request is not None:
            option["url"] = translate_url(request.get_full_path(), code)
        options.append(option)
    return {"options": options, "current": current}


def _first_live(model, **filters):
    """The first live page of a type with few pages (home pages, archives), by its own table.

    Asked as a join ordered by path, the database walks the whole page tree's path index (every
    entry) to find the few rows of the small table: its ids first, then those pages by id.
    """
    ids = list(model.objects.order_by().values_list("pk", flat=True))
    return model.objects.live().filter(pk__in=ids, **filters).order_by("path").first()


def _navigation(language):
    """The reader's language's home page, archive and footer pages, as every page's frame links them.

    Kept in this process for the page cache's generation (memoria.page_cache), which any change
    of content renews: the frame costs a page no query of its own, and a page unpublished or
    restricted leaves it with the next request.
    """
    key = (page_cache.generation(), language)
    found = _held.get(key)
    if found is None:
        if len(_held) > 16:
            _held.clear()
        found = {
            "home": _first_live(HomePage, locale__language_code=language),
            "archive": _first_live(ArchiveIndexPage, locale__language_code=language, depth=3),
            "footer": list(
                InformationPage.objects.live().public().filter(locale__language_code=language, in_footer=True)
            ),
        }
        _held[key] = found
    return found


_held = {}


@register.simple_tag(takes_context=True)
def locale_home(context):
    return _navigation(translation.get_language())["home"]


@register.simple_tag
def locale_archive():
    return _navigation(translation.get_language())["archive"]


def _translations(request, page):
    # Asked twice for each page (hreflang and the language switcher): once per request.
    if request is None:
        return list(visible_translations(page))
    memo = request.__dict__.setdefault("_memoria_translations", {})
    if page.pk not in memo:
        memo[page.pk] = list(visible_translations(page))
    return memo[page.pk]


@register.simple_tag(takes_context=True)
def public_translations(context, page):
    """The page's other language versions that anyone may see, as (language, full URL): what hreflang links to."""
    request = context.get("request")
    return [(other.locale.language_code, other.get_full_url(request)) for other in _translations(request, page)]


@register.simple_tag
def footer_pages():
    """The information pages (imprint, privacy notice) of the reader's language that the footer links."""
    return _navigation(translation.get_language())["footer"]
