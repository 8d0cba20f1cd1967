"""The analysis names our Elasticsearch plugin provides (search/elasticsearch/analysis-plugin).

Each standard name is checked on the example from its page in the Elasticsearch reference,
with the tokens documented there, so that index settings written against the reference behave
the same on our minimal node as on a full Elasticsearch. Then come Memoria's own cases
(German and Russian words) and Wagtail's index settings.
"""

import pytest
from elasticsearch import BadRequestError


def analyze(es_client, index=None, **body):
    return [t["token"] for t in es_client.indices.analyze(index=index, **body)["tokens"]]


# (tokenizer, token filters, char filters, text, expected tokens), from the reference pages.
REFERENCE_EXAMPLES = {
    "asciifolding": ("standard", ["asciifolding"], [], "açaí à la carte", ["acai", "a", "la", "carte"]),
    "asciifolding preserve_original": (
        "standard",
        [{"type": "asciifolding", "preserve_original": True}],
        [],
        "açaí à la carte",
        ["acai", "açaí", "a", "à", "la", "carte"],
    ),
    "edge_ngram filter": (
        "standard",
        [{"type": "edge_ngram", "min_gram": 1, "max_gram": 2}],
        [],
        "the quick brown fox jumps",
        ["t", "th", "q", "qu", "b", "br", "f", "fo", "j", "ju"],
    ),
    "edge_ngram filter preserve_original": (
        "standard",
        [{"type": "edge_ngram", "min_gram": 1, "max_gram": 2, "preserve_original": True}],
        [],
        "the fox",
        ["t", "th", "the", "f", "fo", "fox"],
    ),
    "edge_ngram filter side back (deprecated)": (
        "standard",
        [{"type": "edge_ngram", "min_gram": 1, "max_gram": 2, "side": "back"}],
        [],
        "quick",
        ["k", "ck"],
    ),
    "ngram filter": (
        "standard",
        ["ngram"],
        [],
        "Quick fox",
        ["Q", "Qu", "u", "ui", "i", "ic", "c", "ck", "k", "f", "fo", "o", "ox", "x"],
    ),
    "edge_ngram tokenizer": ("edge_ngram", [], [], "Quick Fox", ["Q", "Qu"]),
    "edge_ngram tokenizer token_chars": (
        {"type": "edge_ngram", "min_gram": 2, "max_gram": 10, "token_chars": ["letter", "digit"]},
        [],
        [],
        "2 Quick Foxes.",
        ["Qu", "Qui", "Quic", "Quick", "Fo", "Fox", "Foxe", "Foxes"],
    ),
    "edge_ngram tokenizer custom token_chars": (
        {
            "type": "edge_ngram",
            "min_gram": 2,
            "max_gram": 4,
            "token_chars": ["letter", "custom"],
            "custom_token_chars": "+-_",
        },
        [],
        [],
        "C++ a-b",
        ["C+", "C++", "a-", "a-b"],
    ),
    "ngram tokenizer": (
        "ngram",
        [],
        [],
        "Quick Fox",
        ["Q", "Qu", "u", "ui", "i", "ic", "c", "ck", "k", "k ", " ", " F", "F", "Fo", "o", "ox", "x"],
    ),
    "ngram tokenizer token_chars": (
        {"type": "ngram", "min_gram": 3, "max_gram": 3, "token_chars": ["letter", "digit"]},
        [],
        [],
        "2 Quick Foxes.",
        ["Qui", "uic", "ick", "Fox", "oxe", "xes"],
    ),
    "dictionary_decompounder": (
        "standard",
        [{"type": "dictionary_decompounder", "word_list": ["Donau", "dampf", "meer", "schiff"]}],
        [],
        "Donaudampfschiff",
        ["Donaudampfschiff", "Donau", "dampf", "schiff"],
    ),
    "dictionary_decompounder only_longest_match": (
        "standard",
        [
            {
                "type": "dictionary_decompounder",
                "word_list": ["schiff", "schifffahrt", "fahrt"],
                "only_longest_match": True,
            }
        ],
        [],
        "Donauschifffahrt",
        ["Donauschifffahrt", "schifffahrt", "fahrt"],
    ),
    "stemmer (default porter)": (
        "standard",
        ["stemmer"],
        [],
        "the foxes jumping quickly",
        ["the", "fox", "jump", "quickli"],
    ),
    "mapping char filter": (
        "keyword",
        [],
        [
            {
                "type": "mapping",
                "mappings": [f"{arabic} => {latin}" for latin, arabic in enumerate("٠١٢٣٤٥٦٧٨٩")],
            }
        ],
        "My license plate is ٢٥٠١٥",
        ["My license plate is 25015"],
    ),
    "mapping char filter multi-character": (
        "standard",
        [],
        [{"type": "mapping", "mappings": [":) => _happy_", ":( => _sad_"]}],
        "I'm delighted about it :(",
        ["I'm", "delighted", "about", "it", "_sad_"],
    ),
    "mapping char filter escapes": (
        "keyword",
        [],
        [{"type": "mapping", "mappings": ["\\u0020 => _", "\\\\ => /"]}],
        "a b\\c",
        ["a_b/c"],
    ),
    "html_strip": ("keyword", [], ["html_strip"], "<p>I&apos;m so <b>happy</b>!</p>", ["\nI'm so happy!\n"]),
    "html_strip escaped_tags": (
        "keyword",
        [],
        [{"type": "html_strip", "escaped_tags": ["b"]}],
        "<p>I&apos;m so <b>happy</b>!</p>",
        ["\nI'm so <b>happy</b>!\n"],
    ),
    "elision": ("standard", ["elision"], [], "j’examine près du wharf", ["examine", "près", "du", "wharf"]),
    "elision articles": (
        "standard",
        [{"type": "elision", "articles": ["l", "m", "t", "qu", "n", "s", "j"], "articles_case": True}],
        [],
        "J'examine l'avion",
        ["examine", "avion"],
    ),
    "unique": (
        "whitespace",
        ["unique"],
        [],
        "the quick fox jumps the lazy fox",
        ["the", "quick", "fox", "jumps", "lazy"],
    ),
    "trim": ("keyword", ["trim"], [], " fox ", ["fox"]),
    "truncate": (
        "whitespace",
        ["truncate"],
        [],
        "the quinquennial extravaganza carried on",
        ["the", "quinquenni", "extravagan", "carried", "on"],
    ),
    "length": (
        "whitespace",
        [{"type": "length", "min": 0, "max": 4}],
        [],
        "the quick brown fox jumps over the lazy dog",
        ["the", "fox", "over", "the", "lazy", "dog"],
    ),
    "reverse": ("standard", ["reverse"], [], "quick fox jumps", ["kciuq", "xof", "spmuj"]),
    "keyword tokenizer": ("keyword", [], [], "New York", ["New York"]),
    "whitespace tokenizer": (
        "whitespace",
        [],
        [],
        "The 2 QUICK Brown-Foxes jumped over the lazy dog's bone.",
        ["The", "2", "QUICK", "Brown-Foxes", "jumped", "over", "the", "lazy", "dog's", "bone."],
    ),
    "pattern tokenizer": (
        "pattern",
        [],
        [],
        "The foo_bar_size's default is 5.",
        ["The", "foo_bar_size", "s", "default", "is", "5"],
    ),
    "pattern tokenizer pattern": (
        {"type": "pattern", "pattern": ","},
        [],
        [],
        "comma,separated,values",
        ["comma", "separated", "values"],
    ),
    "pattern tokenizer group": (
        {"type": "pattern", "pattern": '"((?:\\\\"|[^"]|\\\\")+)"', "group": 1},
        [],
        [],
        '"value", "value with embedded \\" quote"',
        ["value", 'value with embedded \\" quote'],
    ),
    "german_normalization": (
        "standard",
        ["lowercase", "german_normalization"],
        [],
        "Straße Häuser Schöne",
        ["strasse", "hauser", "schone"],
    ),
}


