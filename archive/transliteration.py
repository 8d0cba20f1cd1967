"""Transliteration keys: a spelling-independent form of a word in Cyrillic or Latin script.

Kaluga has to find Калуга, Schukow and Zhukov Жуков, Грюнебаум Grünebaum and back. Each word of a
text becomes a few *keys*, lowercase [a-z0-9] tokens that two spellings of the same name share.
The index stores `index_keys(text)` in the `translit` field; a query becomes `query_keys(text)`,
the alternatives of each word (the search ORs a word's alternatives and ANDs the words). Both
come from the same per-word keys, so "A finds B" holds exactly when "B finds A" does.

How a key is made
-----------------
- A Cyrillic word is transliterated by iuliia's GOST 7.79-2000 schema (= ISO 9:1995, one Latin
  letter per Cyrillic letter: Жуков -> Žukov, Грюнебаум -> Grûnebaum), and the ISO reader below
  reads the result like any other ISO 9 spelling.
- A Latin word is read under every convention it could be written in, each a table of letter
  groups and the Russian sounds they may stand for:
  German (the Duden transcription, sch tsch w z j, and the way Russian writes German names:
  Weiß = Вайс, Stern = Штерн, Neumann = Нейман, Hahn = Ган, Cäcilie = Цецилия);
  English and passport practice (BGN/PCGN, Wikipedia, ALA-LC, ICAO: zh kh ch ts y);
  ISO 9 and the scholarly systems (ž š č, â û or ja ju, c, h or x);
  Polish, which the Berlin records use for many Polish and Russian Jewish names
  (Rabinowicz = Рабинович), for words with cz, sz or Polish letters.
  A convention reads only words written in its letters (ISO 9 has no w, German no ž).
- The readings are coarsened where the conventions disagree about Russian itself: з and с are
  one sound (German writes both as s: Soja = Зоя), ц is тс, и ы й are one, ь and ъ vanish,
  ё is read both as ё and as е (Russian print drops the dots, English writes e), a doubled
  letter counts once (Хайльбронн = Heilbronn), a glide before е counts as nothing (Jelena =
  Yelena = Елена, Wassiljew = Васильев), and so does one after ж ч ш щ (жо = жё, Gorbachyov).
- The key spells the reading in ASCII: ž š č х become zh sh ch x. The letters z c h y j w q are
  never used otherwise, so no two readings spell one key by accident (сх is "sx", ш "sh").

A Cyrillic word gets one key or two, a Latin word usually two to six (2.5 on average over the
Berlin surnames, 2.1 over the running text of the Heilbronn biographies).

The library, and what it misses
-------------------------------
iuliia 0.13.0 (Cyrillic -> Latin in 28 schemas: ISO 9, GOST, BGN/PCGN, Wikipedia, ALA-LC, ICAO,
scientific, ...) makes the Cyrillic -> Latin step, and the tests use 22 of its schemas as an
oracle: what they write for the table's names must find the Cyrillic and back. It misses:

- Latin -> Cyrillic of any kind, so every reading of Latin spellings is this module's own.
- German practice: no schema for the Duden transcription, and nothing for how Russian writes
  German names (ei -> ай/ей, eu -> ой/ей, ü -> ю, st/sp -> шт/шп, h -> х/г, silent after a vowel).
- In GOST 7.79 it writes ž decomposed (z + combining caron) but š č composed, and leaves ё in
  Cyrillic ("Vorobʹёv"; as do its scientific, BGN/PCGN, ALA-LC and UNGEGN schemas); it knows no
  Ukrainian letters (і ї є ґ). This module composes, and reads those letters itself.

The others: cyrtranslit 1.2.0 and transliterate 1.10.2 (no release since 2018) each invert
their own single table, which cannot read German spelling (Schukow -> счуков / Счукоw,
Chruschtschow -> чрусчтсчов); Unidecode 1.4.0 and anyascii 0.3.3 only go Cyrillic -> ASCII,
Unidecode under no standard (Зоя -> Zoia, Ёлкин -> Iolkin).

Not read (known misses)
-----------------------
- Exonyms and traditional forms that are no transliteration: Moskau/Москва, Warschau/Варшава,
  Auschwitz/Освенцим (Аушвиц is found), Heinrich/Генрих, Hedwig/Гедвига, Gertrud/Гертруда.
- е printed for ё after a consonant other than ж ч ш щ: Федор misses Fjodor (Фёдор finds it).
- Inflection (Калуге, Жукова): left to the stemmed full-text fields.
- GOST 7.79 system B and GOST 7034 (x = х, cz = ц), the ASCII variant of GOST 16876 (eh = э,
  jj = й), Telegram style (j = ж), the French-based MVD 310 and iuliia's Uzbek schema.

Precision (`python -m tests.search.test_transliteration`) and speed (`bench/transliteration.py`)
-----------------------------------------------------------------------------------------------
Of the 4,408,965 pairs of the 2,970 distinct surname words in the Berlin Stolpersteine, 289
share a key (0.007 %). Nearly all are spellings of one name (Meyer/Meier/Mayer, Cohn/Kohn,
Levy/Löwy, Schwartz/Schwarz); the rest come mostly from Russian's г for German h (Gabel/Habel,
as Гитлер for Hitler) and English z = з (Sander/Zander). A key without vowels would give 702
pairs before any transliteration; plain ASCII folding gives 17.
Keying the Heilbronn biographies (18,400 words, 3,900 distinct) with an empty word cache ran at
90,000 to 160,000 words/s of CPU time on one core of the shared 2-core machine; a word not yet
in the cache costs 30 to 40 µs, a cached one well under 1 µs.
"""

