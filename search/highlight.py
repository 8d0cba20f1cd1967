"""Highlighted snippets for backends that return none of their own."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

WORD = re.compile(r"\w+", re.UNICODE)


def query_terms(text: str) -> list[str]:
    return [term for term in WORD.findall(text.lower()) if len(term) > 1]


def highlight(text: str, query: str, width: int = 240) -> str:
    """A window of `text` around the first query term, terms wrapped in <mark>, HTML-escaped."""
    terms = query_terms(query)
    if not text:
        return ""
    if not terms:
        return escape(_shorten(text, 0, width))
    # Terms match word starts, so "Gedenk" marks "Gedenkstätte".
    pattern = re.compile(r"\b(" + "|".join(re.escape(term) for term in terms) + r")\w*", re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, first.start() - width // 3) if first else 0
    window = _shorten(text, start, width)
    parts, last = [], 0
    for match in pattern.finditer(window):
        parts.append(escape(window[last : match.start()]))
        parts.append("<mark>" + escape(match.group(0)) + "</mark>")
        last = match.end()
    parts.append(escape(window[last:]))
    return mark_safe("".join(parts))  # noqa: S308 -- every piece was escaped above


def _shorten(text: str, start: int, width: int) -> str:
    window = text[start : start + width]
    if start > 0:
        window = "… " + window.split(" ", 1)[-1]
    if start + width < len(text):
        window = window.rsplit(" ", 1)[0] + " …"
    return window
