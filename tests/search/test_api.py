import datetime
import json

import pytest
from wagtail.models import PageViewRestriction

from archive.factories import (
    InitiativePageFactory,
    MemorialSitePageFactory,
    TestimonyPageFactory,
)
from archive.models import Theme, format_historical_date
from search import indexing

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"


@pytest.fixture(autouse=True)
def _database_engine(settings):
    # These tests are about the API, over the embedded database engine; the
    # Elasticsearch engine has its own tests. A test asking for `search_index` switches it on
    # (that fixture runs after this one), for what only that engine answers: the facets.
    settings.ELASTICSEARCH_URL = ""


@pytest.fixture
def entries(archive_de, archive_ru, vocabulary):
    german = MemorialSitePageFactory(
        parent=archive_de,
        title="Stolpersteine Achtungstraße",
        summary="Die Familie Kahn wohnte in Heilbronn.",
        text="Die Familie Kahn wohnte in Heilbronn.",
        city=vocabulary["heilbronn"],
        date=datetime.date(1941, 12, 1),
        external_id="de-stolperstein-1",
    )
    german.themes.add(Theme.objects.get(slug="deportation", locale=german.locale))
    german.save()
    russian = InitiativePageFactory(
        parent=archive_ru,
        title="Память в Калуге",
        summary="Конференция городов-партнёров и семья Кан.",
        text="Конференция городов-партнёров и семья Кан.",
        city=vocabulary["kaluga"],
        date=datetime.date(2021, 6, 1),
    )
    testimony = TestimonyPageFactory(
        parent=archive_de,
        title="Erinnerungen an Suhl",
        summary="Ein Zeitzeuge erzählt.",
        text="Ein Zeitzeuge erzählt von Suhl.",
        city=vocabulary["suhl"],
        date=datetime.date(1943, 3, 1),
    )
    return {"german": german, "russian": russian, "testimony": testimony}


def search(client, **params):
    return client.get(URL, params)


def titles(response):
    assert response.status_code == 200, response.content
    return [hit["title"] for hit in response.json()["results"]]


# Results


def test_query_in_german(client, entries):
    response = search(client, q="Kahn")
    data = response.json()
    assert response.status_code == 200
    assert data["count"] == 1
    assert data["page"] == 1
    assert data["page_size"] == 20
    assert data["backend"] == "database"
    # Counted in the database, as the index counts them.
    assert data["facets"] == {
        "type": [{"value": "memorial_site", "count": 1}],
        "city": [{"value": "heilbronn", "count": 1}],
        "language": [{"value": "de", "count": 1}],
        "decade": [{"value": 1940, "count": 1}],
        "has_media": [{"value": "false", "count": 1}],
        "theme": [{"value": "deportation", "count": 1}],
    }
    assert data["notes"] == []
    [hit] = data["results"]
    german = entries["german"]
    assert hit["id"] == german.pk
    assert hit["external_id"] == "de-stolperstein-1"
    assert hit["type"] == "memorial_site"
    assert hit["language"] == "de"
    assert hit["title"] == "Stolpersteine Achtungstraße"
    assert hit["url"].endswith(german.url)
    assert hit["url"].startswith("http")
    assert hit["date"] == "1941-12-01"
    assert hit["display_date"] == format_historical_date(german.date, german.date_precision, "de")
    assert hit["city"] == {"slug": "heilbronn", "name_de": "Heilbronn", "name_ru": "Хайльбронн"}
    assert "score" in hit


def test_query_in_russian(client, entries):
    response = search(client, q="Калуге")
    data = response.json()
    assert data["count"] == 1
    [hit] = data["results"]
    assert hit["title"] == "Память в Калуге"
    assert hit["language"] == "ru"
    assert hit["type"] == "initiative"
    assert "/ru/" in hit["url"]
    assert hit["city"]["slug"] == "kaluga"


def test_display_date_is_in_the_entrys_language(client, entries):
    hits = {hit["language"]: hit for hit in search(client).json()["results"]}
    assert hits["de"]["display_date"] != hits["ru"]["display_date"]
    assert "2021" in hits["ru"]["display_date"]