@pytest.mark.parametrize("case", REFERENCE_EXAMPLES.values(), ids=REFERENCE_EXAMPLES.keys())
def test_reference_example(es_client, case):
    tokenizer, filters, char_filters, text, expected = case
    assert analyze(es_client, tokenizer=tokenizer, filter=filters, char_filter=char_filters, text=text) == expected


# stemmer languages: (language, words, stems); `language` and its alias `name` take the same values.
STEMMERS = [
    ("english", "the foxes jumping quickly", ["the", "fox", "jump", "quickli"]),
    ("porter2", "generously running", ["generous", "run"]),
    ("light_english", "the foxes jumping quickly", ["the", "fox", "jump", "quick"]),
    ("minimal_english", "the foxes jumping", ["the", "foxe", "jumping"]),
    ("possessive_english", "the fox's tail", ["the", "fox", "tail"]),
    ("german", "häuser haeuser gedenkstätten", ["haus", "haeus", "gedenkstatt"]),
    ("german2", "häuser haeuser gedenkstätten", ["haus", "haus", "gedenkstatt"]),
    ("light_german", "häuser gedenkstätten", ["haus", "gedenkstatt"]),
    ("minimal_german", "häuser gedenkstätten", ["haus", "gedenkstatt"]),
    ("russian", "памяти память городов город", ["памят", "памя", "город", "город"]),
    ("light_russian", "памяти городов город", ["памят", "город", "город"]),
]


