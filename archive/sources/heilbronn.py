"""Stolpersteine Heilbronn (OK Lab Heilbronn): one Markdown file per address.

Each file has a YAML header (title = address, date = laying date, names,
steine = the inscription of each stone line by line, x/y = latitude/longitude)
followed by a German biography in Markdown. One file becomes one memorial-site
row with one entry in ``people`` per stone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .common import (
    THEMES_BASE,
    clean_text,
    memorial_site_row,
    parse_german_date,
    person,
    unique,
)

CITY = "Heilbronn"
LICENCE = "CC BY-SA 4.0"
ATTRIBUTION = "Stolpersteine Heilbronn, OK Lab Heilbronn, CC BY-SA 4.0"
# The project has no page per address, so every row points at the repository.
SOURCE_URL = "https://github.com/opendata-heilbronn/stolpersteine"

# Generous box around the city including Böckingen, Sontheim, Horkheim and the
# Köpfertal; a point outside it is a data error, not a real location.
LATITUDE_RANGE = (49.05, 49.25)
LONGITUDE_RANGE = (9.05, 9.35)
# Cut-off values look like "49." or "9.2"; real ones have at least 4 decimals.
MIN_COORDINATE_DECIMALS = 3

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---[ \t]*\n?(.*)\Z", re.DOTALL)
_COORDINATE = re.compile(r"-?\d+\.(\d*)")

# Stone grammar ---------------------------------------------------------------

_BIRTH_YEAR = re.compile(r"(?:JG|GEB)\.\s*(\d{4})")
# Name lines that add to a name rather than start one: "GEB. KAHN" (birth name),
# "VERH. RECHES" (married name), "GEN. ADOLF ELSNER" (known as).
_NAME_ADDITION = re.compile(r"(GEB|VERH|GEN)\.\s*(.+)")
_TITLES = {"DR.", "PROF."}
_DEPORTED = re.compile(r"DEPORTIERT(?:\s+(\d{4}))?")
# First words of stone lines that describe an event, not a place.
_EVENT_WORDS = {
    "DEPORTIERT",
    "ERMORDET",
    "TOT",
    "FLUCHT",
    "ÜBERLEBT",
    "HINGERICHTET",
    "VERHAFTET",
    "INTERNIERT",
    "EINGEWIESEN",
    "VERLEGT",
    "ZWANGSUMZUG",
    "ZWANGSARBEIT",
    "TODESURTEIL",
}
# Words that German writes in lower case when stone text is rendered in mixed
# case: prepositions, articles and the participles that stones use as verbs.
_LOWER_CASE_WORDS = {
    "am",
    "auf",
    "bei",
    "das",
    "den",
    "der",
    "die",
    "im",
    "in",
    "nach",
    "seit",
    "und",
    "von",
    "zu",
    "deportiert",
    "diffamiert",
    "eingewiesen",
    "entrechtet",
    "ermordet",
    "fehlen",
    "gedemütigt",
    "hingerichtet",
    "interniert",
    "mehrfach",
    "tot",
    "überlebt",
    "verhaftet",
    "verlegt",
    "verschiedene",
    "verurteilt",
    "verweigert",
    "verzogen",
    "zuletzt",
}
_ACRONYMS = {"USA", "KZ"}
_QUOTES = "\"'„“”‚‘’«»()"


def iter_rows(folder: str | Path, problems: list[str] | None = None, limit: int | None = None) -> Iterator[dict]:
    """Yield one import row per Markdown file, in file-name order.

    Problems in the data are appended to ``problems`` as "file: message".
    """
    problems = problems if problems is not None else []
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"Heilbronn data folder not found: {folder}")
    for path in sorted(folder.glob("*.md"))[:limit]:
        row = convert_file(path, problems)
        if row is not None:
            yield row


def convert(folder: str | Path, limit: int | None = None) -> tuple[list[dict], list[str]]:
    """Convert the whole folder; return ``(rows, problems)``."""
    problems: list[str] = []
    rows = list(iter_rows(folder, problems, limit))
    return rows, problems


def convert_file(path: Path, problems: list[str]) -> dict | None:
    """Convert one Markdown file, or return None (and report why) if impossible."""

    def report(message: str) -> None:
        problems.append(f"{path.name}: {message}")

    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    match = _FRONT_MATTER.match(text)
    if not match:
        report("no YAML header; skipped")
        return None
    try:
        # BaseLoader keeps every value as the text in the file, so a cut-off
        # "x: 49." stays recognisable instead of becoming the float 49.0. It
        # only builds strings, lists and dicts, so it is as safe as safe_load.
        header = yaml.load(match.group(1), Loader=yaml.BaseLoader) or {}  # noqa: S506
    except yaml.YAMLError as error:
        report(f"unreadable YAML header ({error.__class__.__name__}); skipped")
        return None
    if not isinstance(header, dict):
        report("YAML header is not a mapping; skipped")
        return None
    address_text = clean_text(header.get("title"))
    if not address_text:
        report("title (address) missing; skipped")
        return None

    stones = _read_stones(header.get("steine"), header.get("names") or "", report)
    people = [stone.person for stone in stones if stone.person]
    date, precision = _laying_date(header.get("date"), report)
    latitude, longitude = _coordinates(header.get("x"), header.get("y"), report)

    body = markdown_to_text(match.group(2))
    if not body:
        body = _body_from_stones(stones)
        report("no biography; body built from the stone inscriptions")

    noun = "Stolperstein" if len(stones) == 1 else "Stolpersteine"
    themes = list(THEMES_BASE)
    if any(stone.deported for stone in stones):
        themes.append("deportation")
    if any(stone.fled for stone in stones):
        themes.append("emigration")

    return memorial_site_row(
        external_id=f"heilbronn-{path.stem}",
        title=f"{noun} {address_text}",
        body=body,
        date=date,
        date_precision=precision,
        city=CITY,
        themes=themes,
        tags=unique(tag for stone in stones for tag in stone.tags),
        latitude=latitude,
        longitude=longitude,
        source_url=SOURCE_URL,
        licence=LICENCE,
        attribution=ATTRIBUTION,
        address=address_text if CITY in address_text else f"{address_text}, {CITY}",
        inscription="\n\n".join("\n".join(stone.lines) for stone in stones if stone.lines),
        people=people,
    )


# Header fields ---------------------------------------------------------------


def _laying_date(value: str | None, report) -> tuple[str, str]:
    try:
        return parse_german_date(value)
    except ValueError as error:
        report(f"date: {error}; left empty")
        return "", ""


def _coordinates(raw_latitude, raw_longitude, report) -> tuple[float | None, float | None]:
    """Return (latitude, longitude), or (None, None) if either is unusable.

    A point with one good coordinate is still unusable on a map, so both are
    dropped together and the file is reported; nothing is guessed.
    """
    raw_latitude = (raw_latitude or "").strip()
    raw_longitude = (raw_longitude or "").strip()
    shown = f"(x: {raw_latitude or '—'}, y: {raw_longitude or '—'})"
    if not raw_latitude or not raw_longitude:
        report(f"coordinates missing {shown}; left empty")
        return None, None
    matches = [_COORDINATE.fullmatch(raw) for raw in (raw_latitude, raw_longitude)]
    if not all(matches):
        report(f"coordinates unreadable {shown}; left empty")
        return None, None
    if any(len(match.group(1)) < MIN_COORDINATE_DECIMALS for match in matches):
        report(f"coordinates cut off {shown}; left empty")
        return None, None
    latitude, longitude = float(raw_latitude), float(raw_longitude)
    if not (
        LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1] and LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]
    ):
        report(f"coordinates outside Heilbronn {shown}; left empty")
        return None, None
    return latitude, longitude


# Stones ----------------------------------------------------------------------


@dataclass
class Stone:
    lines: list[str]
    person: dict | None = None
    tags: list[str] = field(default_factory=list)
    deported: bool = False
    fled: bool = False


def _read_stones(raw_stones, names: str, report) -> list[Stone]:
    if not isinstance(raw_stones, list):
        report("steine missing or not a list; no inscription")
        return []
    spellings = _spellings(names)
    stones = []
    for number, raw_lines in enumerate(raw_stones, start=1):
        if not isinstance(raw_lines, list):
            raw_lines = [raw_lines]
        lines = [line for line in (clean_text(raw) for raw in raw_lines) if line]
        stone = parse_stone(lines, names, spellings)
        if stone.person is None:
            shown = " / ".join(lines) or "empty"
            report(f"steine[{number}]: no person's name on the stone ({shown}); no person")
        elif stone.person["birth_year"] is None:
            report(f"steine[{number}]: no birth year for {stone.person['name']}")
        stones.append(stone)
    return stones


def parse_stone(lines: list[str], names: str = "", spellings: dict | None = None) -> Stone:
    """Read one stone's (non-empty) lines into a person, tags and themes.

    Stones follow "HIER WOHNTE / NAME / [GEB. NAME] / JG. 1881 / events";
    everything after the birth year is the fate, as written on the stone.
    """
    spellings = spellings if spellings is not None else _spellings(names)
    stone = Stone(lines=lines)
    start = 0
    if lines and lines[0].startswith("HIER "):
        # "HIER WOHNTE UND / PRAKTIZIERTE" continues on the next line.
        start = 2 if lines[0].endswith(" UND") else 1
    year_at = next((i for i in range(start, len(lines)) if _BIRTH_YEAR.fullmatch(lines[i])), None)
    if year_at is not None:
        name_lines, fate_lines = lines[start:year_at], lines[year_at + 1 :]
        birth_year = int(_BIRTH_YEAR.fullmatch(lines[year_at]).group(1))
    else:
        # Without a birth year the stone's structure is uncertain: accept the
        # first line as a name only if the header's names mention it.
        name_lines, fate_lines = lines[start : start + 1], lines[start + 1 :]
        birth_year = None
        if not name_lines or not _mentioned_in(name_lines[0], names):
            return stone
    name = _format_name(name_lines, spellings)
    if not name:
        return stone

    deported = ""
    for index, line in enumerate(fate_lines):
        if match := _DEPORTED.fullmatch(line):
            stone.deported = True
            destination = _destination_after(fate_lines, index)
            if destination:
                stone.tags.append(destination)
            if not deported:
                parts = [match.group(1), f"nach {destination}" if destination else None]
                deported = " ".join(part for part in parts if part)
    for index, line in enumerate(fate_lines):
        if line == "ERMORDET IN" and index + 1 < len(fate_lines):
            stone.tags.append(_title_case(fate_lines[index + 1]))
        if line.startswith("FLUCHT IN DEN TOD"):
            stone.tags.append("Flucht in den Tod")
        elif line.startswith("FLUCHT"):
            stone.fled = True
            stone.tags.append("Flucht")
        elif line.startswith("ERMORDET"):
            stone.tags.append("Ermordet")
        elif line.startswith("HINGERICHTET"):
            stone.tags.append("Hingerichtet")
        elif line.startswith("TOT"):
            stone.tags.append("Tot")
        elif line.startswith("ÜBERLEBT"):
            stone.tags.append("Überlebt")
    stone.tags = unique(stone.tags)
    stone.person = person(
        name=name,
        birth_year=birth_year,
        fate=mixed_case(" ".join(fate_lines)),
        deported=deported,
    )
    return stone


def _destination_after(lines: list[str], index: int) -> str:
    """The place on the line after "DEPORTIERT [year]", if that line is a place."""
    if index + 1 >= len(lines):
        return ""
    candidate = lines[index + 1]
    first_word = candidate.split()[0].strip(_QUOTES)
    if first_word in _EVENT_WORDS or any(char.isdigit() for char in candidate):
        return ""
    return _title_case(candidate)


def _format_name(name_lines: list[str], spellings: dict) -> str:
    """Join name lines: "SOFIE REIS" + "GEB. KAHN" -> "Sofie Reis geb. Kahn".

    A name split over lines ("HERMANN" / "GRÜNEBAUM", "EUGENIE LUISE" /
    "ROSENTHAL") is joined; a further full name after given name and surname
    ("LUISE BRONNER") is another name of the same person and goes in brackets.
    """
    main: list[str] = []
    other_names: list[str] = []
    additions: list[str] = []
    for line in name_lines:
        if match := _NAME_ADDITION.fullmatch(line):
            prefix, rest = match.groups()
            additions.append(f"{prefix.lower()}. {_title_case(rest, spellings)}")
        elif len([word for word in main if word not in _TITLES]) >= 2 and " " in line:
            other_names.append(_title_case(line, spellings))
        else:
            main.extend(line.split())
    name = _title_case(" ".join(main), spellings)
    if other_names:
        name += f" ({', '.join(other_names)})"
    return " ".join([name, *additions]).strip()


def _spellings(names: str) -> dict[str, str]:
    """Map case-folded words of the header's names to their spelling there.

    Stones are upper case and write ß as SS; the header has "Strauß".
    """
    return {word.casefold(): word for word in re.findall(r"[^\W\d_]+", names)}


def _mentioned_in(line: str, names: str) -> bool:
    words = re.findall(r"[^\W\d_]+", line)
    folded = names.casefold()
    return bool(words) and words[-1].casefold() in folded


def _title_case(text: str, spellings: dict | None = None) -> str:
    """ "ADOLF KAHN" -> "Adolf Kahn", keeping the header's spelling of a name."""
    words = []
    for word in text.split():
        if spellings and word.casefold() in spellings:
            words.append(spellings[word.casefold()])
        elif word in _ACRONYMS or not word.isupper():
            words.append(word)  # already mixed case ("Max Victor") or "USA"
        else:
            words.append("-".join(_capitalise(part) for part in word.split("-")))
    return " ".join(words)


