"""Reading rows to import: CSV or JSON Lines files, streamed, or rows a converter gives."""

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path


def detect_format(path: Path, declared: str | None = None) -> str:
    if declared:
        return declared
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def read_rows(path: Path, file_format: str) -> Iterator[tuple[int, dict | None, str | None]]:
    """(row number, raw row or None, read error or None), streamed; rows count from 1 after any header."""
    if file_format == "csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            for number, row in enumerate(reader, start=1):
                if None in row:
                    yield number, None, "more values than columns"
                    continue
                yield number, row, None
        return
    with path.open(encoding="utf-8") as handle:
        number = 0
        for line in handle:
            if not line.strip():
                continue
            number += 1
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, None, f"not valid JSON ({error.msg} at column {error.colno})"
                continue
            if not isinstance(row, dict):
                yield number, None, "a line must hold one JSON object"
                continue
            yield number, row, None


def numbered(rows: Iterable[dict]) -> Iterator[tuple[int, dict, None]]:
    """Rows from a converter, in the shape read_rows gives."""
    for number, row in enumerate(rows, start=1):
        yield number, row, None
