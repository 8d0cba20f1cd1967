from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Locale, Page

from archive.listing import visible_translations
from archive.models import ArchiveIndexPage
from home.models import HomePage, InformationPage

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """For each language: the translation of this page, or where to go when there is none yet."""
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    options = []
    translations = None
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
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
                home = _locale_home(locales.get(code))
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


def _locale_home(locale):
    if locale is None:
        return None
    return _first_live(HomePage, locale=locale)


@register.simple_tag(takes_context=True)
def locale_home(context):
    return _locale_home(Locale.get_active())


@register.simple_tag
def locale_archive():
    return _first_live(ArchiveIndexPage, locale=Locale.get_active(), depth=3)


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
    return InformationPage.objects.live().public().filter(locale=Locale.get_active(), in_footer=True)
