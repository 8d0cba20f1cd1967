"""The archive's search as JSON: `GET /api/v1/search/`, described at `/api/v1/openapi.json`.

The endpoint is a thin layer over `search_entries` and the search page's `SearchForm`:
the same filters, the same visibility rules (no drafts, no private pages, no testimonies
without consent), whichever engine answers. Bad input is a 400 with a JSON body naming
the parameters, never a 500.
"""

import math
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import ValidationError
from ninja.responses import Status
from pydantic import field_validator

from archive.models import ENTRY_MODELS, format_historical_date
from memoria import rate_limits
from search.forms import SearchForm
from search.query import MAX_QUERY_LENGTH
from search.service import search_entries, suggest_entries
from search.suggestions import MAX_SUGGESTIONS

# The same choices as the search page's form; the form validates them again.
LANGUAGES = tuple(value for value, _label in SearchForm.base_fields["language"].choices if value)
EntryType = Literal[tuple(ENTRY_MODELS)]
Language = Literal[LANGUAGES]
# As filters, "" too: what an HTML form sends for "both languages" and "every type".
LanguageFilter = Literal[("", *LANGUAGES)]
EntryTypeFilter = Literal[("", *ENTRY_MODELS)]
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
_NUMBER = r"\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*"
# Four decimal numbers; their ranges and order are checked by the form (a 400 naming `bbox`).
BBOX_PATTERN = rf"^{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}$"
MAX_PAGE_SIZE = 100

api = NinjaAPI(
    title="Memoria API",
    version="1",
    description="Read-only access to the public part of the Memoria archive.",
    urls_namespace="api-v1",
    # Swagger UI from Ninja's own static files ("ninja" is an installed app), not from a CDN.
    docs_url="/docs",
)


class SearchParams(Schema):
    q: str = Field(
        "",
        max_length=MAX_QUERY_LENGTH,
        description=(
            'Words to search for; every word must match. With the Elasticsearch engine "quoted words" match '
            "as a phrase; the database engine (the embedded default, and the fallback) matches words only. "
            "Field prefixes and Lucene operators are treated as plain text. Empty: all entries, newest first."
        ),
    )
    language: LanguageFilter | None = Field(None, description="Only entries in this language; empty: both.")
    type: EntryTypeFilter | None = Field(None, description="Only entries of this type; empty: every type.")
    city: str | None = Field(
        None, pattern=SLUG_PATTERN, max_length=50, description="Slug of a partner city, e.g. `kaluga`."
    )
    theme: str | None = Field(
        None, pattern=SLUG_PATTERN, max_length=50, description="Slug of a theme, e.g. `deportation`."
    )
    date_from: int | None = Field(None, ge=1000, le=2100, description="Only entries dated in or after this year.")
    date_to: int | None = Field(None, ge=1000, le=2100, description="Only entries dated in or before this year.")
    tag: str | None = Field(None, max_length=100, description="Only entries with this tag (its name, as shown).")
    has_media: bool | None = Field(None, description="`true`: only entries with an image, audio or video.")
    bbox: str | None = Field(
        None,
        max_length=100,
        pattern=BBOX_PATTERN,
        description="Only entries located in this box: `west,south,east,north` in decimal degrees (WGS 84).",
    )
    sort: Literal["relevance", "newest", "oldest"] = Field(
        "relevance", description="Order of the results; without `q` the newest come first."
    )
    page: int = Field(
        1, ge=1, description="Page number, from 1. A page beyond the last is a 400 that says how many pages there are."
    )
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Results per page.")

    @field_validator(
        "language", "type", "city", "theme", "tag", "has_media", "bbox", "date_from", "date_to", mode="before"
    )
    @classmethod
    def empty_is_absent(cls, value):
        # An HTML form sends `language=` for "both languages".
        return None if value == "" else value

    @field_validator("date_to")
    @classmethod
    def years_in_order(cls, value, info):
        start = info.data.get("date_from")
        if value is not None and start is not None and start > value:
            raise ValueError("date_to must not be before date_from")
        return value


ALLOWED_PARAMETERS = tuple(SearchParams.model_fields)


class City(Schema):
    slug: str
    name_de: str
    name_ru: str


class Version(Schema):
    id: int
    language: str
    title: str
    url: str | None


