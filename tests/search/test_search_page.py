import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import wagtail_factories
from django.utils import translation
from django.utils.html import escape

from archive.factories import ImageFactory, InitiativePageFactory, MemorialSitePageFactory, TestimonyPageFactory
from archive.models import Theme
from search import indexing
from search.forms import SearchForm
from search.service import search_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(archive_de, archive_ru, vocabulary):
    return {
        "german": MemorialSitePageFactory(
            parent=archive_de,
            title="Stolpersteine Achtungstraße",
            text="Die Familie Kahn wohnte in Heilbronn.",
            city=vocabulary["heilbronn"],
            date=datetime.date(1941, 12, 1),
        ),
        "russian": InitiativePageFactory(
            parent=archive_ru,
            title="Память в Калуге",
            text="Конференция городов-партнёров и семья Кан.",
            city=vocabulary["kaluga"],
            date=datetime.date(2021, 6, 1),
        ),
        "draft": MemorialSitePageFactory(parent=archive_de, title="Entwurf Kahn", live=False),
        "unconsented": TestimonyPageFactory(
            parent=archive_de, title="Zeugnis Kahn", consent="not_recorded", consent_given_by="", consent_date=None
        ),
    }


def titles(response):
    return [hit.entry.title for hit in response.context["results"].hits]


def gettext_in(language, message):
    with translation.override(language):
        return translation.gettext(message)


def test_search_finds_live_entries_of_both_languages_from_either_interface(client, entries):
    for prefix in ("/de", "/ru"):
        assert titles(client.get(f"{prefix}/search/", {"q": "Kahn"})) == ["Stolpersteine Achtungstraße"]
        assert titles(client.get(f"{prefix}/search/", {"q": "Калуге"})) == ["Память в Калуге"]


def test_drafts_and_testimonies_without_consent_are_never_found(client, entries):
    response = client.get("/de/search/", {"q": "Kahn"})
    html = response.content.decode()
    assert "Entwurf Kahn" not in html
    assert "Zeugnis Kahn" not in html


def test_filters(client, entries):
    assert titles(client.get("/de/search/", {"q": "", "language": "ru"})) == ["Память в Калуге"]
    assert titles(client.get("/de/search/", {"type": "memorial_site"})) == ["Stolpersteine Achtungstraße"]
    assert titles(client.get("/de/search/", {"city": "kaluga"})) == ["Память в Калуге"]
    assert titles(client.get("/de/search/", {"date_from": 2000, "date_to": 2030})) == ["Память в Калуге"]


