"""The index against a real Elasticsearch: privacy, outages, rebuilds, ordering, fallback."""

import datetime

import pytest
from django.utils import timezone
from elasticsearch import helpers
from wagtail.models import PageViewRestriction

from archive.factories import InitiativePageFactory, MemorialSitePageFactory, TestimonyPageFactory
from archive.listing import visible_entries
from archive.models import EntryPage
from search import client as search_client
from search import indexing
from search.documents import entry_sources
from search.forms import SearchForm
from search.models import EntryEmbedding, IndexOutbox
from search.service import search_entries

pytestmark = pytest.mark.django_db


def indexed(es_client, alias):
    es_client.indices.refresh(index=alias)
    hits = helpers.scan(es_client, index=alias, query={"query": {"match_all": {}}}, _source=["title"])
    return {int(hit["_id"]): hit["_source"]["title"] for hit in hits}


def expected():
    return {entry.pk: entry.title for entry in visible_entries()}


def found(text, **filters):
    form = SearchForm(filters or None)
    results = search_entries(text, form, language=filters.get("language"))
    return results


def test_privacy_drafts_private_embargoed_and_unconsented_are_never_indexed(search_index, es_client, archive_de):
    public = MemorialSitePageFactory(parent=archive_de, title="Öffentlich Quendel")
    MemorialSitePageFactory(parent=archive_de, title="Entwurf Quendel", live=False)
    private = MemorialSitePageFactory(parent=archive_de, title="Privat Quendel")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="geheim")
    MemorialSitePageFactory(
        parent=archive_de,
        title="Sperrfrist Quendel",
        live=False,
        go_live_at=timezone.now() + datetime.timedelta(days=30),
    )
    TestimonyPageFactory(parent=archive_de, title="Ohne Zustimmung Quendel", consent="not_recorded")
    indexing.rebuild()
    indexing.drain()
    assert indexed(es_client, search_index) == {public.pk: "Öffentlich Quendel"}
    results = found("Quendel")
    assert results.backend == "elasticsearch"
    assert [hit.entry.pk for hit in results.hits] == [public.pk]


def test_actions_index_the_public_entries_with_the_builders_documents_and_delete_the_rest(archive_de):
    public = MemorialSitePageFactory(parent=archive_de, title="Öffentlich")
    draft = MemorialSitePageFactory(parent=archive_de, live=False)
    private = InitiativePageFactory(parent=archive_de)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    embargoed = MemorialSitePageFactory(
        parent=archive_de, live=False, go_live_at=timezone.now() + datetime.timedelta(days=30)
    )
    unconsented = TestimonyPageFactory(parent=archive_de, consent="not_recorded")
    pages = [public, draft, private, embargoed, unconsented]

    actions = list(indexing.actions_for({page.pk: 7 for page in pages}, "entries"))

    assert {action["_id"]: action["_op_type"] for action in actions} == {
        public.pk: "index",
        **{page.pk: "delete" for page in pages[1:]},
    }
    assert all(action["version"] == 7 and action["version_type"] == "external_gte" for action in actions)
    (index,) = (action for action in actions if action["_op_type"] == "index")
    assert index["_source"] == entry_sources(EntryPage.objects.filter(pk=public.pk))[public.pk]
    assert index["_source"]["title"] == "Öffentlich"


def test_unpublishing_restricting_deleting_and_withdrawn_consent_remove_the_entry(search_index, es_client, archive_de):
    entries = [MemorialSitePageFactory(parent=archive_de) for _ in range(3)]
    testimony = TestimonyPageFactory(parent=archive_de)
    indexing.rebuild()
    assert set(indexed(es_client, search_index)) == {entry.pk for entry in [*entries, testimony]}
    entries[0].unpublish()
    PageViewRestriction.objects.create(page=entries[1], restriction_type="login")
    entries[2].delete()
    testimony.consent = "not_recorded"
    testimony.save_revision()  # withdrawing consent unpublishes at once
    indexing.drain()
    assert indexed(es_client, search_index) == {}


def test_an_outage_loses_nothing(search_index, es_client, archive_de, settings):
    kept, edited, unpublished, deleted = (MemorialSitePageFactory(parent=archive_de) for _ in range(4))
    indexing.rebuild()
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    search_client._clients.clear()
    new = InitiativePageFactory(parent=archive_de, title="Neu während des Ausfalls")
    edited.title = "Geändert während des Ausfalls"
    edited.save_revision().publish()
    unpublished.unpublish()
    deleted.delete()
    totals = indexing.drain()
    assert totals["pushed"] == 0
    waiting = IndexOutbox.objects.filter(processed_at=None)
    assert waiting.count() >= 4
    assert all(row.attempts == 1 and row.next_attempt_at and row.last_error for row in waiting)
    assert found("Ausfalls").notes  # the search page answered from the database, and said so

    settings.ELASTICSEARCH_URL = es_client.transport.node_pool.get().base_url
    search_client._clients.clear()
    indexing.drain(retry_now=True)
    assert not IndexOutbox.objects.filter(processed_at=None).exists()
    assert indexed(es_client, search_index) == expected()
    assert new.pk in expected() and kept.pk in expected()


