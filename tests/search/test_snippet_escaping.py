"""Snippets are marked safe because Elasticsearch's HTML encoder escapes the text: nothing an editor wrote runs.

The entry's text holds markup, entities (which html_to_text unescapes into the characters they
stand for) and a closing </mark>: in the snippet, on the page and in the API, the only tags are
the highlighter's own <mark> pairs, and the editor's characters come back as text.
"""

from html.parser import HTMLParser

import pytest

from archive.factories import MemorialSitePageFactory
from search import indexing
from search.service import search_entries

pytestmark = pytest.mark.django_db

HOSTILE = (
    'Zufluchtsort </mark><img src=x onerror="alert(1)"> <script>alert(2)</script> '
    "&lt;b&gt;fett&lt;/b&gt; &amp;quot; <mark>falsch</mark> Zufluchtsort"
)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(f"<{tag}>")

    def handle_endtag(self, tag):
        self.tags.append(f"</{tag}>")

    def handle_data(self, data):
        self.text.append(data)


def parsed(html):
    parser = Tags()
    parser.feed(str(html))
    return parser


@pytest.fixture
def hostile(search_index, archive_de):
    # The body's text as a partner's file would bring it: text_to_stream escapes it into paragraphs.
    MemorialSitePageFactory(parent=archive_de, title="Ein Ort", summary=HOSTILE, text=HOSTILE, inscription="")
    indexing.rebuild()


def test_the_snippet_has_only_the_highlighters_marks(hostile):
    results = search_entries("Zufluchtsort", None)
    assert results.backend == "elasticsearch"
    snippet = parsed(results.hits[0].snippet)
    assert set(snippet.tags) == {"<mark>", "</mark>"}
    assert snippet.tags == ["<mark>", "</mark>"] * (len(snippet.tags) // 2)
    text = "".join(snippet.text)
    # What the editor wrote is there, as characters.
    assert '<img src=x onerror="alert(1)">' in text
    assert "<script>alert(2)</script>" in text


def test_the_page_and_the_api_show_the_text_as_text(hostile, client):
    page = client.get("/de/search/", {"q": "Zufluchtsort"}).content.decode()
    assert "<script>alert(2)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(2)" in page
    api = client.get("/api/v1/search/", {"q": "Zufluchtsort"}).json()
    snippet = parsed(api["results"][0]["snippet"])
    assert set(snippet.tags) <= {"<mark>", "</mark>"}