def test_snippet_is_highlighted_and_escaped(client, entries):
    response = client.get("/de/search/", {"q": "Familie"})
    html = response.content.decode()
    assert "<mark>Familie</mark>" in html


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "\x00\x07control", "x" * 10_000, "title:(a OR b) AND NOT c~2^3", "<script>alert(1)</script>"],
    ids=["quote", "control", "long", "lucene", "html"],
)
def test_hostile_queries_get_a_normal_page(client, entries, query):
    response = client.get("/de/search/", {"q": query, "page": "999999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    # What was typed stays in the field, escaped; the answer is the first page of nothing found.
    assert f'name="q" id="id_q" value="{escape(query)}"' in html
    assert gettext_in("de", "Nothing found. Try fewer words, another spelling, or the other language.") in html
    assert response.context["results"].page.number == 1


def test_invalid_filters_do_not_break_the_page(client, entries):
    response = client.get("/de/search/", {"q": "Kahn", "date_from": "abc", "city": "atlantis", "page": "-1"})
    assert response.status_code == 200
    # The words are still searched; each refused filter is named, with a link to search without it.
    assert titles(response) == ["Stolpersteine Achtungstraße"]
    html = response.content.decode()
    assert 'class="form-errors" role="alert"' in html
    city, date_from = response.context["form"].fields["city"], response.context["form"].fields["date_from"]
    assert [(label, url) for label, _messages, url in response.context["form_errors"]] == [
        (city.label, "/de/search/?q=Kahn&date_from=abc"),
        (date_from.label, "/de/search/?q=Kahn&city=atlantis"),
    ]
    for _label, messages, url in response.context["form_errors"]:
        assert f'{escape(" ".join(str(message) for message in messages))} <a href="{escape(url)}">' in html


def test_search_page_query_count_does_not_grow_with_the_results(
    client, archive_de, vocabulary, django_assert_max_num_queries
):
    for number in range(3):
        MemorialSitePageFactory(parent=archive_de, title=f"Stein Quitte {number}", city=vocabulary["berlin"])
    client.get("/de/search/", {"q": "Quitte"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/de/search/", {"q": "Quitte"})
    few = len(few)  # now: the next request empties the connection's log
    for number in range(3, 15):
        MemorialSitePageFactory(parent=archive_de, title=f"Stein Quitte {number}", city=vocabulary["heilbronn"])
    client.get("/de/search/", {"q": "Quitte"})  # the pages' frame is built again after a change
    with django_assert_max_num_queries(few):
        response = client.get("/de/search/", {"q": "Quitte"})
    assert response.context["results"].count == 15


# The page's filters, facets, map and suggestions (issue "Either language, either script")


@pytest.fixture
def places(archive_de, archive_ru, vocabulary):
    """Entries with and without tags, media and coordinates, in both languages and decades apart."""
    heilbronn = MemorialSitePageFactory(
        parent=archive_de,
        title="Stolperstein Heilbronn",
        text="Ein Stein für die Familie Kahn.",
        city=vocabulary["heilbronn"],
        date=datetime.date(1941, 12, 1),
        latitude=49.14,
        longitude=9.22,
        image=ImageFactory(),
    )
    heilbronn.tags.add("Familie")
    heilbronn.save()
    kaluga = MemorialSitePageFactory(
        parent=archive_ru,
        title="Мемориал в Калуге",
        inscription="",
        text="Камень в память о семье Кан.",
        city=vocabulary["kaluga"],
        date=datetime.date(1975, 5, 9),
        latitude=54.51,
        longitude=36.26,
    )
    chukotka = MemorialSitePageFactory(
        parent=archive_ru,
        title="Памятник на Чукотке",
        inscription="",
        text="Памятник у линии перемены дат.",
        date=datetime.date(1985, 5, 9),
        latitude=65.7,
        longitude=-179.5,
    )
    testimony = TestimonyPageFactory(
        parent=archive_ru,
        title="Воспоминания о семье Кан",
        text="Рассказ о семье Кан.",
        date=datetime.date(1995, 1, 1),
        media=wagtail_factories.DocumentFactory(),
    )
    initiative = InitiativePageFactory(
        parent=archive_de,
        title="Jugendaustausch Kahn",
        text="Schüler erinnern an die Familie Kahn.",
        date=datetime.date(2010, 6, 1),
    )
    initiative.tags.add("Jugend")
    initiative.save()
    return {
        "heilbronn": heilbronn,
        "kaluga": kaluga,
        "chukotka": chukotka,
        "testimony": testimony,
        "initiative": initiative,
    }


def test_tag_filter(client, places):
    assert titles(client.get("/de/search/", {"q": "", "tag": "Familie"})) == ["Stolperstein Heilbronn"]
    assert titles(client.get("/de/search/", {"q": "Kahn", "tag": "Jugend"})) == ["Jugendaustausch Kahn"]
    assert titles(client.get("/de/search/", {"q": "", "tag": "Nirgends"})) == []


def test_has_media_filter_means_an_image_or_a_recording(client, places):
    found = titles(client.get("/de/search/", {"q": "", "has_media": "on"}))
    assert sorted(found) == sorted(["Stolperstein Heilbronn", "Воспоминания о семье Кан"])
    # Unchecked, the box filters nothing.
    assert len(titles(client.get("/de/search/", {"q": ""}))) == 5


def test_bbox_filter(client, places):
    assert titles(client.get("/de/search/", {"q": "", "bbox": "8,48,10,50"})) == ["Stolperstein Heilbronn"]
    assert titles(client.get("/de/search/", {"q": "", "bbox": "30.5,50,40,60"})) == ["Мемориал в Калуге"]
    # West beyond east: the box crosses the 180th meridian.
    assert titles(client.get("/de/search/", {"q": "", "bbox": "170,60,-170,70"})) == ["Памятник на Чукотке"]
    # Entries without coordinates are never inside a box.
    assert titles(client.get("/de/search/", {"q": "", "bbox": "-180,-90,180,90"})) == [
        "Памятник на Чукотке",
        "Мемориал в Калуге",
        "Stolperstein Heilbronn",
    ]


def test_sort(client, places):
    newest = titles(client.get("/de/search/", {"q": "", "sort": "newest"}))
    oldest = titles(client.get("/de/search/", {"q": "", "sort": "oldest"}))
    assert newest[0] == "Jugendaustausch Kahn"
    assert oldest == list(reversed(newest))
    # With words: the same order among what the words find ("Kahn" finds "Кан" as a name, too).
    assert titles(client.get("/de/search/", {"q": "Kahn", "sort": "oldest"})) == [
        "Stolperstein Heilbronn",
        "Воспоминания о семье Кан",
        "Jugendaustausch Kahn",
    ]


@pytest.mark.parametrize(
    "bbox",
    ["1,2,3", "a,b,c,d", "0,10,5,5", "200,0,210,5", "0,-95,5,5", "nan,0,1,1", "1,2,3,4,5", "x" * 5000],
    ids=["three", "words", "south-above-north", "longitude", "latitude", "nan", "five", "long"],
)
def test_a_bad_map_area_is_an_error_on_the_page_not_a_500(client, places, bbox):
    response = client.get("/de/search/", {"q": "", "tag": "Familie", "bbox": bbox})
    assert response.status_code == 200
    form = response.context["form"]
    assert "bbox" in form.errors
    html = response.content.decode()
    assert 'class="form-errors" role="alert"' in html
    assert str(form.errors["bbox"][0]) in html.replace("&#x27;", "'")
    # The summary offers the same search without the map area, the other filters kept.
    remove = [url for _label, _messages, url in response.context["form_errors"]][0]
    assert "bbox" not in remove
    assert "tag=Familie" in remove


def test_clean_bbox_returns_floats_west_south_east_north():
    form = SearchForm({"bbox": " 9.1, 49, 9.3 ,49.2 "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["bbox"] == (9.1, 49.0, 9.3, 49.2)
    form = SearchForm({"bbox": ""})
    assert form.is_valid()
    assert form.cleaned_data["bbox"] is None


def test_the_view_asks_for_the_readers_language_first(client, places, monkeypatch):
    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return search_entries(*args, **kwargs)

    monkeypatch.setattr("search.views.search_entries", spy)
    client.get("/ru/search/", {"q": "Кан"})
    assert calls[-1]["reader_language"] == "ru"


def test_active_filters_are_links_that_remove_one_filter_each(client, places):
    response = client.get(
        "/de/search/", {"q": "Kahn", "type": "memorial_site", "tag": "Familie", "bbox": "8,48,10,50", "page": "1"}
    )
    groups = [link.group for link in response.context["active_filters"]]
    assert groups == [gettext_in("de", "Type"), gettext_in("de", "Tag"), gettext_in("de", "Map")]
    by_url = {link.url: link for link in response.context["active_filters"]}
    for url in by_url:
        params = parse_qs(urlsplit(url).query)
        assert params["q"] == ["Kahn"]
        assert "page" not in params
    removed = sorted(
        next(name for name in ("type", "tag", "bbox") if name not in parse_qs(urlsplit(url).query)) for url in by_url
    )
    assert removed == ["bbox", "tag", "type"]
    html = response.content.decode()
    for url in by_url:
        assert f'href="{escape(url)}"' in html


@pytest.fixture
def indexed_places(places, search_index):
    """The places above in a real index of this test's own, one of them on the deportation theme."""
    heilbronn = places["heilbronn"]
    heilbronn.themes.add(Theme.objects.get(slug="deportation", locale=heilbronn.locale))
    heilbronn.save_revision().publish()
    indexing.rebuild()
    return places


def facet_links(response):
    return {group.name: {value.label: value for value in group.values} for group in response.context["facet_groups"]}


def facet_counts(response):
    return {name: {label: link.count for label, link in links.items()} for name, links in facet_links(response).items()}


@pytest.fixture
def database_places(places):
    """The same places, searched by the embedded default's engine (no index)."""
    theme = Theme.objects.get(slug="deportation", locale=places["heilbronn"].locale)
    places["heilbronn"].themes.add(theme)
    places["heilbronn"].save_revision().publish()
    return places


@pytest.mark.parametrize(("fixture", "engine"), [("indexed_places", "elasticsearch"), ("database_places", "database")])
def test_facets_count_the_results_are_labelled_in_the_readers_language_and_keep_the_other_filters(
    client, request, fixture, engine
):
    request.getfixturevalue(fixture)
    response = client.get("/de/search/", {"q": "", "type": "memorial_site", "sort": "oldest", "page": "2"})
    assert response.context["results"].backend == engine
    assert [group.name for group in response.context["facet_groups"]] == [
        "type",
        "language",
        "city",
        "theme",
        "tag",
        "decade",
        "has_media",
    ]
    # The three memorial sites: one German with an image, two Russian.
    assert facet_counts(response) == {
        "type": {"Gedenkorte": 3},
        "language": {"Russisch": 2, "Deutsch": 1},
        "city": {"Heilbronn": 1, "Kaluga": 1},
        "theme": {"Deportation": 1},
        "tag": {"Familie": 1},
        "decade": {"1940er Jahre": 1, "1970er Jahre": 1, "1980er Jahre": 1},
        # Only "with media" is a filter; "without" is no choice the form offers.
        "has_media": {gettext_in("de", "With media"): 1},
    }
    facets = facet_links(response)
    assert facets["type"]["Gedenkorte"].active
    assert not facets["language"]["Deutsch"].active

    def params(link):
        return parse_qs(urlsplit(link.url).query, keep_blank_values=True)

    for group in facets.values():
        for link in group.values():
            query = params(link)
            assert query["q"] == [""]
            assert query["sort"] == ["oldest"]
            assert query["type"] == ["memorial_site"]
            assert "page" not in query
    assert params(facets["city"]["Heilbronn"])["city"] == ["heilbronn"]
    assert params(facets["theme"]["Deportation"])["theme"] == ["deportation"]
    assert params(facets["tag"]["Familie"])["tag"] == ["Familie"]
    assert params(facets["language"]["Russisch"])["language"] == ["ru"]
    decade = params(facets["decade"]["1940er Jahre"])
    assert (decade["date_from"], decade["date_to"]) == (["1940"], ["1949"])
    assert params(next(iter(facets["has_media"].values())))["has_media"] == ["on"]

    html = response.content.decode()
    assert 'aria-labelledby="facets-heading"' in html
    assert f'href="{escape(facets["city"]["Heilbronn"].url)}">Heilbronn <span class="facet__count"' in html

    # Following a facet's link narrows the results to what it counted.
    narrowed = client.get(facets["language"]["Russisch"].url)
    assert sorted(titles(narrowed)) == ["Мемориал в Калуге", "Памятник на Чукотке"]
    assert facet_counts(narrowed)["language"] == {"Russisch": 2}


@pytest.mark.parametrize("fixture", ["indexed_places", "database_places"])
def test_russian_readers_see_russian_facet_labels(client, request, fixture):
    request.getfixturevalue(fixture)
    facets = facet_counts(client.get("/ru/search/", {"q": ""}))
    assert facets["city"] == {"Хайльбронн": 1, "Калуга": 1}
    assert facets["theme"] == {"Депортация": 1}
    assert facets["language"] == {"Русский": 3, "Немецкий": 2}
    assert facets["decade"] == {
        "1940-е годы": 1,
        "1970-е годы": 1,
        "1980-е годы": 1,
        "1990-е годы": 1,
        "2010-е годы": 1,
    }


def test_did_you_mean_replaces_the_query_and_keeps_the_filters(client, indexed_places):
    response = client.get("/de/search/", {"q": "Kahm", "type": "memorial_site", "page": "3"})
    assert response.context["results"].suggestion == "kahn"
    url = response.context["suggestion_url"]
    query = parse_qs(urlsplit(url).query)
    assert query["q"] == ["kahn"]
    assert query["type"] == ["memorial_site"]
    assert "page" not in query
    html = response.content.decode()
    assert f'<a href="{escape(url)}">kahn</a>' in html
    # The suggestion finds what the typo did not.
    assert titles(client.get(url)) == ["Stolperstein Heilbronn"]


def test_no_suggestion_no_did_you_mean(client, places):
    response = client.get("/de/search/", {"q": "Kahn"})
    assert response.context["suggestion_url"] is None
    assert 'class="search-suggestion"' not in response.content.decode()


def test_a_result_links_its_other_language_version(client, archive_de, archive_ru):
    german = MemorialSitePageFactory(parent=archive_de, title="Gedenkstein Kahn", text="Familie Kahn.")
    russian = MemorialSitePageFactory(
        parent=archive_ru,
        title="Памятный камень Кан",
        text="Семья Кан.",
        translation_key=german.translation_key,
    )
    html = client.get("/de/search/", {"q": "Familie"}).content.decode()
    assert (
        f'<a href="{russian.url}" hreflang="ru">{gettext_in("de", "Also in Russian:")} '
        f'<span lang="ru">Памятный камень Кан</span></a>'
    ) in html
    html = client.get("/ru/search/", {"q": "Семья"}).content.decode()
    assert f'hreflang="de">{gettext_in("ru", "Also in German:")} <span lang="de">Gedenkstein Kahn</span></a>' in html


def test_cards_mark_the_entrys_language_and_the_map_gets_the_located_results(client, places):
    response = client.get("/de/search/", {"q": "", "sort": "oldest"})
    html = response.content.decode()
    assert '<h3 class="entry-card__title" lang="ru">' in html
    assert '<h3 class="entry-card__title" lang="de">' in html
    points = response.context["map_data"]["points"]
    # Numbered as in the list; the testimony and the initiative have no coordinates.
    assert [(point["number"], point["title"], point["language"]) for point in points] == [
        (1, "Stolperstein Heilbronn", "de"),
        (2, "Мемориал в Калуге", "ru"),
        (3, "Памятник на Чукотке", "ru"),
    ]
    assert points[0]["url"] == places["heilbronn"].url
    assert (points[0]["lat"], points[0]["lon"]) == (49.14, 9.22)
    assert 'id="search-map-data"' in html


def test_the_query_field_is_a_plain_search_field_until_the_script_makes_it_a_combobox(client, places):
    response = client.get("/de/search/", {"q": "Kahn"})
    html = response.content.decode()
    assert '<input type="search" name="q" id="id_q"' in html
    assert 'role="combobox"' not in html
    assert response.context["suggest_settings"]["url"] == "/api/v1/suggest/"
    announcements = response.context["suggest_settings"]["announcements"]
    assert len(announcements) == 9  # none, and 1 to 8 suggestions


def test_years_sort_and_media_are_labelled_fields(client, places):
    html = client.get("/de/search/", {"q": "Kahn"}).content.decode()
    for field_id in ("id_date_from", "id_date_to", "id_has_media", "id_tag", "id_sort"):
        assert f'for="{field_id}"' in html
        assert f'id="{field_id}"' in html


@pytest.fixture
def translated_stones(archive_de, archive_ru):
    """Five entries, each in German and Russian, every version matching "Quitte"."""
    pairs = []
    for number in range(5):
        german = MemorialSitePageFactory(parent=archive_de, title=f"Stein Quitte {number}", text="Quitte.")
        russian = MemorialSitePageFactory(
            parent=archive_ru, title=f"Камень Quitte {number}", text="Quitte.", translation_key=german.translation_key
        )
        pairs.append((german, russian))
    return pairs


@pytest.mark.parametrize(("language", "shown"), [("de", 0), ("ru", 1)])
def test_the_database_engine_shows_an_entry_once_across_all_pages_and_counts_entries(
    client, translated_stones, language, shown
):
    seen = []
    for number in (1, 2, 3):
        results = search_entries("Quitte", SearchForm({}), page_number=number, page_size=2, reader_language=language)
        assert results.backend == "database"
        assert results.count == 5
        seen += [hit.entry.pk for hit in results.hits]
    # Each entry once, in the reader's language; the other version linked, not a result of its own.
    assert sorted(seen) == sorted(pair[shown].pk for pair in translated_stones)
    response = client.get(f"/{language}/search/", {"q": "Quitte"})
    assert response.context["results"].count == len(response.context["results"].hits) == 5


def test_the_api_on_the_database_engine_pages_through_entries_not_versions(client, translated_stones, settings):
    settings.ELASTICSEARCH_URL = ""
    ids = []
    for number in (1, 2, 3, 4, 5):
        data = client.get("/api/v1/search/", {"q": "Quitte", "page": number, "page_size": 1}).json()
        assert data["count"] == 5
        assert data["facets"]["type"] == [{"value": "memorial_site", "count": 5}]
        assert data["facets"]["language"] == [{"value": "de", "count": 5}, {"value": "ru", "count": 5}]
        ids += [result["id"] for result in data["results"]]
    keys = {str(german.translation_key) for german, _russian in translated_stones}
    assert len(ids) == 5
    assert {str(type(translated_stones[0][0]).objects.get(pk=pk).translation_key) for pk in ids} == keys


def test_no_hits_no_map_and_no_search_in_this_map_area(client, places):
    found = client.get("/de/search/", {"q": "Kahn"}).content.decode()
    assert "data-search-map" in found
    nothing = client.get("/de/search/", {"q": "Zyxwvu"}).content.decode()
    assert "data-search-map" not in nothing
    assert "data-search-area" not in nothing
