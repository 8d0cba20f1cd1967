"""Bilingual retrieval against the real server: scripts, languages, glossary, grouping, the page's tools."""

import csv
import datetime
import html
import json
from pathlib import Path

import pytest

from archive.factories import ImageFactory, InitiativePageFactory, MemorialSitePageFactory, TestimonyPageFactory
from archive.models import GlossaryTerm, TestimonyPage
from search import indexing
from search.embeddings import compute_missing
from search.engines.elasticsearch import ElasticsearchSearch
from search.forms import SearchForm
from search.service import search_entries, suggest_entries

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def entry(parent, title, text="", factory=InitiativePageFactory, **fields):
    """An entry whose every searchable word is given here (the factories' defaults are random words)."""
    defaults = {"summary": text, "text": text, "date": datetime.date(1942, 6, 22)}
    if factory is InitiativePageFactory:
        defaults["organisers"] = ""
    if factory is MemorialSitePageFactory:
        defaults.update(inscription="", address="", latitude=None, longitude=None)
    return factory(parent=parent, title=title, **{**defaults, **fields})


def titles(results):
    return [hit.entry.title for hit in results.hits]


def search(text, retrieval="hybrid", glossary=True, language=None, reader_language=None, **filters):
    form = SearchForm(filters or None)
    if filters:
        assert form.is_valid(), form.errors
    return ElasticsearchSearch(retrieval=retrieval, glossary=glossary).search(
        text, form, language=language, reader_language=reader_language
    )


def name_table():
    with (DATA / "names.tsv").open(encoding="utf-8") as table:
        return list(csv.DictReader(table, delimiter="\t"))


# Across scripts


def test_the_issues_examples_across_scripts(search_index, archive_de, archive_ru):
    # Names as written, not inflected: transliteration does not stem (Калуге is not Калуга; see the module).
    entry(archive_ru, "Калуга: конференция городов-партнёров", "Встреча делегаций.")
    entry(archive_de, "Ausstellung über Marschall Schukow", "Eine Ausstellung im Rathaus.")
    entry(archive_ru, "Маршал Жуков", "Выставка в музее.")
    entry(archive_de, "Stolperstein für Abraham Grünebaum", "Verlegt vor seinem letzten Wohnort.")
    entry(archive_ru, "Семья Грюнебаум", "Камни преткновения в Хайльбронне.")
    entry(archive_de, "Jugendaustausch Kaluga", "Schüler besuchen die Partnerstadt.")
    indexing.rebuild()

    assert "Калуга: конференция городов-партнёров" in titles(search("Kaluga", retrieval="text"))
    assert "Jugendaustausch Kaluga" in titles(search("Калуга", retrieval="text"))
    for query in ("Schukow", "Zhukov", "Žukov"):
        assert "Маршал Жуков" in titles(search(query, retrieval="text")), query
    assert "Stolperstein für Abraham Grünebaum" in titles(search("Абрахам", retrieval="text"))
    assert "Семья Грюнебаум" in titles(search("Grünebaum", retrieval="text"))
    assert "Stolperstein für Abraham Grünebaum" in titles(search("Грюнебаум", retrieval="text"))


def test_every_name_of_the_table_is_found_from_the_other_script(search_index, archive_de, archive_ru):
    rows = name_table()
    assert len(rows) >= 60
    cyrillic_pages, latin_pages = {}, {}
    for number, row in enumerate(rows):
        # One entry per written form, the name in the people field, the title a neutral number.
        cyrillic_pages[number] = entry(
            archive_ru, f"Запись {number}", "", factory=MemorialSitePageFactory, address=row["cyrillic"]
        )
        latin_pages[number] = entry(
            archive_de, f"Eintrag {number}", "", factory=MemorialSitePageFactory, address=row["german"]
        )
    indexing.rebuild()
    engine = ElasticsearchSearch(retrieval="text", glossary=False)
    missed = []
    for number, row in enumerate(rows):
        latin_forms = {row["german"], *filter(None, row.get("english_or_scholarly", "").split("|"))}
        for form in latin_forms:
            found = {hit.entry.pk for hit in engine.search(form, None, language="ru", page_size=100).hits}
            if cyrillic_pages[number].pk not in found:
                missed.append(f"{form} -> {row['cyrillic']}")
        found = {hit.entry.pk for hit in engine.search(row["cyrillic"], None, language="de", page_size=100).hits}
        if latin_pages[number].pk not in found:
            missed.append(f"{row['cyrillic']} -> {row['german']}")
    assert missed == []