def _capitalise(word: str) -> str:
    lowered = word.lower()
    for index, char in enumerate(lowered):
        if char.isalpha():
            return lowered[:index] + char.upper() + lowered[index + 1 :]
    return lowered


def mixed_case(stone_text: str) -> str:
    """Render upper-case stone text readably: "DEPORTIERT 1941 RIGA ERMORDET"
    -> "Deportiert 1941 Riga ermordet"; "ERMORDET IN AUSCHWITZ" -> "Ermordet in Auschwitz".
    """
    words = _title_case(stone_text).split()
    for index, word in enumerate(words[1:], start=1):
        if word.strip(_QUOTES).casefold() in _LOWER_CASE_WORDS:
            words[index] = word.lower()
    return " ".join(words)


def _body_from_stones(stones: list[Stone]) -> str:
    """A plain summary of what the stones say, for addresses without a biography."""
    paragraphs = []
    for stone in stones:
        if not stone.person:
            continue
        text = stone.person["name"]
        if stone.person["birth_year"]:
            text += f", Jahrgang {stone.person['birth_year']}"
        text += "."
        if stone.person["fate"]:
            text += f" {stone.person['fate'].rstrip('.')}."
        paragraphs.append(text)
    if not paragraphs:
        return "Die Namen auf den Stolpersteinen an dieser Adresse sind in der Quelle nicht erfasst."
    return "\n\n".join(paragraphs)


