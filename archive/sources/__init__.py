"""Converters from public data sets into rows of Memoria's import format.

Each source turns the files in its folder into plain dicts (one per entry) and
reports problems in the data as "file: message" strings. Nothing here imports
Django: the importer validates and stores the rows.

    rows, problems = convert_source("berlin", data_dir)

or, to stream without holding all rows:

    problems = []
    for row in iter_source("berlin", data_dir, problems):
        ...
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from . import berlin, heilbronn


class Source(NamedTuple):
    folder: str  # relative to the data directory
    iter_rows: Callable[..., Iterator[dict]]  # (folder, problems=None, limit=None)


SOURCES: dict[str, Source] = {
    "heilbronn": Source("stolpersteine-heilbronn", heilbronn.iter_rows),
    "berlin": Source("stolpersteine-berlin", berlin.iter_rows),
}


def default_data_dir() -> Path:
    """``$MEMORIA_DATA_DIR``, else ``shared/data`` beside the repository checkout."""
    if configured := os.environ.get("MEMORIA_DATA_DIR"):
        return Path(configured)
    repository_root = Path(__file__).resolve().parents[2]
    return repository_root.parent / "shared" / "data"


def source_folder(name: str, data_dir: str | Path | None = None) -> Path:
    try:
        source = SOURCES[name]
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(SOURCES)}") from None
    return Path(data_dir if data_dir is not None else default_data_dir()) / source.folder


def iter_source(
    name: str,
    data_dir: str | Path | None = None,
    problems: list[str] | None = None,
    limit: int | None = None,
) -> Iterator[dict]:
    """Stream the rows of one source; problems are appended to ``problems``."""
    folder = source_folder(name, data_dir)
    return SOURCES[name].iter_rows(folder, problems, limit)


def convert_source(
    name: str, data_dir: str | Path | None = None, limit: int | None = None
) -> tuple[list[dict], list[str]]:
    """Convert one source completely; return ``(rows, problems)``."""
    problems: list[str] = []
    rows = list(iter_source(name, data_dir, problems, limit))
    return rows, problems