def test_snippet_is_html_with_marks(client, entries):
    [hit] = search(client, q="Familie").json()["results"]
    assert "<mark>Familie</mark>" in hit["snippet"]


def test_snippet_escapes_the_entrys_text(client, archive_de):
    MemorialSitePageFactory(parent=archive_de, title="Markup", summary="<b>Zinnober</b> & Co", text="x")
    [hit] = search(client, q="Zinnober").json()["results"]
    assert "&lt;b&gt;<mark>Zinnober</mark>&lt;/b&gt; &amp; Co" in hit["snippet"]


def test_no_query_lists_everything_newest_first(client, entries):
    assert titles(search(client)) == ["Память в Калуге", "Erinnerungen an Suhl", "Stolpersteine Achtungstraße"]


def test_responses_are_not_cached(client, entries):
    assert "no-store" in search(client, q="Kahn")["Cache-Control"]


# Filters


def test_language_filter(client, entries):
    assert titles(search(client, language="ru")) == ["Память в Калуге"]
    assert set(titles(search(client, language="de"))) == {"Erinnerungen an Suhl", "Stolpersteine Achtungstraße"}


def test_type_filter(client, entries):
    assert titles(search(client, type="memorial_site")) == ["Stolpersteine Achtungstraße"]
    assert titles(search(client, type="testimony")) == ["Erinnerungen an Suhl"]
    assert titles(search(client, type="initiative")) == ["Память в Калуге"]


def test_city_filter(client, entries):
    assert titles(search(client, city="kaluga")) == ["Память в Калуге"]
    assert titles(search(client, city="berlin")) == []


def test_theme_filter(client, entries):
    assert titles(search(client, theme="deportation")) == ["Stolpersteine Achtungstraße"]
    assert titles(search(client, theme="holocaust")) == []


def test_date_filters(client, entries):
    assert titles(search(client, date_from=2000)) == ["Память в Калуге"]
    assert titles(search(client, date_to=1942)) == ["Stolpersteine Achtungstraße"]
    assert titles(search(client, date_from=1942, date_to=1950)) == ["Erinnerungen an Suhl"]
    assert titles(search(client, date_from=1941, date_to=1941)) == ["Stolpersteine Achtungstraße"]


def test_filters_combine_with_the_query(client, entries):
    assert titles(search(client, q="Kahn", language="ru")) == []
    assert titles(search(client, q="Kahn", type="memorial_site", city="heilbronn")) == ["Stolpersteine Achtungstraße"]


def test_empty_filter_values_mean_no_filter(client, entries):
    response = search(client, q="Kahn", language="", type="", city="", theme="", date_from="", date_to="")
    assert titles(response) == ["Stolpersteine Achtungstraße"]


def test_facets_come_from_the_engine(client, entries, search_index):
    indexing.rebuild()

    def counts(data):
        assert data["backend"] == "elasticsearch"
        return {
            name: {bucket["value"]: bucket["count"] for bucket in values} for name, values in data["facets"].items()
        }

    assert counts(search(client, q="").json()) == {
        "type": {"memorial_site": 1, "initiative": 1, "testimony": 1},
        "city": {"heilbronn": 1, "kaluga": 1, "suhl": 1},
        "theme": {"deportation": 1},
        "tag": {},
        "language": {"de": 2, "ru": 1},
        "decade": {1940: 2, 2020: 1},
        "has_media": {"false": 3},
    }
    # The counts are of what the filters let through.
    narrowed = counts(search(client, q="", language="de").json())
    assert narrowed["type"] == {"memorial_site": 1, "testimony": 1}
    assert narrowed["decade"] == {1940: 2}


# Paging


@pytest.fixture
def many(archive_de):
    return [
        MemorialSitePageFactory(parent=archive_de, title=f"Gedenkort {n}", text="Gedenkort Lindenallee", summary="")
        for n in range(5)
    ]