@pytest.mark.parametrize("option", ["language", "name"])
@pytest.mark.parametrize("language,text,expected", STEMMERS, ids=[s[0] for s in STEMMERS])
def test_stemmer(es_client, option, language, text, expected):
    stemmer = {"type": "stemmer", option: language}
    assert analyze(es_client, tokenizer="standard", filter=["lowercase", stemmer], text=text) == expected


def test_stemmer_unknown_language_fails_clearly(es_client):
    with pytest.raises(BadRequestError, match="klingon"):
        analyze(es_client, tokenizer="standard", filter=[{"type": "stemmer", "language": "klingon"}], text="x")


@pytest.mark.parametrize(
    "filters,text,expected",
    [
        ([{"type": "snowball", "language": "English"}], "the foxes jumping quickly", ["the", "fox", "jump", "quick"]),
        ([{"type": "snowball", "language": "German"}], "häuser", ["haus"]),
        ([{"type": "snowball", "language": "German2"}], "haeuser", ["haus"]),
        ([{"type": "snowball", "language": "Russian"}], "городов", ["город"]),
        # german_stem is Lucene's older GermanStemFilter (Caumanns), not Snowball, as in Elasticsearch.
        (["german_stem"], "häuser", ["hau"]),
        (["russian_stem"], "городов", ["город"]),
    ],
)
def test_snowball_and_legacy_stem_filters(es_client, filters, text, expected):
    assert analyze(es_client, tokenizer="standard", filter=["lowercase", *filters], text=text) == expected


def test_synonym_graph_multi_word(es_client):
    # The reference's flatten_graph example: `dns` spans the three positions of "domain name system".
    result = es_client.indices.analyze(
        tokenizer="standard",
        filter=[{"type": "synonym_graph", "synonyms": ["dns, domain name system"]}],
        text="domain name system is fragile",
    )["tokens"]
    assert [(t["token"], t["position"], t.get("positionLength", 1)) for t in result] == [
        ("dns", 0, 3),
        ("domain", 0, 1),
        ("name", 1, 1),
        ("system", 2, 1),
        ("is", 3, 1),
        ("fragile", 4, 1),
    ]


@pytest.mark.parametrize("kind", ["synonym", "synonym_graph"])
@pytest.mark.parametrize(
    "rules,expand,text,expected",
    [
        (["universe, cosmos"], True, "cosmos", ["cosmos", "universe"]),
        (["universe, cosmos"], False, "cosmos", ["universe"]),
        (["i-pod, i pod => ipod"], True, "i pod", ["ipod"]),
        (["foozball , foosball"], True, "foosball", ["foosball", "foozball"]),
        (["foo => foo bar", "foo => baz"], True, "foo", ["foo", "baz", "bar"]),
    ],
)
def test_synonym_solr_rules(es_client, kind, rules, expand, text, expected):
    synonyms = {"type": kind, "synonyms": rules, "expand": expand}
    assert sorted(analyze(es_client, tokenizer="standard", filter=[synonyms], text=text)) == sorted(expected)


def test_synonyms_are_analysed_with_the_preceding_filters(es_client):
    # "Städte" in the rule only matches after lowercase + asciifolding have run on it too.
    synonyms = {"type": "synonym_graph", "synonyms": ["Städte, Orte"]}
    tokens = analyze(es_client, tokenizer="standard", filter=["lowercase", "asciifolding", synonyms], text="STADTE")
    assert sorted(tokens) == ["orte", "stadte"]