def test_a_rebuild_while_entries_are_published_loses_no_write(search_index, es_client, archive_de, monkeypatch):
    entries = [MemorialSitePageFactory(parent=archive_de) for _ in range(6)]
    indexing.rebuild()  # the index that answers during the next build
    monkeypatch.setattr(indexing, "REBUILD_CHUNK", 2)
    changes = iter(
        [
            lambda: InitiativePageFactory(parent=archive_de, title="Während des Umbaus veröffentlicht"),
            lambda: (setattr(entries[0], "title", "Während des Umbaus geändert"), entries[0].save_revision().publish()),
            lambda: entries[5].unpublish(),
        ]
    )
    answers = []

    def meanwhile(count):
        change = next(changes, None)
        if change:
            change()
            indexing.drain()  # the worker keeps writing to the live index
        answers.append(search_entries("", None).count)  # and searches keep answering

    indexing.rebuild(progress=meanwhile)
    assert all(count >= 5 for count in answers)
    assert indexed(es_client, search_index) == expected()
    assert "Während des Umbaus veröffentlicht" in expected().values()
    assert len(es_client.indices.get(index=search_index + "*")) == 1  # the old index is gone


def test_a_change_whose_replay_into_the_new_index_fails_stays_pending(search_index, es_client, archive_de, monkeypatch):
    """The replay after the swap used to drop the ids whose push failed: the change was lost in the new index."""
    entry = MemorialSitePageFactory(parent=archive_de, title="Vor dem Umbau")
    indexing.rebuild()
    real_push = indexing.push

    def meanwhile(count):
        entry.title = "Während des Umbaus geändert"
        entry.save_revision().publish()
        indexing.drain()  # into the old index, and marked done

    def replay_fails_for_the_entry(versions, index=None, client=None, refresh=False):
        if index is None:  # the drain, through the alias: it works
            return real_push(versions, index, client, refresh)
        # The replay into the new index by its name: the entry's write fails.
        failed = real_push({page: version for page, version in versions.items() if page != entry.pk}, index, client)
        return failed | ({entry.pk} & set(versions))

    monkeypatch.setattr(indexing, "push", replay_fails_for_the_entry)
    indexing.rebuild(progress=meanwhile)
    monkeypatch.setattr(indexing, "push", real_push)
    assert indexed(es_client, search_index)[entry.pk] == "Vor dem Umbau"  # the new index missed it
    assert not IndexOutbox.objects.filter(processed_at=None).exclude(page_id=entry.pk).exists()
    assert IndexOutbox.objects.filter(page_id=entry.pk, processed_at=None).exists()  # but it is pending
    indexing.drain(retry_now=True)
    assert indexed(es_client, search_index)[entry.pk] == "Während des Umbaus geändert"


def test_an_older_update_never_overwrites_a_newer_one(search_index, es_client, archive_de):
    entry = MemorialSitePageFactory(parent=archive_de, title="Erste Fassung")
    indexing.rebuild()
    entry.title = "Zweite Fassung"
    entry.save_revision().publish()
    first = IndexOutbox.objects.filter(page_id=entry.pk, processed_at=None).latest("id")
    stale = list(indexing.actions_for({entry.pk: first.id}, search_index))  # a slow worker's batch
    entry.title = "Dritte Fassung"
    entry.save_revision().publish()
    indexing.drain()
    assert indexed(es_client, search_index)[entry.pk] == "Dritte Fassung"
    _, errors = helpers.bulk(es_client, stale, raise_on_error=False)
    assert [error["index"]["status"] for error in errors] == [409]
    assert indexed(es_client, search_index)[entry.pk] == "Dritte Fassung"


def test_publishing_pushes_after_commit(search_index, es_client, archive_de, django_capture_on_commit_callbacks):
    indexing.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        entry = InitiativePageFactory(parent=archive_de, title="Sofort auffindbar")
    assert indexed(es_client, search_index) == {entry.pk: "Sofort auffindbar"}
    assert not IndexOutbox.objects.filter(processed_at=None).exists()


