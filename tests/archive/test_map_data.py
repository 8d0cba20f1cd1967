"""The map's data: built once for all web processes, sent gzipped, revalidated by its ETag."""

import gzip
import json
import threading

import pytest
from django.core.cache import cache

from archive import map_data
from archive.factories import MemorialSitePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(archive_de):
    map_data._held.clear()
    return MemorialSitePageFactory(parent=archive_de, title="Allee 39", latitude=49.1, longitude=9.2)


def _titles(body):
    return [feature["properties"]["title"] for feature in json.loads(body)["features"]]


def test_sent_gzipped_with_an_etag_and_304_when_unchanged(client, site):
    response = client.get("/map/entries.geojson", {"language": "de"}, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert _titles(gzip.decompress(response.content)) == ["Allee 39"]
    etag = response["ETag"]
    again = client.get("/map/entries.geojson", {"language": "de"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""

    site.unpublish()
    changed = client.get("/map/entries.geojson", {"language": "de"}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert _titles(changed.content) == []


def test_a_process_keeps_its_copy_and_reads_only_the_version(site, monkeypatch):
    etag, packed = map_data.gzipped("de")
    # The shared body gone (culled) while the version stands: this process does not rebuild.
    cache.delete(f"memoria:map:{map_data._version()}:de")
    monkeypatch.setattr(map_data, "_build", lambda language: pytest.fail("built again"))
    assert map_data.gzipped("de") == (etag, packed)


def test_a_process_waits_for_the_one_that_builds(site, monkeypatch):
    version = map_data._version()
    key = f"memoria:map:{version}:de"
    assert cache.add(f"{key}:building", 1, 60)  # another process is building it
    monkeypatch.setattr(map_data, "_build", lambda language: pytest.fail("built beside the other process"))
    monkeypatch.setattr(map_data, "WAIT_STEP_SECONDS", 0.01)
    threading.Timer(0.2, lambda: cache.set(key, ('"theirs"', gzip.compress(b"{}")))).start()
    assert map_data.gzipped("de") == ('"theirs"', gzip.compress(b"{}"))


def test_a_cleared_cache_does_not_bring_back_an_old_body(site):
    for _ in range(2):  # each clear drops the version; the next one drawn must be new
        cache.clear()
        assert _titles(gzip.decompress(map_data.gzipped("de")[1])) == [site.title]
        site.title = f"{site.title}+"
        type(site).objects.filter(pk=site.pk).update(title=site.title)  # an update sends no signal


def test_a_site_not_yet_in_the_readers_language_is_on_its_map_in_its_own_with_a_note(client, archive_de, archive_ru):
    map_data._held.clear()
    german_only = MemorialSitePageFactory(parent=archive_de, title="Allee 39", latitude=49.1, longitude=9.2)
    both = MemorialSitePageFactory(parent=archive_de, title="Achtungstraße 21", latitude=49.2, longitude=9.3)
    MemorialSitePageFactory(
        parent=archive_ru, title="Ахтунгштрассе 21", latitude=49.2, longitude=9.3, translation_key=both.translation_key
    )
    MemorialSitePageFactory(parent=archive_de, title="Entwurf", latitude=49.3, longitude=9.4, live=False)
    russian = json.loads(client.get("/map/entries.geojson", {"language": "ru"}).content)["features"]
    by_title = {feature["properties"]["title"]: feature["properties"] for feature in russian}
    # Each place once: the Russian version where there is one, else the German one, marked.
    assert set(by_title) == {"Ахтунгштрассе 21", "Allee 39"}
    assert by_title["Allee 39"]["language"] == "de"
    assert by_title["Allee 39"]["url"] == german_only.url
    assert by_title["Allee 39"]["note"] == "Перевода пока нет; язык записи: немецкий."
    assert "note" not in by_title["Ахтунгштрассе 21"]
    german = json.loads(client.get("/map/entries.geojson", {"language": "de"}).content)["features"]
    assert sorted(feature["properties"]["title"] for feature in german) == ["Achtungstraße 21", "Allee 39"]
