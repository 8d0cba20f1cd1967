"""The search page: the form, the service's results, and what the page makes of them.

The form (search.forms) reads the parameters, the service (search.service) answers; this view
turns the facets into links that add a filter, the active filters into links that remove one,
and the hits into cards and map points.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from wagtail.models import Locale

from archive.models import ENTRY_MODELS, PartnerCity, Theme
from memoria import rate_limits
from search.forms import SearchForm
from search.query import MAX_QUERY_LENGTH
from search.service import search_entries
from search.suggestions import MAX_SUGGESTIONS


@dataclass
class Link:
    """A facet value or an active filter: its label, and the search with it added or removed."""

    label: str
    url: str
    count: int | None = None
    active: bool = False
    group: str = ""


@dataclass
class FacetGroup:
    name: str
    label: str
    values: list[Link]


@dataclass
class OtherVersion:
    page: object
    language: str
    label: str


@dataclass
class Card:
    hit: object
    number: int
    language: str
    versions: list[OtherVersion] = field(default_factory=list)
    note: str = ""


class SearchLinks:
    """URLs of this search with some parameters changed; the page number always starts anew."""

    def __init__(self, path, params, drop=()):
        self.path = path
        self.params = params.copy()
        for name in ("page", *drop):
            self.params.pop(name, None)

    def url(self, changes=None, remove=()):
        params = self.params.copy()
        for name in remove:
            params.pop(name, None)
        for name, value in (changes or {}).items():
            params[name] = str(value)
        # Empty parameters are noise in a link; `q` stays, so the page shows results, not just the form.
        query = [(name, value) for name, value in params.items() if value != "" or name == "q"]
        if not any(name == "q" for name, _value in query):
            query.insert(0, ("q", ""))
        return f"{self.path}?{urlencode(query)}"


def language_names():
    return dict(settings.LANGUAGES)


def decade_label(decade):
    # The same words as an entry dated to a decade (archive.models.dates).
    return gettext("the %(decade)ss") % {"decade": decade}


def _is_true(value):
    return value in (True, 1, "true", "1")


def _decade(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


FACET_ORDER = ["type", "language", "city", "theme", "tag", "decade", "has_media"]


def facet_groups(facets, data, links):
    """The engine's facets as groups of links in the reader's language, in FACET_ORDER."""
    if not facets:
        return []
    city_names = {
        city.slug: city.name
        for city in PartnerCity.objects.filter(slug__in=[bucket["value"] for bucket in facets.get("city", [])])
    }
    theme_slugs = [bucket["value"] for bucket in facets.get("theme", [])]
    theme_names = {}
    if theme_slugs:
        active = Locale.get_active()
        # The reader's locale wins; a theme not yet translated shows its name in another language.
        for slug, name, locale_id in Theme.objects.filter(slug__in=theme_slugs).values_list("slug", "name", "locale"):
            if slug not in theme_names or locale_id == active.pk:
                theme_names[slug] = name
    languages = language_names()
    group_labels = {
        "type": gettext("Type"),
        "language": gettext("Language"),
        "city": gettext("City"),
        "theme": gettext("Theme"),
        "tag": gettext("Tag"),
        "decade": gettext("Decade"),
        "has_media": gettext("Media"),
    }
    groups = []
    for name in FACET_ORDER:
        values = []
        for bucket in facets.get(name, []):
            value, count = bucket["value"], bucket["count"]
            if not count:
                continue
            if name == "has_media":
                if not _is_true(value):
                    continue  # no filter for "without media"
                label, changes, active = gettext("With media"), {"has_media": "on"}, bool(data.get("has_media"))
            elif name == "decade":
                decade = _decade(value)
                if decade is None:
                    continue
                label = decade_label(decade)
                changes = {"date_from": decade, "date_to": decade + 9}
                active = data.get("date_from") == decade and data.get("date_to") == decade + 9
            elif name == "city":
                label, changes = city_names.get(value, value), {"city": value}
                active = bool(data.get("city")) and data["city"].slug == value
            else:
                if name == "type":
                    model = ENTRY_MODELS.get(value)
                    label = capfirst(model._meta.verbose_name_plural) if model else value
                elif name == "theme":
                    label = theme_names.get(value, value)
                elif name == "language":
                    label = str(languages.get(value, value))
                else:
                    label = str(value)
                changes = {name: value}
                active = str(data.get(name) or "") == str(value)
            values.append(Link(label, links.url(changes), count=count, active=active))
        if values:
            groups.append(FacetGroup(name, group_labels[name], values))
    return groups


def active_filters(form, data, links):
    """Each filter in force, with the link that drops it."""
    filters = []
    choices = {name: dict(form.fields[name].choices) for name in ("type", "theme", "language")}
    if data.get("type"):
        label = str(choices["type"].get(data["type"], data["type"]))
        filters.append(Link(label, links.url(remove=["type"]), group=gettext("Type")))
    if data.get("language"):
        label = str(choices["language"].get(data["language"], data["language"]))
        filters.append(Link(label, links.url(remove=["language"]), group=gettext("Language")))
    if data.get("city"):
        filters.append(Link(data["city"].name, links.url(remove=["city"]), group=gettext("City")))
    if data.get("theme"):
        label = str(choices["theme"].get(data["theme"], data["theme"]))
        filters.append(Link(label, links.url(remove=["theme"]), group=gettext("Theme")))
    if data.get("tag"):
        filters.append(Link(data["tag"], links.url(remove=["tag"]), group=gettext("Tag")))
    start, end = data.get("date_from"), data.get("date_to")
    if start or end:
        if start and end and end == start + 9 and start % 10 == 0:
            label = decade_label(start)
        elif start and end:
            label = f"{start}–{end}"
        elif start:
            label = gettext("from %(year)s") % {"year": start}
        else:
            label = gettext("until %(year)s") % {"year": end}
        filters.append(Link(label, links.url(remove=["date_from", "date_to"]), group=gettext("Years")))
    if data.get("has_media"):
        filters.append(Link(gettext("With media"), links.url(remove=["has_media"]), group=gettext("Media")))
    if data.get("bbox"):
        filters.append(Link(gettext("The selected map area"), links.url(remove=["bbox"]), group=gettext("Map")))
    return filters


def form_errors(form, links):
    """The form's errors for the summary above it: label, messages, and a link without the value."""
    summary = []
    for name, messages in form.errors.items():
        if name in form.fields:
            summary.append((form[name].label, messages, links.url(remove=[name])))
        else:
            summary.append(("", messages, None))
    return summary