# Across languages, by meaning


def test_vectors_find_the_other_languages_entry_on_twenty_pairs(search_index, archive_de, archive_ru):
    pairs = json.loads((DATA / "crosslingual_pairs.json").read_text(encoding="utf-8"))
    assert len(pairs) >= 20
    german, russian = [], []
    for pair in pairs:
        german.append(
            entry(archive_de, pair["entry_de"]["title"], pair["entry_de"]["body"], summary=pair["entry_de"]["summary"])
        )
        russian.append(
            entry(archive_ru, pair["entry_ru"]["title"], pair["entry_ru"]["body"], summary=pair["entry_ru"]["summary"])
        )
    assert compute_missing() == 2 * len(pairs)
    indexing.rebuild()
    engine = ElasticsearchSearch(retrieval="vector", glossary=False)
    misses = []
    for pair, german_entry, russian_entry in zip(pairs, german, russian, strict=True):
        # Each query in one language, searched among the entries of the other only.
        hits = engine.search(pair["query_ru"], None, language="de", page_size=3).hits
        top = [hit.entry.pk for hit in hits]
        if german_entry.pk not in top:
            misses.append(f"ru→de {pair['topic']}")
        # Found by meaning, no word in common: the snippet is the beginning of the entry's summary.
        for hit in hits:
            assert not hit.matched_text
            assert str(hit.snippet) and hit.entry.summary.startswith(html.unescape(str(hit.snippet)))
        top = [hit.entry.pk for hit in engine.search(pair["query_de"], None, language="ru", page_size=3).hits]
        if russian_entry.pk not in top:
            misses.append(f"de→ru {pair['topic']}")
    assert misses == []
    # The plain text fields alone do not bridge the languages: what the vectors found is meaning.
    text_only = ElasticsearchSearch(retrieval="text", glossary=False)
    found_by_words = sum(
        1
        for pair, german_entry in zip(pairs, german, strict=True)
        if german_entry.pk in [hit.entry.pk for hit in text_only.search(pair["query_ru"], None, language="de").hits]
    )
    assert found_by_words <= 2


# The glossary


def test_the_glossary_expands_both_ways_and_a_change_needs_no_reindex(search_index, archive_de, archive_ru):
    GlossaryTerm.objects.all().delete()
    GlossaryTerm.objects.create(term_de="Gedenken", term_ru="память")
    GlossaryTerm.objects.create(term_de="Kriegsgefangene", term_ru="военнопленные")
    remembrance = entry(archive_ru, "Вечер памяти", "Вечер памяти в школе.")
    prisoners = entry(archive_ru, "Кладбище военнопленных", "Могилы советских военнопленных.")
    memorial = entry(archive_de, "Gedenken am Ehrenmal", "Ein Gedenken mit Schülern.")
    indexing.rebuild()

    assert remembrance.title in titles(search("Gedenken", retrieval="text"))
    assert prisoners.title in titles(search("Kriegsgefangene", retrieval="text"))
    assert memorial.title in titles(search("память", retrieval="text"))
    assert remembrance.title not in titles(search("Gedenken", retrieval="text", glossary=False))

    # An editor adds a pair: the next search uses it, nothing is reindexed.
    assert "Кладбище военнопленных" not in titles(search("Friedhof", retrieval="text"))
    GlossaryTerm.objects.create(term_de="Friedhof", term_ru="кладбище")
    assert "Кладбище военнопленных" in titles(search("Friedhof", retrieval="text"))
    GlossaryTerm.objects.filter(term_de="Friedhof").delete()
    assert "Кладбище военнопленных" not in titles(search("Friedhof", retrieval="text"))


# Grouping, facets, filters, highlighting


