"""Plain text in and out of an entry's body stream, losslessly for imported text."""

import html
import re

from wagtail.rich_text import RichText

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"</(p|h[1-6]|li)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip("\n") for part in re.split(r"\n[ \t]*\n", normalised) if part.strip()]


def paragraphs_html(text: str) -> list[str]:
    """Plain text paragraphs as HTML paragraphs: escaped, single line breaks kept."""
    return ["<p>" + html.escape(part, quote=False).replace("\n", "<br/>") + "</p>" for part in paragraphs(text)]


def text_to_stream(text: str) -> list[tuple[str, RichText]]:
    return [("paragraph", RichText(part)) for part in paragraphs_html(text)]


def html_to_text(markup: str) -> str:
    markup = _BREAK.sub("\n", markup)
    markup = _PARAGRAPH_END.sub("\n\n", markup)
    return html.unescape(_TAG.sub("", markup)).strip()


def stream_to_text(stream) -> str:
    """The text blocks of a body stream as plain text paragraphs."""
    parts = []
    for block in stream:
        if block.block_type == "paragraph":
            parts.append(html_to_text(block.value.source))
        elif block.block_type == "heading":
            parts.append(str(block.value))
        elif block.block_type == "quote":
            parts.append(block.value["text"])
    return "\n\n".join(part for part in parts if part)
