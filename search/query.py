"""What both engines make of the query's text: plain words, and each word's name keys."""

from archive import transliteration

MAX_QUERY_LENGTH = 500


def clean_query_text(text: str) -> str:
    """Control characters out, whitespace folded, length bounded: the engines get plain words."""
    text = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def name_keys_per_word(words: list[str]) -> list[list[str]]:
    """For each word, the transliteration keys a name spelled so may have in either script."""
    keys = []
    for word in words:
        alternatives = transliteration.query_keys(word)
        keys.append(sorted({key for each in alternatives for key in each}))
    return keys