def test_paging(client, many):
    first = search(client, q="Lindenallee", page_size=2).json()
    second = search(client, q="Lindenallee", page_size=2, page=2).json()
    last = search(client, q="Lindenallee", page_size=2, page=3).json()
    assert (first["count"], second["count"], last["count"]) == (5, 5, 5)
    assert (first["page"], second["page"], last["page"]) == (1, 2, 3)
    assert [len(page["results"]) for page in (first, second, last)] == [2, 2, 1]
    ids = [hit["id"] for page in (first, second, last) for hit in page["results"]]
    assert sorted(ids) == sorted(entry.pk for entry in many)


def test_page_size_bounds(client, many):
    assert len(search(client, page_size=1).json()["results"]) == 1
    data = search(client, page_size=100).json()
    assert data["page_size"] == 100
    assert len(data["results"]) == 5


def test_page_beyond_the_last_is_a_400_saying_how_many_pages(client, many):
    response = search(client, q="Lindenallee", page_size=2, page=4)
    assert response.status_code == 400
    body = response.json()
    assert "page" in body["errors"]
    assert "page" in body["detail"]
    assert "3 pages" in body["detail"]


def test_page_two_of_nothing_is_a_400(client, entries):
    response = search(client, q="Nirgendwo", page=2)
    assert response.status_code == 400
    assert "1 page" in response.json()["detail"]


def test_page_one_of_nothing_is_an_empty_list(client, entries):
    data = search(client, q="Nirgendwo").json()
    assert (data["count"], data["page"], data["results"]) == (0, 1, [])


# Bad input


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"language": "fr"}, "language"),
        ({"type": "person"}, "type"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "many"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"date_from": "abc"}, "date_from"),
        ({"date_from": "19"}, "date_from"),
        ({"date_to": "12345"}, "date_to"),
        ({"date_from": "1945", "date_to": "1933"}, "date_to"),
        ({"city": "atlantis"}, "city"),
        ({"city": "\x00"}, "city"),
        ({"city": "../etc"}, "city"),
        ({"theme": "nonexistent"}, "theme"),
        ({"q": "x" * 10_001}, "q"),
        ({"language": ["de", "ru"]}, "language"),
    ],
)
def test_invalid_values_are_a_400_naming_the_field(client, entries, params, field):
    response = search(client, **params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert field in body["detail"]
    assert field in body["errors"]
    assert body["errors"][field]
    assert all(isinstance(message, str) for message in body["errors"][field])


def test_unknown_parameters_are_a_400_naming_them(client, entries):
    response = search(client, q="Kahn", query="Kahn", sort="date")
    assert response.status_code == 400
    body = response.json()
    assert "query" in body["detail"]
    assert "sort" in body["detail"]
    assert set(body["errors"]) == {"query", "sort"}


def test_unknown_and_invalid_parameters_are_reported_together(client, entries):
    response = search(client, limit="10", page_size="1000")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"limit", "page_size"}


@pytest.mark.parametrize("prefix", ['Kahn "', '"St', "St*", "St(", "Kahn OR", '1e\u00d3"\x061'])
def test_suggestions_of_hostile_prefixes_are_a_normal_answer(client, entries, prefix):
    """Found by schemathesis: a quote in the prefix was a 500 (SQLite: unterminated string)."""
    response = client.get("/api/v1/suggest/", {"q": prefix})
    assert response.status_code == 200
    assert isinstance(response.json()["suggestions"], list)


def test_a_query_past_the_limit_is_a_400_naming_q(client, entries):
    """The same limit as the search field's maxlength, documented in the schema; JSON, never an HTML error."""
    response = search(client, q="я" * 501)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"q"}
    assert client.get("/api/v1/openapi.json").json()["components"]["schemas"]  # the schema still builds


def test_an_empty_language_is_in_the_schema_as_the_api_accepts_it(client, entries):
    document = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/search/", "/api/v1/suggest/"):
        parameter = next(p for p in document["paths"][path]["get"]["parameters"] if p["name"] == "language")
        assert "" in str(parameter["schema"]), parameter
    assert client.get("/api/v1/suggest/", {"q": "", "language": ""}).status_code == 200