class Hit(Schema):
    id: int
    external_id: str | None = Field(description="The entry's identifier in the data set it was imported from.")
    type: EntryType
    language: str
    title: str
    url: str | None = Field(description="The entry's public page.")
    snippet: str = Field(
        description=(
            "An HTML fragment: an excerpt of the entry's text, HTML-escaped, with the matched words "
            "wrapped in `<mark>`. Safe to insert as HTML; to show it as text, strip the tags."
        )
    )
    score: float | None = Field(description="Relevance as reported by the engine; null where it reports none.")
    date: str | None = Field(description="ISO date (YYYY-MM-DD); see display_date for its precision.")
    display_date: str = Field(description="The date as shown on the site, in the entry's language and precision.")
    city: City | None
    translations: list[Version] = Field(
        description="The entry's other language versions; the result itself is the version in the reader's "
        "language (`Accept-Language` or `language`) where one matches."
    )


class FacetValue(Schema):
    value: str | int | float
    count: int


class SearchResponse(Schema):
    count: int = Field(description="Number of matching entries, on all pages.")
    page: int
    page_size: int
    results: list[Hit]
    facets: dict[str, list[FacetValue]] = Field(
        description="Counts per filter value, e.g. {'type': [{'value': 'testimony', 'count': 3}]}, "
        "where the engine provides them (Elasticsearch); empty otherwise."
    )
    suggestion: str | None = Field(
        description='"Did you mean": the query with its words spelled as the archive knows them, when no '
        "entry contains the words as given; null otherwise (and always from the database engine)."
    )
    notes: list[str] = Field(description="Remarks of the engine about the query, e.g. words it ignored.")
    backend: str = Field(description="The engine that answered: `database` or `elasticsearch`.")


class ErrorResponse(Schema):
    detail: str = Field(description="What was wrong, naming the parameters.")
    errors: dict[str, list[str]] = Field(description="Messages by parameter name.")


class TooManyRequests(Schema):
    detail: str
    retry_after: int = Field(description="Seconds to wait before the next request (also the Retry-After header).")


def _too_many(response: HttpResponse, wait: int) -> Status:
    response["Retry-After"] = str(wait)
    return Status(
        429, {"detail": f"Too many requests from this address; try again in {wait} seconds.", "retry_after": wait}
    )


def _allowed_parameters(request: HttpRequest) -> tuple[str, ...]:
    return SUGGEST_PARAMETERS if request.path.rstrip("/").endswith("/suggest") else ALLOWED_PARAMETERS


def _request_errors(request: HttpRequest) -> dict[str, list[str]]:
    """Parameters the endpoint does not know, or that were given more than once."""
    errors = {}
    allowed = _allowed_parameters(request)
    for name, values in request.GET.lists():
        if name not in allowed:
            errors[name] = ["Unknown parameter."]
        elif len(values) > 1:
            errors[name] = ["Given more than once."]
    return errors


def _bad_request(errors: dict[str, list[str]], allowed: tuple[str, ...] = ALLOWED_PARAMETERS) -> dict:
    unknown = [name for name, messages in errors.items() if messages == ["Unknown parameter."]]
    invalid = [name for name in errors if name not in unknown]
    parts = []
    if unknown:
        parts.append(f"Unknown parameters: {', '.join(unknown)} (allowed: {', '.join(allowed)}).")
    if invalid:
        parts.append(f"Invalid parameters: {', '.join(invalid)}.")
    return {"detail": " ".join(parts), "errors": errors}


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    errors = _request_errors(request)
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ()) if part != "query"]
        name = loc[0] if loc else "__all__"
        message = str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")
        errors.setdefault(name, []).append(message)
    return api.create_response(request, _bad_request(errors, _allowed_parameters(request)), status=400)


