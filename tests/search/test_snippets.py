"""Which of Elasticsearch's highlight fragments becomes a result's snippet (search.engines.elasticsearch._snippet)."""

from search.engines.elasticsearch import HIGHLIGHT, _snippet


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


def test_every_snippet_field_returns_its_beginning_when_nothing_matched():
    assert all(options.get("no_match_size") for options in HIGHLIGHT["fields"].values())