def result_cards(results):
    """Hits with their position in the whole result list and their other language versions."""
    languages = language_names()
    also_in = {
        "de": gettext("Also in German:"),
        "ru": gettext("Also in Russian:"),
    }
    start = results.page.start_index() if results.hits else 0
    cards = []
    for offset, hit in enumerate(results.hits):
        versions = []
        for page in hit.translations:
            code = page.locale.language_code
            label = also_in.get(code) or gettext("Also in %(language)s:") % {"language": languages.get(code, code)}
            versions.append(OtherVersion(page, code, label))
        note = ""
        if not hit.matched_text:
            # Found by meaning alone (the engine's vectors): say why it is here.
            note = gettext("Related in meaning; your words do not appear in it.")
        cards.append(Card(hit, start + offset, hit.entry.locale.language_code, versions, note))
    return cards


def map_points(cards, request):
    """The cards with coordinates, for the page's map (numbered as in the list)."""
    return [
        {
            "number": card.number,
            "title": card.hit.entry.title,
            "url": card.hit.entry.get_url(request),
            "language": card.language,
            "lat": card.hit.entry.latitude,
            "lon": card.hit.entry.longitude,
        }
        for card in cards
        if card.hit.entry.latitude is not None and card.hit.entry.longitude is not None
    ]


def suggest_settings():
    """What the query field's suggestions need in JavaScript: the endpoint and the words to say."""
    counts = [gettext("No suggestions.")] + [
        ngettext(
            "%(count)s suggestion. Use the up and down arrow keys to choose.",
            "%(count)s suggestions. Use the up and down arrow keys to choose.",
            count,
        )
        % {"count": count}
        for count in range(1, MAX_SUGGESTIONS + 1)
    ]
    return {
        "url": reverse("api-v1:api-root") + "suggest/",
        "announcements": counts,
        "types": {slug: str(capfirst(model._meta.verbose_name)) for slug, model in ENTRY_MODELS.items()},
        "languages": {code: str(name) for code, name in language_names().items()},
    }


@never_cache
def search_view(request):
    # Theme names in the reader's language; a theme's slug filters entries of both languages.
    form = SearchForm(request.GET or None, locale=Locale.get_active())
    # A search costs the server its query's embedding and the engine's work: limited per address.
    if form.is_bound and (wait := rate_limits.seconds_to_wait(request, "search")):
        return rate_limits.too_many_requests(request, wait)
    context = {
        "form": form,
        "results": None,
        "suggest_settings": suggest_settings(),
        "max_query_length": MAX_QUERY_LENGTH,
    }
    if form.is_bound:
        valid = form.is_valid()
        data = form.cleaned_data if valid else {}
        results = search_entries(
            request.GET.get("q", ""),
            form,
            language=data.get("language") or None,
            page_number=request.GET.get("page") or 1,
            reader_language=translation.get_language(),
        )
        # Links leave out the values the form refused: following one mends the search.
        links = SearchLinks(request.path, request.GET, drop=form.errors.keys())
        cards = result_cards(results)
        context.update(
            results=results,
            cards=cards,
            facet_groups=facet_groups(results.facets, data, links) if valid else [],
            active_filters=active_filters(form, data, links),
            clear_filters_url=SearchLinks(request.path, request.GET).url(
                remove=[name for name in form.fields if name not in ("q", "sort")]
            ),
            suggestion_url=links.url({"q": results.suggestion}) if results.suggestion else None,
            form_errors=form_errors(form, SearchLinks(request.path, request.GET)),
            map_data={
                "points": map_points(cards, request),
                "bbox": list(data["bbox"]) if data.get("bbox") else None,
            },
            map_tile_url=settings.MEMORIA_MAP_TILE_URL,
            map_tile_attribution=settings.MEMORIA_MAP_TILE_ATTRIBUTION,
        )
    return render(request, "search/search.html", context)