@api.get(
    "/search/",
    response={200: SearchResponse, 400: ErrorResponse, 429: TooManyRequests},
    summary="Search the archive",
    description=(
        "Full-text search over the public entries of both languages, with the filters of the site's "
        "search page. Drafts, pages with view restrictions and testimonies without recorded consent "
        "are never returned. Unknown, repeated or invalid parameters, and a page beyond the last, "
        "give a 400 with `detail` and `errors` by parameter."
    ),
    operation_id="search_entries",
    tags=["search"],
)
def search(request, response: HttpResponse, params: Query[SearchParams]):
    if wait := rate_limits.seconds_to_wait(request, "api"):
        return _too_many(response, wait)
    errors = _request_errors(request)
    if errors:
        return Status(400, _bad_request(errors))
    data = params.model_dump()
    # The service cleans control characters out of the text; the form's CharField would
    # refuse a NUL instead, and the page does not mind them either.
    data["q"] = data["q"].replace("\x00", " ")
    data["sort"] = "" if data["sort"] == "relevance" else data["sort"]
    data["has_media"] = "on" if data["has_media"] else ""
    form = SearchForm({name: "" if value is None else str(value) for name, value in data.items()}, locale=None)
    if not form.is_valid():
        form_errors = {name: [e["message"] for e in messages] for name, messages in form.errors.get_json_data().items()}
        return Status(400, _bad_request(form_errors))

    results = search_entries(
        params.q,
        form,
        language=form.cleaned_data["language"] or None,
        page_number=params.page,
        page_size=params.page_size,
        reader_language=form.cleaned_data["language"] or request.LANGUAGE_CODE,
    )
    # The engines answer a page beyond the last (or beyond Elasticsearch's result window) with the last one.
    last_page = getattr(results.page, "number", None) or max(1, math.ceil(results.count / params.page_size))
    if params.page > last_page:
        pages = "is 1 page" if last_page == 1 else f"are {last_page} pages"
        return Status(
            400,
            {
                "detail": f"Invalid parameters: page. There {pages}.",
                "errors": {"page": [f"Page {params.page} is beyond the last page ({last_page})."]},
            },
        )

    add_never_cache_headers(response)
    return {
        "count": results.count,
        "page": params.page,
        "page_size": params.page_size,
        "results": [_hit(hit, request) for hit in results.hits],
        "facets": getattr(results, "facets", None) or {},
        "suggestion": results.suggestion,
        "notes": [str(note) for note in results.notes],
        "backend": results.backend,
    }


def _hit(hit, request):
    # The service loaded each entry with its locale and city, and each version with its locale.
    entry = hit.entry
    language = entry.locale.language_code
    city = entry.city
    return {
        "id": entry.pk,
        "external_id": entry.external_id,
        "type": entry.entry_type,
        "language": language,
        "title": entry.title,
        "url": entry.get_full_url(request),
        "snippet": str(hit.snippet),
        "score": hit.score,
        "date": entry.date.isoformat() if entry.date else None,
        "display_date": format_historical_date(entry.date, entry.date_precision, language or None),
        "city": {"slug": city.slug, "name_de": city.name_de, "name_ru": city.name_ru} if city else None,
        "translations": [
            {
                "id": version.pk,
                "language": version.locale.language_code,
                "title": version.title,
                "url": version.get_full_url(request),
            }
            for version in hit.translations
        ],
    }


class SuggestParams(Schema):
    q: str = Field(..., max_length=100, description="What has been typed so far (at least 2 characters count).")
    language: LanguageFilter | None = Field(None, description="Only entries in this language; empty: both.")

    @field_validator("language", mode="before")
    @classmethod
    def empty_is_absent(cls, value):
        return None if value == "" else value


SUGGEST_PARAMETERS = tuple(SuggestParams.model_fields)


class SuggestionOut(Schema):
    text: str = Field(description="The entry's title.")
    url: str = Field(description="The entry's page (a path on this site).")
    type: EntryType
    language: str


class SuggestResponse(Schema):
    suggestions: list[SuggestionOut]


@api.get(
    "/suggest/",
    response={200: SuggestResponse, 400: ErrorResponse, 429: TooManyRequests},
    summary="Suggest entries as the user types",
    description=(
        f"Up to {MAX_SUGGESTIONS} public entries whose title (or a word of it) starts with `q`, tolerating a typo, "
        "the reader's language first and one version per entry. Fewer than 2 characters: no suggestions."
    ),
    operation_id="suggest_entries",
    tags=["search"],
)
def suggest(request, response: HttpResponse, params: Query[SuggestParams]):
    if wait := rate_limits.seconds_to_wait(request, "suggest"):
        return _too_many(response, wait)
    errors = _request_errors(request)
    if errors:
        return Status(400, _bad_request(errors, SUGGEST_PARAMETERS))
    add_never_cache_headers(response)
    suggestions = suggest_entries(
        params.q.replace("\x00", " "), language=params.language, reader_language=request.LANGUAGE_CODE
    )
    return {"suggestions": [vars(suggestion) for suggestion in suggestions]}
