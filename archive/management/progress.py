from contextlib import contextmanager

from tqdm import tqdm

STAGE_LABELS = {"check": "Checking", "write": "Writing"}


@contextmanager
def import_progress(stream, verbosity):
    """A progress callback for import_rows: one bar per stage, each closed when the next begins."""
    bars = {}

    def progress(stage, number):
        if stage not in bars:
            for bar in bars.values():
                bar.close()
            bars[stage] = tqdm(desc=STAGE_LABELS.get(stage, stage), unit=" rows", disable=verbosity == 0, file=stream)
        bars[stage].update(1)

    try:
        yield progress
    finally:
        for bar in bars.values():
            bar.close()
