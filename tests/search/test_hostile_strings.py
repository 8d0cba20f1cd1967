"""Random and hostile strings through the search service and the API, on both engines (hypothesis).

Lucene syntax, unbalanced quotes, NUL and control characters, lone surrogates (sent as the
invalid UTF-8 a client may send), 10,000-character strings, right-to-left marks, mixed scripts,
huge and negative numbers, repeated and unknown parameters. Nothing may fail: the service answers
from the engine it was asked (on Elasticsearch no request is refused, search.refusals), and the
API answers 200, or 400 with its `errors` naming only parameters that were sent.
"""

import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.factories import MemorialSitePageFactory, TestimonyPageFactory
from search import indexing
from search.refusals import recent_refusals
from search.service import search_entries, suggest_entries

pytestmark = pytest.mark.django_db

PIECES = [
    'title:"',
    "AND",
    "OR NOT",
    "*",
    "?",
    "~2",
    "^10",
    "[1941 TO *]",
    "{",
    ")",
    "(",
    "\\",
    "/regex.*/",
    "&&",
    "||",
    "!",
    '"',
    "'",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\u200f",
    "\u202e",
    "\ufeff",
    "\ud800",
    "\udfff",
    "%00",
    "<script>alert(1)</script>",
    "Stolperstein",
    "Калуга",
    "Grünebaum",
    "ёлка",
    "𝄞",
    "שלום",
    "  ",
    "\n",
]
hostile = st.one_of(
    st.lists(st.sampled_from(PIECES) | st.text(max_size=20), max_size=12).map("".join),
    st.text(max_size=300),
    st.sampled_from(["x" * 10_000, "Stolperstein " * 800, "я" * 501]),
)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "1e309", "NaN", "-0", "0x10", "１２", "1.5", " 3"]),
)
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, settings, archive_de):
    settings.RATELIMIT_ENABLE = False
    MemorialSitePageFactory(parent=archive_de, title="Stolpersteine für Familie Grünebaum", text="Riga 1941.")
    TestimonyPageFactory(parent=archive_de, title="Erinnerungen an Kaluga", text="Калуга, 1942.")
    if request.param == "elasticsearch":
        request.getfixturevalue("search_index")
        indexing.rebuild()
        return "elasticsearch"
    settings.ELASTICSEARCH_URL = ""
    return "database"


def query_string(pairs):
    """Percent-encoded as a client sends it; a lone surrogate becomes the bytes it would be (invalid UTF-8)."""
    return "&".join(
        f"{urllib.parse.quote(key)}={urllib.parse.quote(value.encode('utf-8', 'surrogatepass'))}"
        for key, value in pairs
    )


def test_the_service_answers_any_string_from_the_engine_asked(engine):
    @PROPERTY
    @given(text=hostile, page=st.integers(min_value=1, max_value=10**6))
    def check(text, page):
        results = search_entries(text, None, page_number=page, reader_language="de")
        assert results.backend == engine
        suggest_entries(text, reader_language="ru")

    check()
    assert recent_refusals() == 0


def test_the_api_answers_any_parameters_with_200_or_a_400_naming_them(client, engine):
    names = st.sampled_from(["q", "page", "page_size", "date_from", "date_to", "city", "type", "bbox", "tag", "x"])

    @PROPERTY
    @given(
        q=hostile,
        extra=st.lists(st.tuples(names, hostile | numbers), max_size=4),
        endpoint=st.sampled_from(["/api/v1/search/", "/api/v1/suggest/"]),
    )
    def check(q, extra, endpoint):
        pairs = [("q", q), *extra]
        response = client.get(f"{endpoint}?{query_string(pairs)}")
        assert response.status_code in (200, 400), (pairs, response.status_code, response.content[:300])
        body = response.json()
        if response.status_code == 400:
            assert body["errors"], body
            assert set(body["errors"]) <= {name for name, _value in pairs} | {"__all__"}, (pairs, body)
        elif endpoint == "/api/v1/search/":
            assert body["backend"] == engine

    check()
    assert recent_refusals() == 0