def test_synonyms_after_asciifolding_preserve_original(es_client):
    # The rule is parsed without preserve_original (one token per word), as in Elasticsearch.
    filters = [
        "lowercase",
        {"type": "asciifolding", "preserve_original": True},
        {"type": "synonym_graph", "synonyms": ["Café => kaffee"]},
    ]
    assert sorted(analyze(es_client, tokenizer="standard", filter=filters, text="CAFÉ")) == ["café", "kaffee"]


def test_synonym_lenient(es_client, es_create_index):
    # The reference's lenient example: the stop word `bar` cannot be analysed, so lenient drops it.
    analysis = {
        "filter": {
            "my_stop": {"type": "stop", "stopwords": ["bar"]},
            "my_synonyms": {"type": "synonym_graph", "lenient": True, "synonyms": ["foo, bar => baz"]},
        },
        "analyzer": {"my_analyzer": {"tokenizer": "whitespace", "filter": ["my_stop", "my_synonyms"]}},
    }
    index = es_create_index("synonyms-lenient", settings={"analysis": analysis})
    assert analyze(es_client, index=index, analyzer="my_analyzer", text="foo bar") == ["baz"]

    analysis["filter"]["my_synonyms"]["lenient"] = False
    with pytest.raises(BadRequestError, match="failed to build synonyms"):
        es_create_index("synonyms-strict", settings={"analysis": analysis})


def test_synonyms_set_is_rejected_clearly(es_client):
    with pytest.raises(BadRequestError, match="synonyms_set is not supported"):
        analyze(es_client, tokenizer="standard", filter=[{"type": "synonym", "synonyms_set": "x"}], text="x")


def test_synonym_needs_rules(es_client):
    with pytest.raises(BadRequestError, match="synonyms_path"):
        analyze(es_client, tokenizer="standard", filter=[{"type": "synonym_graph"}], text="x")


def test_ngram_respects_max_ngram_diff(es_client, es_create_index):
    wide = {"type": "ngram", "min_gram": 3, "max_gram": 5}
    # Without an index the default index.max_ngram_diff (1) applies, as in Elasticsearch.
    with pytest.raises(BadRequestError, match=r"index\.max_ngram_diff"):
        analyze(es_client, tokenizer="standard", filter=[wide], text="x")
    with pytest.raises(BadRequestError, match=r"index\.max_ngram_diff"):
        analyze(es_client, tokenizer={**wide}, text="x")

    index = es_create_index(
        "ngram-diff",
        settings={
            "index": {"max_ngram_diff": 2},
            "analysis": {
                "filter": {"grams": wide},
                "tokenizer": {"grams": wide},
                "analyzer": {
                    "by_filter": {"tokenizer": "standard", "filter": ["grams"]},
                    "by_tokenizer": {"tokenizer": "grams"},
                },
            },
        },
    )
    assert analyze(es_client, index=index, analyzer="by_filter", text="Quick") == [
        "Qui", "Quic", "Quick", "uic", "uick", "ick",
    ]  # fmt: skip
    assert analyze(es_client, index=index, analyzer="by_tokenizer", text="Quick") == [
        "Qui", "Quic", "Quick", "uic", "uick", "ick",
    ]  # fmt: skip


def test_configured_filter_with_mapping_char_filter_and_normalizer(es_client, es_create_index):
    # asciifolding and mapping must also be usable in a normalizer (keyword fields).
    index = es_create_index(
        "normalizer",
        settings={
            "analysis": {
                "char_filter": {"yo": {"type": "mapping", "mappings": ["ё => е", "Ё => Е"]}},
                "normalizer": {
                    "folded": {"type": "custom", "char_filter": ["yo"], "filter": ["lowercase", "asciifolding"]}
                },
            }
        },
        mappings={"properties": {"tag": {"type": "keyword", "normalizer": "folded"}}},
    )
    assert analyze(es_client, index=index, field="tag", text="Ёлка Café") == ["елка cafe"]


# The plugin's own ways to the reference's tokens: asciifolding, dictionary_decompounder and unique
# (only_on_same_position) skip work Lucene's classes would do on tokens it cannot change. They must
# give exactly Lucene's tokens.