def test_the_two_versions_of_an_entry_are_one_result_in_the_readers_language(search_index, archive_de, archive_ru):
    german = entry(archive_de, "Kranzniederlegung am 22. Juni", "Kranzniederlegung am Ehrenmal in Kaluga.")
    russian = entry(
        archive_ru,
        "Калуга: возложение венков 22 июня",
        "Возложение венков у мемориала.",
        translation_key=german.translation_key,
    )
    entry(archive_de, "Konzert in Kaluga", "Ein Konzert.")
    indexing.rebuild()

    results = search("Kaluga", reader_language="ru")
    assert results.count == 2
    grouped = next(hit for hit in results.hits if hit.entry.translation_key == german.translation_key)
    assert grouped.entry.pk == russian.pk
    assert [version.pk for version in grouped.translations] == [german.pk]
    results = search("Kaluga", reader_language="de")
    grouped = next(hit for hit in results.hits if hit.entry.translation_key == german.translation_key)
    assert grouped.entry.pk == german.pk
    assert [version.pk for version in grouped.translations] == [russian.pk]
    # Facets count the versions that match (a count of entries per value cost more than the rest).
    assert {facet["value"]: facet["count"] for facet in results.facets["type"]} == {"initiative": 3}
    assert {facet["value"]: facet["count"] for facet in results.facets["language"]} == {"de": 2, "ru": 1}


def test_facets_and_filters_date_range_map_area_tag_and_media(search_index, archive_de, archive_ru, vocabulary):
    heilbronn = entry(
        archive_de,
        "Stolperstein Heilbronn",
        "Ein Stein.",
        factory=MemorialSitePageFactory,
        latitude=49.14,
        longitude=9.22,
        date=datetime.date(1941, 12, 1),
        city=vocabulary["heilbronn"],
        image=ImageFactory(),
    )
    heilbronn.tags.add("Familie")
    heilbronn.save_revision().publish()
    entry(
        archive_ru,
        "Мемориал в Калуге",
        "Камень.",
        factory=MemorialSitePageFactory,
        latitude=54.51,
        longitude=36.26,
        date=datetime.date(1975, 5, 9),
        city=vocabulary["kaluga"],
    )
    indexing.rebuild()

    everything = search("")
    assert everything.count == 2
    facets = {name: {facet["value"]: facet["count"] for facet in values} for name, values in everything.facets.items()}
    assert facets["decade"] == {1940: 1, 1970: 1}
    assert facets["has_media"] == {"true": 1, "false": 1}
    assert facets["tag"] == {"Familie": 1}
    assert titles(search("", date_from="1970", date_to="1980")) == ["Мемориал в Калуге"]
    # Around Heilbronn (west, south, east, north), then around Kaluga.
    assert titles(search("", bbox="8.5,48.5,10,50")) == ["Stolperstein Heilbronn"]
    assert titles(search("", bbox="35,54,37,55")) == ["Мемориал в Калуге"]
    assert titles(search("", tag="Familie")) == ["Stolperstein Heilbronn"]
    assert titles(search("", has_media="on")) == ["Stolperstein Heilbronn"]
    assert titles(search("", sort="oldest")) == ["Stolperstein Heilbronn", "Мемориал в Калуге"]
    assert titles(search("", sort="newest")) == ["Мемориал в Калуге", "Stolperstein Heilbronn"]


def test_highlighting_in_both_scripts(search_index, archive_de, archive_ru):
    entry(archive_de, "Zwangsarbeit in Heilbronn", "Die Zwangsarbeiter kamen aus der Ukraine.")
    entry(archive_ru, "Принудительный труд", "Остарбайтеры вспоминают о принудительном труде.")
    indexing.rebuild()
    assert "<mark>Zwangsarbeiter</mark>" in str(search("Zwangsarbeiter", retrieval="text").hits[0].snippet)
    assert "<mark>труде</mark>" in str(search("труд", retrieval="text", language="ru").hits[0].snippet)


# Suggestions and "did you mean"


