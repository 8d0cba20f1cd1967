"""German and Russian words reduced as the search index reduces them, for the database search.

The embedded default has no Elasticsearch, so Wagtail's database backend matches words as they
are written: "Stolperstein" would miss "Stolpersteine", "Partnerschaft" would miss
"Städtepartnerschaft". Each entry therefore carries its words' stems as a search field of its own
(EntryPage.stem_keys), and the database search adds each query word's stem (search.engines.
database). The steps are those of the index's bilingual analysis (search.analysis), in Python:

- lowercase, ё as е;
- Latin-script words: German normalisation as Lucene's GermanNormalizationFilter does it
  (ä, ae -> a; ö, oe -> o; ü, ue -> u but not after a vowel or q; ß -> ss), then, in the
  entry's text only, the compound parts of the shipped word list found in the word (as the
  dictionary decompounder: subwords of 4 to 15 letters), then the stem overrides and the
  Snowball German stemmer;
- Cyrillic words: the stem overrides, then the Snowball Russian stemmer.

The word list and the overrides live here, at the ground floor, and the index's analysis
settings are built from them, so the two engines cannot drift apart. The Snowball stemmer is
not Elasticsearch's light German one: the stems differ, but each engine compares its own.
"""

import re
import threading
from functools import cache, lru_cache
from pathlib import Path

import snowballstemmer

WORDLIST_DIR = Path(__file__).resolve().parent / "wordlists"
GERMAN_COMPOUND_PARTS = WORDLIST_DIR / "german_compound_parts.txt"
MIN_SUBWORD = 4
MAX_SUBWORD = 15
# Shorter words are not decompounded (the dictionary decompounder's min_word_size).
MIN_COMPOUND = 5

# Words the stemmers leave apart that readers expect to find each other, in the format of
# Elasticsearch's stemmer_override rules. Tokens are lowercase and normalised (no umlauts, е for ё).
GERMAN_STEM_OVERRIDES = [
    "deportation, deportationen, deportieren, deportiert, deportierte, deportierten, deportierter => deport",
]
# The Russian snowball stemmer gives some nouns of the archive two stems depending on the case
# ("память" -> "памя", "памяти" -> "памят"); these map every form to one stem.
RUSSIAN_STEM_OVERRIDES = [
    "память, памяти, памятью => памят",
    "архив, архива, архиву, архивом, архиве, архивы, архивов, архивам, архивами, архивах => архив",
    "могила, могилы, могиле, могилу, могилой, могил, могилам, могилами, могилах => могил",
    "мать, матери, матерью, матерей, матерям, матерями, матерях => матер",
    "дочь, дочери, дочерью, дочерей, дочерям, дочерьми, дочерях => дочер",
    "время, времени, временем, времена, времен, временам, временами, временах => времен",
    "имя, имени, именем, имена, имен, именам, именами, именах => имен",
    "ребенок, ребенка, ребенку, ребенком, ребенке => ребенок",
    "камень, камня, камню, камнем, камне, камни, камней, камням, камнями, камнях => камн",
    "немец, немца, немцу, немцем, немце, немцы, немцев, немцам, немцами, немцах => немц",
    "еврей, еврея, еврею, евреем, еврее, евреи, евреев, евреям, евреями, евреях => евре",
    "отец, отца, отцу, отцом, отце, отцы, отцов, отцам, отцами, отцах => отц",
]

WORD = re.compile(r"\w+")
CYRILLIC = re.compile("[\u0400-\u04ff]")


@cache
def german_compound_parts() -> tuple[str, ...]:
    """The decompounder's word list, read from the file shipped in archive/wordlists/."""
    lines = GERMAN_COMPOUND_PARTS.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def _parts() -> frozenset[str]:
    return frozenset(german_compound_parts())


def parse_overrides(rules) -> dict[str, str]:
    overrides = {}
    for rule in rules:
        words, stem = rule.split("=>")
        for word in words.split(","):
            overrides[word.strip()] = stem.strip()
    return overrides


@cache
def _overrides() -> dict[str, str]:
    return parse_overrides([*GERMAN_STEM_OVERRIDES, *RUSSIAN_STEM_OVERRIDES])


def german_normalization(word: str) -> str:
    """Lucene's GermanNormalizationFilter, for one lowercase word."""
    out = []
    state = "N"  # N: other, V: after a vowel (or i, q, y), U: after a, o or u that may take an e
    for char in word:
        if char in "ao":
            state = "U"
        elif char == "u":
            state = "U" if state == "N" else "V"
        elif char == "e":
            if state == "U":
                state = "V"
                continue  # ae, oe, ue: the e goes
            state = "V"
        elif char in "iqy":
            state = "V"
        elif char in "äöü":
            char = {"ä": "a", "ö": "o", "ü": "u"}[char]
            state = "V"
        elif char == "ß":
            char = "ss"
            state = "N"
        else:
            state = "N"
        out.append(char)
    return "".join(out)


def compound_parts(word: str) -> list[str]:
    """The word list's words found in a normalised German word (not the word itself)."""
    if len(word) < MIN_COMPOUND:
        return []
    parts = _parts()
    found = []
    for start in range(len(word) - MIN_SUBWORD + 1):
        for end in range(start + MIN_SUBWORD, min(len(word), start + MAX_SUBWORD) + 1):
            part = word[start:end]
            if part != word and part in parts:
                found.append(part)
    return found


_local = threading.local()


def _stemmers():
    # Snowball's stemmers keep state while stemming: one pair per thread.
    if not hasattr(_local, "german"):
        _local.german = snowballstemmer.stemmer("german")
        _local.russian = snowballstemmer.stemmer("russian")
    return _local.german, _local.russian


def _stem(word: str, russian: bool) -> str:
    overridden = _overrides().get(word)
    if overridden:
        return overridden
    german_stemmer, russian_stemmer = _stemmers()
    return (russian_stemmer if russian else german_stemmer).stemWord(word)


def word_stems(word: str, decompound: bool = False) -> list[str]:
    """The stems of one word: its own, and with decompound those of its compound parts."""
    return list(_word_stems(word.lower(), decompound))


# An archive's words repeat from entry to entry (every stone's "deportiert", "ermordet"): each is
# reduced once per process.
@lru_cache(maxsize=65536)
def _word_stems(word: str, decompound: bool) -> tuple[str, ...]:
    word = word.replace("ё", "е")
    if CYRILLIC.search(word):
        return (_stem(word, russian=True),)
    word = german_normalization(word)
    words = [word, *compound_parts(word)] if decompound else [word]
    return tuple(dict.fromkeys(_stem(each, russian=False) for each in words))


def text_stems(text: str) -> list[str]:
    """Every distinct stem of a text, compound parts included (an entry's side, as the index's)."""
    stems = {}
    for word in dict.fromkeys(WORD.findall(text.lower())):
        if len(word) > 1 and not word.isdigit():
            stems.update(dict.fromkeys(_word_stems(word, True)))
    return list(stems)