def test_asciifolding_folds_every_character_as_lucene_does(es_client):
    # With preserve_original the plugin's asciifolding is Lucene's ASCIIFoldingFilter itself: at
    # each position the folded token, then the original where it differs. Without, a filter of
    # the plugin's that passes a token whose characters all fold to themselves as it is. Each
    # character of the Basic Multilingual Plane, as a token of its own, through both.
    characters = [chr(c) for c in range(0x80, 0x10000) if not (0xD800 <= c <= 0xDFFF or chr(c).isspace())]
    changed = 0
    for start in range(0, len(characters), 4000):
        chunk = characters[start : start + 4000]
        text = " ".join(chunk)
        folded = analyze(es_client, tokenizer="whitespace", filter=["asciifolding"], text=text)
        lucene = es_client.indices.analyze(
            tokenizer="whitespace", filter=[{"type": "asciifolding", "preserve_original": True}], text=text
        )["tokens"]
        lucene_folded = {}
        for token in lucene:
            lucene_folded.setdefault(token["position"], token["token"])
        assert folded == list(lucene_folded.values())
        changed += len(lucene) - len(lucene_folded)
    # Both ways were taken: many characters fold (é, ł, ⑽), Cyrillic and most others do not.
    assert 1000 < changed < len(characters) - 10000


DECOMPOUNDER_CASES = {
    # A token in two scripts is still searched for parts in the script of the list, and not elsewhere.
    "German list, mixed tokens": (
        {"word_list": ["Donau", "dampf", "schiff"]},
        "Donauпароход пароходDampfschiff",
        ["Donauпароход", "Donau", "пароходDampfschiff", "schiff"],
    ),
    "Cyrillic list": (
        {"word_list": ["пар", "ход"], "min_subword_size": 3},
        "пароход Dampfпароход",
        ["пароход", "пар", "ход", "Dampfпароход", "пар", "ход"],
    ),
    # A part is a run of the list's letters: "·" (which the tokenizer keeps inside a word) breaks it.
    "letters outside the list": (
        {"word_list": ["partner", "schaft"], "min_subword_size": 4},
        "part·nerschaft pa·rt·ne·rs·ch·af·t",
        ["part·nerschaft", "schaft", "pa·rt·ne·rs·ch·af·t"],
    ),
    "case-insensitive list": (
        {"word_list": ["donau", "dampf", "schiff"], "word_list_case": True},
        "DONAUDAMPFSCHIFF",
        ["DONAUDAMPFSCHIFF", "DONAU", "DAMPF", "SCHIFF"],
    ),
}


@pytest.mark.parametrize("options,text,expected", DECOMPOUNDER_CASES.values(), ids=DECOMPOUNDER_CASES.keys())
def test_dictionary_decompounder_across_scripts(es_client, options, text, expected):
    decompounder = {"type": "dictionary_decompounder", **options}
    assert analyze(es_client, tokenizer="standard", filter=[decompounder], text=text) == expected


def test_unique_only_on_same_position(es_client):
    # "Donau" is a word of the list itself: the decompounder adds it again at its own position.
    decompounder = {"type": "dictionary_decompounder", "word_list": ["Donau", "schiff"]}
    unique = {"type": "unique", "only_on_same_position": True}
    tokens = es_client.indices.analyze(
        tokenizer="standard", filter=[decompounder, unique], text="Donau Donauschiff Donau Donau"
    )["tokens"]
    assert [(token["token"], token["position"]) for token in tokens] == [
        ("Donau", 0),
        ("Donauschiff", 1),
        ("Donau", 1),
        ("schiff", 1),
        ("Donau", 2),
        ("Donau", 3),
    ]


# --- Memoria's languages ---------------------------------------------------------------------


def test_german_analyzer_compounds_and_umlauts(es_client):
    tokens = analyze(es_client, analyzer="german", text="Städtepartnerschaften Gedenkstätten")
    assert tokens == ["stadtepartnerschaft", "gedenkstatt"]


def test_german_analyzer_stop_words(es_client):
    assert analyze(es_client, analyzer="german", text="Die Geschichte der Stadt und ihrer Menschen") == [
        "geschicht", "stadt", "mensch",
    ]  # fmt: skip


