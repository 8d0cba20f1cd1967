"""Which of Elasticsearch's highlight fragments becomes a result's snippet (search.engines.elasticsearch._snippet),
and what a result shows where no word of the query is in its text."""

import re

import pytest

from archive.factories import InitiativePageFactory
from search import indexing
from search.engines.elasticsearch import _snippet


def test_a_fragment_with_a_marked_word_wins_the_body_first():
    highlights = {
        "summary": ["Zwei Steine für das Ehepaar <mark>Kahn</mark>."],
        "body": ["Adolf <mark>Kahn</mark> wurde 1881 geboren."],
    }
    assert _snippet(highlights) == "Adolf <mark>Kahn</mark> wurde 1881 geboren."
    highlights["body"] = ["Adolf wurde 1881 geboren."]
    assert _snippet(highlights) == "Zwei Steine für das Ehepaar <mark>Kahn</mark>."


def test_without_a_marked_word_the_summarys_beginning_then_the_bodys():
    # What no_match_size returns for an entry found by meaning alone.
    assert _snippet({"summary": ["Zwei Steine."], "body": ["Adolf wurde 1881 geboren."]}) == "Zwei Steine."
    assert _snippet({"body": ["Adolf wurde 1881 geboren."]}) == "Adolf wurde 1881 geboren."
    assert _snippet({}) == ""


def card_title(card):
    return re.search(r'class="entry-card__title"[^>]*><a [^>]*>([^<]*)</a>', card)[1]


def card_snippet(card):
    found = re.search(r'<p class="entry-card__snippet"[^>]*>(.*?)</p>', card)
    return found[1] if found else None


@pytest.mark.django_db
def test_an_entry_found_by_its_title_alone_shows_the_beginning_of_its_text(client, search_index, archive_de):
    # Neither text holds the word searched: the snippet is the beginning of the summary, or of the
    # body where there is no summary, as the index returns it (no_match_size), not left empty.
    InitiativePageFactory(
        parent=archive_de,
        title="Gedenktafel Zaunkönig",
        summary="Zwei Steine für das Ehepaar Baer.",
        text="Adolf Baer wurde 1881 geboren.",
        organisers="",
    )
    InitiativePageFactory(
        parent=archive_de, title="Stolperstein Zaunkönig", summary="", text="Hier wohnte Berta Levi.", organisers=""
    )
    indexing.rebuild()
    response = client.get("/de/search/", {"q": "Zaunkönig"})
    assert response.context["results"].backend == "elasticsearch"
    cards = response.content.decode().split('<article class="entry-card">')[1:]
    snippets = {card_title(card): card_snippet(card) for card in cards}
    assert snippets == {
        "Gedenktafel Zaunkönig": "Zwei Steine für das Ehepaar Baer.",
        "Stolperstein Zaunkönig": "Hier wohnte Berta Levi.",
    }
