"""/healthz/ in its three states: ok, degraded (the site answers from the database), down (503)."""

import datetime
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.utils import timezone

from archive.factories import MemorialSitePageFactory
from search import client as search_client
from search import indexing
from search.models import IndexOutbox

pytestmark = pytest.mark.django_db


def health(client):
    response = client.get("/healthz/")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return response.status_code, response.json()


def test_ok_with_the_cluster_and_the_index(search_index, archive_de, client):
    indexing.rebuild()
    status, body = health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["elasticsearch"]["index"] == "present"
    assert body["checks"]["elasticsearch"]["cluster"] in ("green", "yellow")
    assert body["checks"]["outbox"] == {"status": "ok", "backlog": 0, "oldest_pending_seconds": 0.0}


def test_ok_on_the_embedded_default_without_elasticsearch(client):
    status, body = health(client)
    assert (status, body["status"]) == (200, "ok")
    assert body["checks"]["elasticsearch"] == {"status": "not configured"}
    assert "outbox" not in body["checks"]


def test_degraded_when_the_index_is_lost(search_index, es_client, archive_de, client):
    indexing.rebuild()
    for name in es_client.indices.get(index=search_index + "*"):
        es_client.indices.delete(index=name)  # as after `es.sh stop`: an empty cluster behind the URL
    status, body = health(client)
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["elasticsearch"]["index"] == "missing"
    # Readers' searches meanwhile meet the missing index (a 404): an outage, not a refused request
    # of ours, so the health check is ok again as soon as the index is back.
    from search.service import search_entries

    assert search_entries("Stein", None).backend == "database"
    assert health(client)[1]["checks"]["elasticsearch"]["refused_requests"] == 0
    indexing.rebuild()
    assert health(client)[1]["status"] == "ok"


def test_degraded_when_elasticsearch_is_unreachable(search_index, archive_de, client, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    search_client._clients.clear()
    status, body = health(client)
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["elasticsearch"] == {"status": "unavailable"}  # the error's text is for the log


def test_degraded_when_the_outbox_lags(search_index, archive_de, client, settings):
    indexing.rebuild()
    settings.MEMORIA_SEARCH_PUSH_ON_COMMIT = False  # no worker ran
    entry = MemorialSitePageFactory(parent=archive_de)
    IndexOutbox.objects.filter(page_id=entry.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    status, body = health(client)
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["outbox"]["status"] == "lagging"
    assert body["checks"]["outbox"]["backlog"] >= 1
    assert body["checks"]["outbox"]["oldest_pending_seconds"] >= 600


def test_down_with_503_when_the_database_is_gone():
    """A real connection that fails, not a mock (with_the_database_gone)."""
    code = (
        "from django.test import Client; r = Client().get('/healthz/'); print(r.status_code); print(r.content.decode())"
    )
    status, body = with_the_database_gone(code)
    assert status == "503"
    body = json.loads(body)
    assert body["status"] == "down"
    # The driver's message names the host, the port and the user: not in a public answer.
    assert body["checks"]["database"] == {"status": "unavailable"}


@pytest.mark.parametrize("path", ["/de/", "/ru/search/?q=Kaluga", "/api/v1/search/?q=Kaluga"])
def test_pages_answer_a_clean_503_while_the_database_is_gone(path):
    code = (
        "from django.test import Client; "
        f"r = Client(raise_request_exception=False).get({path!r}); "
        "print(r.status_code, r.get('Retry-After')); print(r.content.decode().replace(chr(10), ' '))"
    )
    status, page = with_the_database_gone(code)
    assert status == "503 30"
    assert "Vorübergehend nicht erreichbar" in page and "Временно недоступно" in page


def with_the_database_gone(code):
    """Run `code` in a Django process whose database is a PostgreSQL on a port where nothing listens."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="memoria.settings.test",
        DATABASE_URL="postgres://memoria:memoria@127.0.0.1:9/memoria",
    )
    result = subprocess.run(  # noqa: S603 (our own code)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-2:]