def test_suggestions_as_you_type(search_index, archive_de, archive_ru):
    entry(archive_de, "Stolperstein für Abraham Grünebaum")
    entry(archive_ru, "Семья Грюнебаум")
    entry(archive_de, "Gedenkstätte Tiergarten")
    indexing.rebuild()

    assert [s.text for s in suggest_entries("Gedenk")] == ["Gedenkstätte Tiergarten"]
    # A word inside the title, and a typo.
    assert "Stolperstein für Abraham Grünebaum" in [s.text for s in suggest_entries("Grüneb")]
    assert [s.text for s in suggest_entries("Abraham Grün")] == ["Stolperstein für Abraham Grünebaum"]
    assert "Gedenkstätte Tiergarten" in [s.text for s in suggest_entries("Tiergrten")]
    russian_first = suggest_entries("Грюне", reader_language="ru")
    assert russian_first[0].text == "Семья Грюнебаум"
    assert [s.language for s in suggest_entries("Grün", language="de")] == ["de"]
    assert suggest_entries("G") == []


def test_suggestion_typos_count_letters_not_bytes(search_index, archive_ru):
    entry(archive_ru, "Камень преткновения для Анны Кан")
    entry(archive_ru, "Калуга: уход за кладбищем")
    indexing.rebuild()
    # Three letters are too few for a typo; as bytes (six) "Кал" was one edit from "Кам".
    assert [s.text for s in suggest_entries("Кал")] == ["Калуга: уход за кладбищем"]
    assert [s.text for s in suggest_entries("Калюга")] == ["Калуга: уход за кладбищем"]


def test_did_you_mean_when_no_word_matches(search_index, archive_de):
    entry(archive_de, "Deportation nach Theresienstadt", "Die Deportation der Familie.")
    indexing.rebuild()
    results = search("Deportaion", retrieval="text")
    assert results.suggestion == "deportation"
    assert search("Deportation", retrieval="text").suggestion is None


def test_typos_are_forgiven_only_where_a_near_spelling_exists(search_index, archive_de):
    entry(archive_de, "Deportation nach Theresienstadt", "Die Deportation der Familie.")
    indexing.rebuild()
    engine = ElasticsearchSearch(retrieval="text", glossary=False)
    sent = []
    send = engine._send
    engine._send = lambda body: sent.append(body) or send(body)

    results = engine.search("Deportaion", None)
    assert titles(results) == ["Deportation nach Theresienstadt"]
    assert "typo" in results.hits[0].matched
    # The words as typed, the probe that finds a near spelling, the request with typos forgiven.
    assert len(sent) == 3

    sent.clear()
    results = engine.search("Xylophonorchester", None)
    assert results.hits == []
    # No near spelling: the probe is the last request; a retry would only repeat the first answer.
    assert len(sent) == 2


# Privacy holds for suggestions and vectors


def test_privacy_for_suggestions_and_vectors(search_index, archive_de):
    entry(archive_de, "Öffentlicher Eintrag Zaunkönig", "Zaunkönig im Park.")
    draft = entry(archive_de, "Entwurf Zaunkönigin", "Zaunkönigin.", live=False)
    unconsented = entry(
        archive_de,
        "Zeugnis Zaunkönigreich",
        "Zaunkönigreich.",
        factory=TestimonyPageFactory,
        consent=TestimonyPage.Consent.NOT_RECORDED,
        consent_given_by="",
        consent_date=None,
        live=False,
    )
    assert compute_missing() == 1
    indexing.rebuild()
    assert [s.text for s in suggest_entries("Zaunk")] == ["Öffentlicher Eintrag Zaunkönig"]
    vector_titles = titles(search("Zaunkönigreich Zaunkönigin", retrieval="vector"))
    assert draft.title not in vector_titles
    assert unconsented.title not in vector_titles


def test_the_page_and_the_api_use_it(search_index, archive_de, archive_ru, client):
    entry(archive_ru, "Маршал Жуков", "Выставка.")
    indexing.rebuild()
    response = client.get("/de/search/", {"q": "Schukow"})
    assert response.status_code == 200
    assert "Маршал Жуков" in response.content.decode()
    data = client.get("/api/v1/search/", {"q": "Schukow"}).json()
    assert [hit["title"] for hit in data["results"]] == ["Маршал Жуков"]
    suggestions = client.get("/api/v1/suggest/", {"q": "Марш"}).json()["suggestions"]
    assert [s["text"] for s in suggestions] == ["Маршал Жуков"]
    assert search_entries("Schukow", None).backend == "elasticsearch"