def test_german_analyzer_options(es_client, es_create_index):
    index = es_create_index(
        "german-options",
        settings={
            "analysis": {
                "analyzer": {
                    "no_stop": {"type": "german", "stopwords": "_none_"},
                    "exclusion": {"type": "german", "stem_exclusion": ["gedenkstätten"]},
                }
            }
        },
    )
    assert analyze(es_client, index=index, analyzer="no_stop", text="die Stadt") == ["die", "stadt"]
    assert analyze(es_client, index=index, analyzer="exclusion", text="Gedenkstätten Städte") == [
        "gedenkstatten",
        "stadt",
    ]


def test_russian_analyzer_inflections_share_a_stem(es_client):
    def stems(*words):
        return {token for word in words for token in analyze(es_client, analyzer="russian", text=word)}

    assert stems("городов", "город", "городами", "города") == {"город"}
    assert stems("памяти", "памятью", "памятей") == {"памят"}
    assert stems("архивы", "архивов", "архивами") == {"архив"}


def test_russian_analyzer_snowball_misses(es_client):
    """Where the standard russian analyzer (Snowball) does NOT unite forms, exactly as in Elasticsearch.

    "память" ends like an infinitive (-ть) and "архив" like an adjective (-ив), so Snowball cuts
    them differently from their other forms. Our plugin must not "fix" the standard name; an index
    that cares uses stemmer_override in a rebuilt analyzer (see the next tests).
    """
    assert analyze(es_client, analyzer="russian", text="память памяти") == ["памя", "памят"]
    assert analyze(es_client, analyzer="russian", text="архив архивы") == ["арх", "архив"]


def test_russian_analyzer_stop_words_and_options(es_client, es_create_index):
    assert analyze(es_client, analyzer="russian", text="История города и его жителей") == ["истор", "город", "жител"]
    index = es_create_index(
        "russian-options",
        settings={
            "analysis": {
                "analyzer": {
                    "custom_stop": {"type": "russian", "stopwords": ["город"]},
                    "exclusion": {"type": "russian", "stem_exclusion": ["архив"]},
                }
            }
        },
    )
    assert analyze(es_client, index=index, analyzer="custom_stop", text="город и") == ["и"]
    assert analyze(es_client, index=index, analyzer="exclusion", text="архив городов") == ["архив", "город"]


def test_russian_yo_handling(es_client):
    """ё and е in the standard russian analyzer, recorded because Memoria's index settings depend on it.

    The Snowball Russian stemmer (Snowball 2, in Lucene 9) rewrites ё to е while stemming, so
    stemmed words match in either spelling. Nothing else in the analyzer folds ё: the stop filter
    runs first and its list has "все"/"ее" but not "всё"/"её", and stem-excluded words keep ё, as
    does the light_russian stemmer. Hence Memoria adds a mapping char filter ё => е itself.
    """
    assert (
        analyze(es_client, analyzer="russian", text="ёлки")
        == analyze(es_client, analyzer="russian", text="елки")
        == ["елк"]
    )
    assert analyze(es_client, analyzer="russian", text="все") == []
    assert analyze(es_client, analyzer="russian", text="всё её") == ["все", "е"]
    light = {"type": "stemmer", "language": "light_russian"}
    assert analyze(es_client, tokenizer="standard", filter=["lowercase", light], text="ёлки") == ["ёлк"]


def test_reference_rebuilt_language_analyzers_match_builtin(es_client, es_create_index):
    """The reference's "rebuilt" german and russian analyzers, which an index extends (e.g. with ё => е)."""
    index = es_create_index(
        "rebuilt",
        settings={
            "analysis": {
                "char_filter": {"yo": {"type": "mapping", "mappings": ["ё => е", "Ё => Е"]}},
                "filter": {
                    "german_stop": {"type": "stop", "stopwords": "_german_"},
                    "german_keywords": {"type": "keyword_marker", "keywords": ["beispiel"]},
                    "german_stemmer": {"type": "stemmer", "language": "light_german"},
                    "russian_stop": {"type": "stop", "stopwords": "_russian_"},
                    "russian_keywords": {"type": "keyword_marker", "keywords": ["пример"]},
                    "russian_stemmer": {"type": "stemmer", "language": "russian"},
                    "russian_fixes": {"type": "stemmer_override", "rules": ["память, памяти, памятью => памят"]},
                },
                "analyzer": {
                    "rebuilt_german": {
                        "tokenizer": "standard",
                        "filter": [
                            "lowercase",
                            "german_stop",
                            "german_keywords",
                            "german_normalization",
                            "german_stemmer",
                        ],
                    },
                    "rebuilt_russian": {
                        "tokenizer": "standard",
                        "filter": ["lowercase", "russian_stop", "russian_keywords", "russian_stemmer"],
                    },
                    "memoria_russian": {
                        "tokenizer": "standard",
                        "char_filter": ["yo"],
                        "filter": ["lowercase", "russian_stop", "russian_fixes", "russian_stemmer"],
                    },
                },
            }
        },
    )
    german = "Die Städtepartnerschaften und Gedenkstätten der Häuser in Straßburg"
    russian = "Память о городах и архивах, история всех ёлок"
    assert analyze(es_client, index=index, analyzer="rebuilt_german", text=german) == analyze(
        es_client, analyzer="german", text=german
    )
    assert analyze(es_client, index=index, analyzer="rebuilt_russian", text=russian) == analyze(
        es_client, analyzer="russian", text=russian
    )
    assert analyze(es_client, index=index, analyzer="rebuilt_german", text="Beispiele beispiel") == [
        "beispiel",
        "beispiel",
    ]
    assert analyze(es_client, index=index, analyzer="memoria_russian", text="Память памяти всё Ёлки") == [
        "памят", "памят", "елк",
    ]  # fmt: skip