import itertools
import re
import unicodedata
from functools import lru_cache

import iuliia

__all__ = ["index_keys", "query_keys"]

# A word: letters and digits, joined by the apostrophes and primes that stand for ь and ъ in
# romanised Russian (Kosmodem'janskaja, Ilʹič). A hyphen separates words: Bergen-Belsen.
_WORD = re.compile(r"[^\W_]+(?:['’`ʹʺ·][^\W_]+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

# A word's readings under one convention are cut off after this many combinations, so that a
# long compound full of ambiguous letters (st, h, ö, ei, sch) cannot blow up. No name in the
# Berlin data has more than 16 and no word of the Heilbronn biographies reaches the limit.
_MAX_READINGS = 64

_SILENT = ("",)
_VOWELS = frozenset("aeiouyäöüéèáàóòëâûìïê")
_HUSHERS = frozenset("žčš")


class _Reader:
    """One convention of writing Russian (or German names) in Latin letters.

    `graphemes` maps a letter group to the readings it can have; a word is split into groups
    longest first. `letters` are those the convention writes with: a word with any other letter
    is not read under it. `context(group, previous, following)` may give other readings for the
    groups in `context_groups`, from their neighbours.
    """

    def __init__(self, graphemes, letters=None, context=None, context_groups=()):
        self.graphemes = graphemes
        self.letters = frozenset(letters if letters is not None else graphemes)
        groups = sorted((group for group in graphemes if len(group) > 1), key=len, reverse=True)
        self.splitter = re.compile("|".join([*map(re.escape, groups), "."]))
        self.context = context
        self.context_groups = frozenset(context_groups)

    def can_read(self, letters):
        return letters <= self.letters

    def read(self, word):
        groups = self.splitter.findall(word)
        choices = [self.graphemes.get(group, _SILENT) for group in groups]
        for index, group in enumerate(groups):
            if group in self.context_groups:
                previous = groups[index - 1] if index else ""
                following = groups[index + 1] if index + 1 < len(groups) else ""
                choices[index] = self.context(group, previous, following) or choices[index]
        if max(map(len, choices), default=1) == 1:
            return ["".join([readings[0] for readings in choices])]
        return ["".join(parts) for parts in itertools.islice(itertools.product(*choices), _MAX_READINGS)]


def _is_vowel(group):
    return group[:1] in _VOWELS


_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"

# German: the Duden transcription of Russian read backwards, and the German spellings that
# Russian texts transcribe (Грюнебаум, Розенталь, Шварц, Вайс, Хайльбронн, Штерн, Нейман).
_GERMAN = {
    **{letter: (letter,) for letter in _ASCII_LETTERS},
    "schtsch": ("šč",),
    "tsch": ("č",),
    "sch": ("š", "ž"),
    "chs": ("ks", "hs"),
    "ch": ("h",),
    "ck": ("k",),
    "ph": ("f",),
    "th": ("t", "th"),  # Rothschild = Ротшильд, Mauthausen = Маутхаузен
    "qu": ("kv",),
    "tz": ("ts",),
    "z": ("ts",),
    "w": ("v",),
    "v": ("v", "f"),  # Viktor = Виктор, Vogel = Фогель
    "j": ("i",),
    "y": ("i",),
    "x": ("ks",),
    "ß": ("s",),
    "é": ("e",),
    "è": ("e",),
    "ä": ("e",),
    "ae": ("e", "ae"),
    "ö": ("io", "e"),  # Köln = Кёльн, Goethe = Гёте or Гете
    "oe": ("io", "e", "oe"),
    "ü": ("iu", "u"),
    "ue": ("iu", "u", "ue"),
    "ei": ("ai", "ei"),  # Weiß = Вайс, Stein = Штейн
    "ey": ("ai", "ei"),
    "ai": ("ai",),
    "ay": ("ai",),
    "eu": ("oi", "ei"),  # Neumann = Нойман or Нейман
    "äu": ("oi", "ei"),
    "ie": ("i", "ie"),  # Friedländer = Фридлендер; Dmitriew = Дмитриев
    "lu": ("lu", "liu"),  # Blumenthal = Блюменталь, Ludwig = Людвиг
    "st": ("st",),
    "sp": ("sp",),
    "ff": ("f",),
}


def _german_context(group, previous, following):
    if group == "h":
        if _is_vowel(previous) and not _is_vowel(following):
            return ("",)  # the lengthening h: Kahn = Кан, Lehmann = Леман
        return ("h", "g")  # Hamburg = Гамбург, Heilbronn = Хайльбронн, Johann = Иоганн
    if group in ("st", "sp") and (not previous or not _is_vowel(previous)):
        return ("š" + group[1], group)  # Stern = Штерн, Goldstein = Гольдштейн; Rostow
    if group == "c":
        return ("ts",) if following[:1] in ("e", "i", "y", "ä", "ö", "ü") else ("k",)
    if group == "ch" and not previous:
        return ("h", "k")  # Chaim = Хаим, Christian = Кристиан
    if group == "ff" and not following and previous in ("o", "e"):
        return ("f", "v")  # Rachmaninoff = Рахманинов
    if group == "ie" and not following:
        return ("i", "ie", "ia")  # Marie = Мари, Cäcilie = Цецилия
    if group == "e" and not following and previous and not _is_vowel(previous):
        return ("e", "a")  # Margarete = Маргарета, Else = Эльза
    return None


# English and passport practice: BGN/PCGN, Wikipedia, ALA-LC without diacritics, MVD, ICAO.
_ENGLISH = {
    **{letter: (letter,) for letter in _ASCII_LETTERS if letter not in "wq"},
    "shch": ("šč",),
    "sch": ("šč",),  # Moscow metro and Yandex: Khruschev
    "zh": ("ž",),
    "kh": ("h",),
    "ch": ("č",),
    "tch": ("č",),
    "sh": ("š",),
    "ts": ("ts",),
    "tsh": ("tš", "tsh"),  # Rotshil'd = Ротшильд
    "tc": ("ts",),  # GOST R 52535.1, Russian passports 2006-2010: Shvartc
    "z": ("s",),
    "j": ("i",),
    "y": ("i",),
    "x": ("ks",),
    "c": ("k",),
    "ck": ("k",),
    "ph": ("f",),
    "ë": ("io", "e"),  # BGN/PCGN
    "ĭ": ("i",),  # ALA-LC, BS 2979
    "ė": ("e",),
    "é": ("e",),
    "'": ("",),
    "’": ("",),
    "ʹ": ("",),
    "ʺ": ("",),
    "`": ("",),
    "·": ("",),  # BGN/PCGN's separator: t·s = тс, not ц
}

_ENGLISH_HUSHERS = frozenset(("zh", "ch", "tch", "sh", "shch", "sch"))


def _english_context(group, previous, following):
    if previous in _ENGLISH_HUSHERS:
        return ("e", "o")  # English writes ё as e: Khrushchev = Chruschtschow
    return None


# ISO 9:1995 (= GOST 7.79 system A) and ISO/R 9:1968, UNGEGN, the scientific transliteration
# (x = х) and the German Slavists' (ch = х). Cyrillic words reach this reader through iuliia.
_ISO = {
    **{letter: (letter,) for letter in _ASCII_LETTERS if letter not in "wq"},
    "z": ("s",),
    "c": ("ts",),
    "j": ("i",),
    "y": ("i",),
    "x": ("h",),
    "ch": ("h", "tsh"),
    "ž": ("ž",),
    "š": ("š",),
    "č": ("č",),
    "ŝ": ("šč",),
    "ë": ("io", "e"),
    "ё": ("io", "e"),  # iuliia's GOST 7.79 leaves ё in Cyrillic
    "è": ("e",),
    "ė": ("e",),
    "é": ("e",),
    "û": ("iu",),
    "â": ("ia",),
    "ì": ("i",),
    "ï": ("i",),
    "ê": ("ie",),
    "ĭ": ("i",),  # ALA-LC й
    # Ukrainian letters that iuliia's GOST 7.79 leaves in Cyrillic
    "і": ("i",),
    "ї": ("i",),
    "є": ("ie",),
    "ґ": ("g",),
    "ў": ("u",),
    "ʹ": ("",),
    "ʺ": ("",),
    "'": ("",),
    "’": ("",),
    "`": ("",),
}


def _iso_context(group, previous, following):
    if previous[-1:] in _HUSHERS:
        return ("e", "o")  # Горбачев printed without the dots on ё = Gorbatschow
    if previous[-1:] in _VOWELS:
        # е after a vowel is spoken and romanised with its glide (Андреев = Andrejew, Andreyev),
        # and so is not the second half of a long German ee (Meer, Beer).
        return ("ie",)
    return None


# Polish spelling, for the Berlin records' Polish and Russian Jewish names.
_POLISH = {
    **{letter: (letter,) for letter in _ASCII_LETTERS if letter not in "qvx"},
    "szcz": ("šč",),
    "cz": ("č",),
    "sz": ("š",),
    "rz": ("ž", "š"),
    "ch": ("h",),
    "dż": ("dž",),
    "dź": ("ds", "dž"),  # Łódź = Лодзь
    "c": ("ts",),
    "z": ("s",),
    "w": ("v",),
    "j": ("i",),
    "y": ("i",),
    "ł": ("l",),
    "ó": ("u", "o"),  # Kraków = Краков
    "ą": ("on",),
    "ę": ("en",),
    "ć": ("ts", "č"),
    "ś": ("s",),
    "ź": ("s", "ž"),
    "ż": ("ž",),
    "ń": ("n",),
}

_POLISH_MARKERS = re.compile(r"cz|sz|[ąćęłńóśźż]")

_GERMAN_READER = _Reader(_GERMAN, context=_german_context, context_groups=("h", "st", "sp", "c", "ch", "ff", "ie", "e"))
_ENGLISH_READER = _Reader(_ENGLISH, context=_english_context, context_groups=("e",))
_ISO_READER = _Reader(_ISO, context=_iso_context, context_groups=("e",))
_POLISH_READER = _Reader(_POLISH)

_ISO_9 = iuliia.GOST_779

_DOUBLED = re.compile(r"([^\W\d_])\1+")
# ж ч ш щ are hard or soft by themselves, so Russian spelling after them (жо/жё, ча/чя) and the
# romanisations' glides (Gorbachyov, Shchyukin) say nothing about the name.
_HUSHER_GLIDE = re.compile(r"(?<=[žčš])i(?=[aeou])")
# Marks that NFC leaves loose (ALA-LC's tie bars, a stray combining accent) go: the readers
# know the precomposed letters they need.
_LOOSE_MARKS = re.compile(r"[\u0300-\u036f]")


def _first_letter(run):
    # A function rather than the template r"\1": re expands templates slowly.
    return run.group(1)


def _key(reading):
    reading = _DOUBLED.sub(_first_letter, reading)
    # й before е is no letter of its own: Jelena, Yelena, Elena = Елена; Wassiljew = Васильев.
    reading = reading.replace("ie", "e")
    reading = _HUSHER_GLIDE.sub("", reading)
    return reading.replace("h", "x").replace("ž", "zh").replace("š", "sh").replace("č", "ch")


_KNOWN_LETTERS = frozenset(_GERMAN) | frozenset(_ISO) | frozenset(_POLISH)


def _strip_accents(word):
    """Accented letters no reader knows (ñ, ç, å) read as their base letter."""
    if word.isascii():
        return word
    return "".join(
        char if char in _KNOWN_LETTERS or not char.isalpha() else unicodedata.normalize("NFKD", char)[0]
        for char in word
    )


@lru_cache(maxsize=1 << 17)
def _word_keys(word):
    word = word.lower()
    if word.isascii() and word.isdigit():
        return (word,)
    if _CYRILLIC.search(word):
        # NFC because iuliia writes ž decomposed (z and a combining caron), unlike š and č.
        readings = _ISO_READER.read(unicodedata.normalize("NFC", _ISO_9.translate(word)))
    else:
        word = _strip_accents(word)
        letters = set(word)
        readers = [reader for reader in (_GERMAN_READER, _ENGLISH_READER, _ISO_READER) if reader.can_read(letters)]
        if _POLISH_MARKERS.search(word) and _POLISH_READER.can_read(letters):
            readers.append(_POLISH_READER)
        readings = [reading for reader in readers for reading in reader.read(word)]
    keys = dict.fromkeys(_key(reading) for reading in dict.fromkeys(readings))
    return tuple(key for key in keys if key)


def words(text: str) -> list[str]:
    """The words of `text` as this module reads them (an apostrophe inside a word keeps it whole)."""
    return _words(text)


def _words(text):
    # Composed first: iuliia and some keyboards write ž as z and a combining caron, which would
    # split the word; marks with no composed letter (ALA-LC's tie bars in t͡s) go.
    return _WORD.findall(_LOOSE_MARKS.sub("", unicodedata.normalize("NFC", text)))


def index_keys(text: str) -> list[str]:
    """The keys of every word of `text`, deduplicated, in the order they first occur."""
    keys = dict.fromkeys(key for word in _words(text) for key in _word_keys(word))
    return list(keys)


def query_keys(text: str) -> list[list[str]]:
    """For each word of `text` that has keys, the keys any one of which it matches."""
    return [list(keys) for keys in map(_word_keys, _words(text)) if keys]