def test_a_publish_is_searchable_at_once_an_import_at_the_next_refresh(
    search_index, es_client, archive_de, django_capture_on_commit_callbacks, monkeypatch
):
    indexing.rebuild()
    # No periodic refresh: only the push itself can make a document searchable.
    es_client.indices.put_settings(index=search_index, settings={"index": {"refresh_interval": "-1"}})

    def searchable(word):
        hits = es_client.search(index=search_index, query={"match": {"title.folded": word}})["hits"]["hits"]
        return {int(hit["_id"]) for hit in hits}

    with django_capture_on_commit_callbacks(execute=True):
        published = InitiativePageFactory(parent=archive_de, title="Sofort gefunden")
    assert searchable("gefunden") == {published.pk}

    monkeypatch.setattr(indexing, "REFRESH_AT_ONCE", 2)
    imported = [MemorialSitePageFactory(parent=archive_de, title=f"Eingelesen {n}") for n in range(3)]
    indexing.drain()
    assert not IndexOutbox.objects.filter(processed_at=None).exists()
    assert searchable("eingelesen") == set()  # pushed, not yet refreshed
    es_client.indices.refresh(index=search_index)
    assert searchable("eingelesen") == {entry.pk for entry in imported}


def test_facets_filters_and_highlighting(search_index, es_client, archive_de, archive_ru, vocabulary):
    MemorialSitePageFactory(
        parent=archive_de,
        title="Stein Heilbronn",
        text="Familie Kahn in Heilbronn.",
        city=vocabulary["heilbronn"],
        date=datetime.date(1941, 5, 1),
    )
    InitiativePageFactory(
        parent=archive_ru,
        title="Память Калуга",
        text="Память о войне.",
        city=vocabulary["kaluga"],
        date=datetime.date(2021, 6, 1),
    )
    indexing.rebuild()
    everything = found("")
    assert everything.count == 2
    assert {facet["value"]: facet["count"] for facet in everything.facets["language"]} == {"de": 1, "ru": 1}
    assert {facet["value"] for facet in everything.facets["city"]} == {"heilbronn", "kaluga"}
    assert [hit.entry.title for hit in found("", city="kaluga").hits] == ["Память Калуга"]
    assert [hit.entry.title for hit in found("", type="memorial_site").hits] == ["Stein Heilbronn"]
    assert [hit.entry.title for hit in found("", date_from="2000", date_to="2030").hits] == ["Память Калуга"]
    assert [hit.entry.title for hit in found("", language="de").hits] == ["Stein Heilbronn"]
    assert "<mark>Kahn</mark>" in str(found("Kahn").hits[0].snippet)
    assert "<mark>Память</mark>" in str(found("память").hits[0].snippet)


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "title:(a OR b) AND NOT c~2^3", "x" * 10_000, "<script>alert(1)</script>", "\\\\/*?[]{}"],
    ids=["quote", "lucene", "long", "html", "specials"],
)
def test_hostile_queries_against_elasticsearch(search_index, archive_de, client, query):
    MemorialSitePageFactory(parent=archive_de, title="Irgendein Eintrag")
    indexing.rebuild()
    response = client.get("/de/search/", {"q": query})
    assert response.status_code == 200
    assert response.context["results"].backend == "elasticsearch"
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_search_page_falls_back_to_the_database_with_a_visible_note(search_index, archive_de, client, settings):
    MemorialSitePageFactory(parent=archive_de, title="Stolperstein Ausweich")
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    search_client._clients.clear()
    response = client.get("/de/search/", {"q": "Ausweich"})
    assert response.status_code == 200
    assert response.context["results"].backend == "database"
    assert [hit.entry.title for hit in response.context["results"].hits] == ["Stolperstein Ausweich"]
    assert 'class="notice"' in response.content.decode()


def test_rebuild_leaves_the_new_index_as_a_live_one(search_index, es_client, archive_de):
    MemorialSitePageFactory(parent=archive_de)
    report = indexing.rebuild()
    settings_of_index = es_client.indices.get_settings(index=report.index)[report.index]["settings"]["index"]
    # The bulk-load settings are undone: the default refresh interval and a translog synced per request.
    assert "refresh_interval" not in settings_of_index
    assert "durability" not in settings_of_index.get("translog", {})
    assert report.documents == 1


def test_a_failed_rebuild_leaves_no_index_behind(search_index, es_client, archive_de, monkeypatch):
    MemorialSitePageFactory(parent=archive_de)
    indexing.rebuild()
    live = set(es_client.indices.get(index=search_index + "*"))

    def fail(client, actions):
        raise helpers.BulkIndexError("1 document(s) failed to index.", [{"index": {"status": 400}}])

    monkeypatch.setattr(indexing, "_send", fail)
    with pytest.raises(helpers.BulkIndexError):
        indexing.rebuild()
    assert set(es_client.indices.get(index=search_index + "*")) == live  # the live index still answers


