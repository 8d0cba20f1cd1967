"""The shared real data sets (``$MEMORIA_DATA_DIR``, else ``shared/data`` beside the checkout)."""

import os
from pathlib import Path

import pytest

from archive.sources import default_data_dir, source_folder


def real_data_dir(*sources: str) -> Path:
    """The data directory, holding the folder of each of `sources` (names in archive.sources.SOURCES).

    Without them the test is skipped, and fails under CI: a skipped test there would look like a pass.
    """
    folder = default_data_dir()
    missing = [str(source_folder(name, folder)) for name in sources if not source_folder(name, folder).is_dir()]
    if not folder.is_dir() or missing:
        message = f"real data not found at {', '.join(missing) or folder}; set MEMORIA_DATA_DIR"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must not skip the tests of the real data)", pytrace=False)
        pytest.skip(message)
    return folder
