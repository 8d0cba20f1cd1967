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
                translations = {other.locale.language_code: other for other in visible_translations(page)}
            if code == page.locale.language_code:
                option["url"] = page.url + query
            elif code in translations:
                option["url"] = translations[code].url + query
            else:
                option["missing"] = True
                home = _locale_home(locales.get(code))
                option["url"] = home.url if home else f"/{code}/"
        elif request is not None:
            option["url"] = translate_url(request.get_full_path(), code)
        options.append(option)
    return {"options": options, "current": current}


def _locale_home(locale):
    if locale is None:
        return None
    return HomePage.objects.live().filter(locale=locale).first()


@register.simple_tag(takes_context=True)
def locale_home(context):
    return _locale_home(Locale.get_active())


@register.simple_tag
def locale_archive():
    return ArchiveIndexPage.objects.live().filter(locale=Locale.get_active(), depth=3).first()


@register.simple_tag
def public_translations(page):
    """The page's other language versions that anyone may see: what hreflang links to."""
    return visible_translations(page)


@register.simple_tag
def footer_pages():
    """The information pages (imprint, privacy notice) of the reader's language that the footer links."""
    return InformationPage.objects.live().public().filter(locale=Locale.get_active(), in_footer=True)