# Markdown --------------------------------------------------------------------

_HEADING = re.compile(r"#{1,6}\s+(.*?)\s*#*")
_LIST_ITEM = re.compile(r"(?:[-*+]|\d+[.)])\s+(.*)")
_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_STRONG_OR_EMPHASIS = re.compile(r"(\*\*|\*)(?=\S)(.+?)(?<=\S)\1|(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\3(?!\w)")
_CODE = re.compile(r"`([^`]*)`")
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")


def markdown_to_text(markdown: str) -> str:
    """Turn the biography's Markdown into plain paragraphs separated by a blank line.

    Soft-wrapped lines are joined; list items, hard line breaks and lines that
    are only a link keep their own line. Links become "text (url)", or just the
    url when the text is the url.
    """
    paragraphs: list[str] = []
    for block in re.split(r"\n[ \t]*\n", markdown.strip()):
        lines: list[str] = []
        keep_break = False
        for raw_line in block.split("\n"):
            if not raw_line.strip():
                continue
            hard_break = raw_line.endswith("  ") or raw_line.rstrip().endswith("\\")
            line = raw_line.strip().rstrip("\\").strip()
            if heading := _HEADING.fullmatch(line):
                if lines:
                    paragraphs.append("\n".join(lines))
                    lines = []
                paragraphs.append(_inline(heading.group(1)))
                keep_break = False
                continue
            own_line = False
            if item := _LIST_ITEM.fullmatch(line):
                line = f"- {item.group(1)}"
                own_line = True
            elif _LINK.fullmatch(line):
                own_line = True
            line = _inline(line)
            if not line:
                continue
            if lines and not (keep_break or own_line):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
            keep_break = hard_break or own_line
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _inline(text: str) -> str:
    text = _BREAK_TAG.sub(" ", text)
    text = _TAG.sub("", text)
    text = _LINK.sub(_link_text, text)
    text = _CODE.sub(r"\1", text)
    text = _STRONG_OR_EMPHASIS.sub(lambda m: m.group(2) or m.group(4), text)
    return clean_text(text)


def _link_text(match: re.Match) -> str:
    label, url = match.group(1).strip(), match.group(2).strip()
    if not url or label == url:
        return label or url
    if not label:
        return url
    return f"{label} ({url})"