def test_keyword_marker_and_stemmer_override_reference_examples(es_client):
    marker = {"type": "keyword_marker", "keywords": ["jumping"]}
    assert analyze(es_client, tokenizer="whitespace", filter=[marker, "stemmer"], text="fox running and jumping") == [
        "fox", "run", "and", "jumping",
    ]  # fmt: skip
    pattern = {"type": "keyword_marker", "keywords_pattern": "^.*ing$"}
    assert analyze(es_client, tokenizer="whitespace", filter=[pattern, "stemmer"], text="foxes running") == [
        "fox", "running",
    ]  # fmt: skip
    override = {"type": "stemmer_override", "rules": ["running, runs => run", "stemmer => stemmer"]}
    assert analyze(
        es_client, tokenizer="standard", filter=["lowercase", override, "stemmer"], text="running runs stemmer stemming"
    ) == ["run", "run", "stemmer", "stem"]


# --- Wagtail ---------------------------------------------------------------------------------


# Copied from modelsearch 1.3.2 (Wagtail's search backends), ElasticsearchBaseSearchBackend.settings
# in modelsearch/backends/elasticsearchbase.py, which its Elasticsearch 8 backend uses unchanged.
# Copied rather than imported, so this module needs no Django.
MODELSEARCH_INDEX_SETTINGS = {
    "analysis": {
        "analyzer": {
            "ngram_analyzer": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["asciifolding", "lowercase", "ngram"],
            },
            "edgengram_analyzer": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["asciifolding", "lowercase", "edgengram"],
            },
        },
        "tokenizer": {
            "ngram_tokenizer": {
                "type": "ngram",
                "min_gram": 3,
                "max_gram": 15,
            },
            "edgengram_tokenizer": {
                "type": "edge_ngram",
                "min_gram": 2,
                "max_gram": 15,
                "side": "front",
            },
        },
        "filter": {
            "ngram": {"type": "ngram", "min_gram": 3, "max_gram": 15},
            "edgengram": {"type": "edge_ngram", "min_gram": 1, "max_gram": 15},
        },
    },
    "index": {
        "max_ngram_diff": 12,
    },
}


def test_wagtail_modelsearch_index_settings(es_client, es_create_index):
    """An index with exactly the settings Wagtail's Elasticsearch 8 backend creates."""
    index = es_create_index("wagtail", settings=MODELSEARCH_INDEX_SETTINGS)
    assert analyze(es_client, index=index, analyzer="edgengram_analyzer", text="Städte") == [
        "s", "st", "sta", "stad", "stadt", "stadte",
    ]  # fmt: skip
    assert analyze(es_client, index=index, analyzer="ngram_analyzer", text="Ärzte") == [
        "arz", "arzt", "arzte", "rzt", "rzte", "zte",
    ]  # fmt: skip
    assert analyze(es_client, index=index, tokenizer="edgengram_tokenizer", text="Kiew") == ["Ki", "Kie", "Kiew"]
    assert analyze(es_client, index=index, tokenizer="ngram_tokenizer", text="Kiew") == ["Kie", "Kiew", "iew"]
