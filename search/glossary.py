"""The bilingual glossary at search time: which glossary terms a query mentions, and their other language.

A query for "Gedenken" should also find texts that say "память". The editors keep the pairs
(archive.models.GlossaryTerm); `expansions()` finds the terms a query mentions, in any
inflected form, and returns, as the glossary writes them, their terms in the other language and
the other written forms in the query's language (terms paired with the same translation, such
as "Babi Jar" and "Babyn Jar" with "Бабий Яр"). The search adds those as optional,
lower-weighted clauses, and the index analysis stems them like any other query word, so nothing
here has to match the index's stems.

Elasticsearch could do the same with a synonym filter, but its synonyms API is not part of our
distribution, and synonyms in the index settings would need a reindex on every change. The
glossary is compiled here instead, once per process, and compiled again as soon as the table
changes: each call asks the database for the number of rows and the newest change (one cheap
query), so an edit made in the admin, in any process, applies to the next search.

Words are compared by their Snowball stems: lowercase, ё as е, umlauts and ß folded, then the
German or Russian stemmer by the word's script (so a Latin-script word in a Russian term is
stemmed as German, as it would be in a query). Where the stemmer gives one word two stems, the
overrides of the index analysis (search.analysis) say which forms belong together; a few more
for the glossary's own words are below. A term of several words matches the same words in the
same order.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import snowballstemmer
from django.db.models import Count, Max

from archive.models import GlossaryTerm
from archive.stemming import GERMAN_STEM_OVERRIDES, RUSSIAN_STEM_OVERRIDES, parse_overrides

WORD = re.compile(r"\w+")
CYRILLIC = re.compile("[\u0400-\u04ff]")
FOLDING = str.maketrans({"ё": "е", "ä": "a", "ö": "o", "ü": "u", "ß": "ss"})

# Words of the starter glossary that the Snowball stemmers split in two, in the format of
# Elasticsearch's stemmer_override rules (lowercase, е for ё, no umlauts). Russian nouns with a
# fleeting vowel ("день" -> "ден", "дня" -> "дня") and German words whose plural -s the German
# stemmer keeps ("ghettos").
GLOSSARY_STEM_OVERRIDES = [
    "день, дня, дню, днем, дне, дни, дней, дням, днями, днях => дн",
    "очевидец, очевидца, очевидцу, очевидцем, очевидце, "
    "очевидцы, очевидцев, очевидцам, очевидцами, очевидцах => очевидц",
    "огонь, огня, огню, огнем, огне, огни, огней, огням, огнями, огнях => огн",
    "бабий, бабьего, бабьему, бабьим, бабьем => бабий",
    # Nominatives the Russian stemmer takes for verb or case forms ("мемориал" -> "мемориа").
    "мемориал, мемориала, мемориалу, мемориалом, мемориале, "
    "мемориалы, мемориалов, мемориалам, мемориалами, мемориалах => мемориал",
    "ветеран, ветерана, ветерану, ветераном, ветеране, "
    "ветераны, ветеранов, ветеранам, ветеранами, ветеранах => ветеран",
    "побратим, побратима, побратиму, побратимом, побратиме, "
    "побратимы, побратимов, побратимам, побратимами, побратимах => побратим",
    "погром, погрома, погрому, погромом, погроме, погромы, погромов, погромам, погромами, погромах => погром",
    "ghetto, ghettos => ghetto",
]


def _override_rules():
    return [
        *GERMAN_STEM_OVERRIDES,
        *RUSSIAN_STEM_OVERRIDES,
        *GLOSSARY_STEM_OVERRIDES,
    ]


class Stemmer:
    """Turns text into the keys the glossary compares. Not thread-safe (Snowball's stemmers are not):
    make one per use, which costs about a microsecond."""

    def __init__(self, overrides: dict[str, str]):
        self.overrides = overrides
        self.german = snowballstemmer.stemmer("german")
        self.russian = snowballstemmer.stemmer("russian")

    def keys(self, text: str) -> tuple[str, ...]:
        return tuple(self.key(word) for word in WORD.findall(text.casefold().translate(FOLDING)))

    def key(self, word: str) -> str:
        if word in self.overrides:
            return self.overrides[word]
        stemmer = self.russian if CYRILLIC.search(word) else self.german
        return stemmer.stemWord(word)


@dataclass(frozen=True)
class Match:
    """A glossary term found in a query: words start to end (exclusive) of the query are term `side`
    ("de" or "ru") of pair number `pair`."""

    start: int
    end: int
    pair: int
    side: str

    def covers(self, other: "Match") -> bool:
        return (
            self.start <= other.start and other.end <= self.end and (self.end - self.start) > (other.end - other.start)
        )


class Glossary:
    """A compiled glossary: pairs of (German term, Russian term), looked up by the stem of their first word."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        self.overrides = parse_overrides(_override_rules())
        self.pairs = tuple(pairs)
        self.term_keys: dict[tuple[int, str], tuple[str, ...]] = {}
        self.by_first_key: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.pairs_by_term: dict[tuple[str, tuple[str, ...]], list[int]] = defaultdict(list)
        stemmer = Stemmer(self.overrides)
        for pair, (term_de, term_ru) in enumerate(self.pairs):
            for side, term in (("de", term_de), ("ru", term_ru)):
                keys = stemmer.keys(term)
                if keys:
                    self.term_keys[pair, side] = keys
                    self.by_first_key[keys[0]].append((pair, side))
                    self.pairs_by_term[side, keys].append(pair)

    def __len__(self):
        return len(self.pairs)

    def matches(self, text: str) -> list[Match]:
        """The glossary terms the text mentions, in the order of the text.

        A term found only as part of a longer term the text mentions is left out: "Blockade
        Leningrads" is one term, not also "Leningrad".
        """
        keys = Stemmer(self.overrides).keys(text)
        found = []
        for start, key in enumerate(keys):
            for pair, side in self.by_first_key.get(key, ()):
                term_keys = self.term_keys[pair, side]
                if keys[start : start + len(term_keys)] == term_keys:
                    found.append(Match(start, start + len(term_keys), pair, side))
        return [match for match in found if not any(other.covers(match) for other in found)]

    def expansions(self, text: str) -> list[str]:
        """What to search for besides the text: for each glossary term the text mentions, its other
        language, then the other written forms of the term in the text's language, that is, the terms
        the glossary pairs with the same translation ("Babi Jar" -> "Бабий Яр" -> "Babyn Jar").

        Terms as the glossary writes them, each once, none that the text mentions itself.
        """
        matches = self.matches(text)
        mentioned = {(match.side, self.term_keys[match.pair, match.side]) for match in matches}
        result = []

        def add(pair, side):
            term = self.pairs[pair][0 if side == "de" else 1]
            if (side, self.term_keys.get((pair, side))) not in mentioned and term not in result:
                result.append(term)

        for match in matches:
            other = "ru" if match.side == "de" else "de"
            add(match.pair, other)
            for sibling in self.pairs_by_term.get((other, self.term_keys.get((match.pair, other))), ()):
                add(sibling, match.side)
        return result


# The glossary compiled in this process, and the state of the table it was compiled from.
_compiled: tuple[tuple, Glossary] | None = None


def _table_state():
    state = GlossaryTerm.objects.aggregate(count=Count("pk"), changed=Max("updated_at"))
    return state["count"], state["changed"]


def current_glossary() -> Glossary:
    """The glossary as the database holds it now: compiled again only when a term was added, changed
    or deleted since the last call in this process (one query when nothing changed, two when it did)."""
    global _compiled
    state = _table_state()
    if _compiled is not None and _compiled[0] == state:
        return _compiled[1]
    rows = list(GlossaryTerm.objects.values_list("term_de", "term_ru", "updated_at"))
    glossary = Glossary((term_de, term_ru) for term_de, term_ru, _updated in rows)
    # The state of what was read, not of the first query: a change in between compiles again next time.
    _compiled = ((len(rows), max((updated for _de, _ru, updated in rows), default=None)), glossary)
    return glossary


def expansions(text: str) -> list[str]:
    """What to search for besides the query (see Glossary.expansions); no database query for a text without words."""
    if not WORD.search(text):
        return []
    return current_glossary().expansions(text)