def test_status_reports_counts_and_backlog(search_index, archive_de):
    MemorialSitePageFactory(parent=archive_de)
    indexing.rebuild()
    MemorialSitePageFactory(parent=archive_de)
    info = indexing.status()
    assert (info["documents"], info["public_entries"], info["backlog"]) == (1, 2, 1)
    assert info["index"].startswith(search_index)
    assert EntryPage.objects.count() == 2


def test_commands_build_the_index_on_first_sync_and_report_status(search_index, archive_de):
    from io import StringIO

    from django.core.management import call_command

    MemorialSitePageFactory(parent=archive_de, title="Erster Abgleich")
    output = StringIO()
    call_command("search_index", "sync", stdout=output, verbosity=0)
    assert "No index yet" in output.getvalue()
    assert [hit.entry.title for hit in found("Abgleich").hits] == ["Erster Abgleich"]
    output = StringIO()
    call_command("search_index", "status", stdout=output)
    assert "documents:      1 of 1 public entries" in output.getvalue()
    assert "outbox backlog: 0" in output.getvalue()


def test_api_answers_from_elasticsearch_with_facets(search_index, archive_de, client):
    MemorialSitePageFactory(parent=archive_de, title="Stein für Familie Kahn")
    indexing.rebuild()
    data = client.get("/api/v1/search/", {"q": "Kahn"}).json()
    assert data["backend"] == "elasticsearch"
    assert [result["title"] for result in data["results"]] == ["Stein für Familie Kahn"]
    assert data["facets"]["type"] == [{"value": "memorial_site", "count": 1}]


def test_api_falls_back_to_the_database_with_a_note(search_index, archive_de, client, settings):
    MemorialSitePageFactory(parent=archive_de, title="Stolperstein Ausweich")
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    search_client._clients.clear()
    response = client.get("/api/v1/search/", {"q": "Ausweich"})
    assert response.status_code == 200
    data = response.json()
    assert data["backend"] == "database"
    assert [result["title"] for result in data["results"]] == ["Stolperstein Ausweich"]
    assert data["notes"]


def test_no_index_yet_means_the_changes_wait(search_index, es_client, archive_de):
    entry = MemorialSitePageFactory(parent=archive_de)
    totals = indexing.drain()
    assert totals["pushed"] == 0
    assert not es_client.indices.exists(index=search_index)  # nothing guessed its own index into being
    assert IndexOutbox.objects.filter(page_id=entry.pk, processed_at=None).exists()
    indexing.rebuild()
    assert set(indexed(es_client, search_index)) == {entry.pk}


def test_the_worker_survives_a_database_error(search_index, es_client, archive_de, monkeypatch, caplog):
    """SQLite's "database is locked" at the claim of a drain: the worker backs off and drains again."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import OperationalError
    from django.db.models import QuerySet

    from search.management.commands import search_index as command

    caplog.set_level("INFO", logger="memoria.worker")

    indexing.rebuild()
    entry = MemorialSitePageFactory(parent=archive_de, title="Nach der Sperre")
    update, injected = QuerySet.update, []

    def update_once_locked(queryset, **fields):
        if queryset.model is IndexOutbox and not injected:
            injected.append(fields)
            raise OperationalError("database is locked")
        return update(queryset, **fields)

    monkeypatch.setattr(QuerySet, "update", update_once_locked)
    pauses = []

    def sleep(seconds):
        pauses.append(seconds)
        if not IndexOutbox.objects.filter(processed_at=None).exists() or len(pauses) > 5:
            raise KeyboardInterrupt  # how the worker is stopped

    monkeypatch.setattr(command.time, "sleep", sleep)
    out, err = StringIO(), StringIO()
    call_command("search_index", "work", "--interval", "0.5", stdout=out, stderr=err)

    assert [set(fields) for fields in injected] == [{"claimed_by", "claimed_until"}]  # the claim failed
    assert "Database error, retrying in 1.0 s: database is locked" in caplog.messages
    # One line per batch: what the round did.
    assert any(
        message.startswith("pushed 1 change(s) of 1 page(s) in 1 batch(es), 0 failed") for message in caplog.messages
    )
    # A longer pause after the error, then the interval again (and once more while the entry's
    # vector, computed after the push, goes in with a second one).
    assert pauses[:2] == [1.0, 0.5]
    assert EntryEmbedding.objects.filter(page_id=entry.pk).exists()
    assert "Stopped." in out.getvalue()
    assert not IndexOutbox.objects.filter(processed_at=None).exists()
    assert indexed(es_client, search_index)[entry.pk] == "Nach der Sperre"
