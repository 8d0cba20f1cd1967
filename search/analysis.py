"""The analysis of Memoria's search index: German and Russian full text, folded names.

Only standard Elasticsearch names and options are used, so these settings run unchanged on our
minimal node (whose plugin provides the names) and on any full Elasticsearch or Elastic Cloud.

German (`german_text`): lowercase, German stop words, german_normalization (ä -> a, ß -> ss,
ue -> u), then the dictionary decompounder, a few stemmer overrides, the light German stemmer.
Normalisation comes *before* decompounding so that one word list, written in normalised form,
splits "Städtepartnerschaft", "Staedtepartnerschaft" and "Stadtepartnerschaft" alike; the
subwords are then stemmed like any other word. Stop words come before normalisation because
the _german_ list is written with umlauts and ß ("für", "daß").

Decompounding happens at index time only (`german_text_search` is the same chain without it):
a document about "Städtepartnerschaft" also carries the tokens "stadt", "partner",
"partnerschaft", so a query for a part finds the compound; but a query for a compound is not
split, so "Kriegsgräber" does not find every text that merely mentions "Krieg".
"""

from elasticsearch.dsl import analyzer, char_filter, token_filter

# The word list and the stem overrides are the archive's (archive/stemming.py), which the
# database search reduces words with too.
from archive.stemming import GERMAN_STEM_OVERRIDES, RUSSIAN_STEM_OVERRIDES, german_compound_parts

# The word list goes into the index settings inline rather than as `word_list_path`: a path is
# resolved against the Elasticsearch node's config directory, which a hosted cluster does not
# let us write to, and which would have to be kept in step with this repository on every node.
german_decompounder = token_filter(
    "german_decompounder",
    "dictionary_decompounder",
    word_list=list(german_compound_parts()),
    only_longest_match=False,
    min_subword_size=4,
)

german_stem_overrides = token_filter(
    "german_stem_overrides",
    "stemmer_override",
    rules=GERMAN_STEM_OVERRIDES,
)

german_stemmer = token_filter("german_stemmer", "stemmer", language="light_german")
german_stop = token_filter("german_stop", "stop", stopwords="_german_")
# A compound that is also a dictionary word ("arbeit"), or whose parts stem alike ("steine" ->
# "stein", "stein"), would otherwise be indexed twice at one position and weigh double.
same_position_unique = token_filter("same_position_unique", "unique", only_on_same_position=True)

GERMAN_BEFORE_DECOMPOUNDING = ["lowercase", german_stop, "german_normalization"]
GERMAN_AFTER_DECOMPOUNDING = [german_stem_overrides, german_stemmer, same_position_unique]

german_text = analyzer(
    "german_text",
    tokenizer="standard",
    filter=[*GERMAN_BEFORE_DECOMPOUNDING, german_decompounder, *GERMAN_AFTER_DECOMPOUNDING],
)
german_text_search = analyzer(
    "german_text_search",
    tokenizer="standard",
    filter=[*GERMAN_BEFORE_DECOMPOUNDING, *GERMAN_AFTER_DECOMPOUNDING],
)

# ё is written as е in most Russian print; fold it before anything else sees the word.
russian_yo = char_filter("russian_yo", "mapping", mappings=["ё => е", "Ё => Е"])
russian_stop = token_filter("russian_stop", "stop", stopwords="_russian_")
russian_stem_overrides = token_filter(
    "russian_stem_overrides",
    "stemmer_override",
    rules=RUSSIAN_STEM_OVERRIDES,
)
russian_stemmer = token_filter("russian_stemmer", "stemmer", language="russian")

# Both languages in one pass, for text whose language is not its entry's alone (a German entry
# quotes a Russian inscription, a Russian one names a German "Stolperstein"): each filter
# changes only words of its own script, the German ones Latin words (stop words, umlauts,
# compounds, stems) and the Russian ones Cyrillic words (ё, stop words, stems). One pass with
# both instead of the two languages' chains each over the whole text: less of Elasticsearch's
# CPU in indexing (bench/search_index.py), and one field to query and highlight instead of two.
BILINGUAL_FILTERS = [
    "lowercase",
    german_stop,
    russian_stop,
    "german_normalization",
    german_decompounder,
    german_stem_overrides,
    german_stemmer,
    russian_stem_overrides,
    russian_stemmer,
    same_position_unique,
]
bilingual_text = analyzer("bilingual_text", char_filter=[russian_yo], tokenizer="standard", filter=BILINGUAL_FILTERS)
bilingual_text_search = analyzer(
    "bilingual_text_search",
    char_filter=[russian_yo],
    tokenizer="standard",
    filter=[each for each in BILINGUAL_FILTERS if each is not german_decompounder],
)

# Names and titles in any language, without stemming: "Müller" and "Muller" meet, "Мюллер" does
# not (transliteration between the scripts is not done here).
folding = analyzer("folding", tokenizer="standard", filter=["lowercase", "asciifolding"])

ANALYZERS = (german_text, german_text_search, bilingual_text, bilingual_text_search, folding)