def test_a_bbox_that_is_not_four_numbers_is_refused_by_the_schema_too(client, entries):
    document = client.get("/api/v1/openapi.json").json()
    bbox = next(p for p in document["paths"]["/api/v1/search/"]["get"]["parameters"] if p["name"] == "bbox")
    assert "pattern" in str(bbox["schema"])
    assert search(client, bbox="0" * 40).status_code == 400
    assert search(client, bbox="9.1,49.1,9.3,49.2").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "Kahn\x00\x07\x1b control",
        "x" * 500,
        "title:(a OR b) AND NOT c~2^3",
        "<script>alert(1)</script>",
        "*",
        "\\",
        "(((",
        "Kahn -",
    ],
    ids=["quote", "control", "long", "lucene", "html", "star", "backslash", "parens", "dangling-operator"],
)
def test_hostile_queries_get_a_normal_answer(client, entries, query):
    response = search(client, q=query)
    assert response.status_code == 200
    data = response.json()
    assert data["page"] == 1
    assert "<script>" not in response.content.decode()


def test_control_characters_do_not_stop_a_match(client, entries):
    assert titles(search(client, q="Kahn\x00\x07")) == ["Stolpersteine Achtungstraße"]


# Privacy


def test_private_entries_are_never_returned(client, archive_de, entries):
    MemorialSitePageFactory(parent=archive_de, title="Entwurf", text="Quittenbaum", live=False)
    restricted = MemorialSitePageFactory(parent=archive_de, title="Geschützt", text="Quittenbaum")
    PageViewRestriction.objects.create(page=restricted, restriction_type="password", password="x")
    TestimonyPageFactory(
        parent=archive_de,
        title="Ohne Einwilligung",
        text="Quittenbaum",
        consent="not_recorded",
        consent_given_by="",
        consent_date=None,
    )
    for params in ({"q": "Quittenbaum"}, {"q": "Quittenbaum", "type": "testimony"}, {"page_size": 100}):
        response = search(client, **params)
        assert response.status_code == 200
        assert "Quittenbaum" not in response.content.decode()
        assert not {"Entwurf", "Geschützt", "Ohne Einwilligung"} & set(titles(response))
    assert search(client, q="Quittenbaum").json()["count"] == 0
    assert search(client).json()["count"] == 3


# The OpenAPI document


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    operation = document["paths"]["/api/v1/search/"]["get"]
    assert operation["summary"]
    assert operation["description"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert set(parameters) == {
        "q",
        "language",
        "type",
        "city",
        "theme",
        "tag",
        "has_media",
        "bbox",
        "sort",
        "date_from",
        "date_to",
        "page",
        "page_size",
    }
    assert all(parameter["in"] == "query" and parameter["description"] for parameter in parameters.values())
    assert parameters["page_size"]["schema"]["maximum"] == 100
    assert set(operation["responses"]) == {"200", "400", "429"}
    schemas = document["components"]["schemas"]
    assert set(schemas["SearchResponse"]["properties"]) == {
        "count",
        "page",
        "page_size",
        "results",
        "facets",
        "suggestion",
        "notes",
        "backend",
    }
    assert "translations" in schemas["Hit"]["properties"]
    suggest = document["paths"]["/api/v1/suggest/"]["get"]
    assert {parameter["name"] for parameter in suggest["parameters"]} == {"q", "language"}
    assert "<mark>" in schemas["Hit"]["properties"]["snippet"]["description"]
    assert set(schemas["ErrorResponse"]["properties"]) == {"detail", "errors"}


def test_the_docs_page_serves_swagger_ui_from_the_site_itself(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in html
    assert "cdn" not in html.lower()
    assert '"url": "/api/v1/openapi.json"' in html
    # The page runs no inline script: the site's content security policy allows none.
    assert "<script>" not in html
