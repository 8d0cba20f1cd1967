"""gunicorn, as deploy/gunicorn.conf.py runs it, lets through the longest request the API accepts."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from search.api import SearchParams

ROOT = Path(__file__).resolve().parent.parent


def longest_api_query():
    """Every parameter of the search API at its longest, in four-byte characters where text is free."""
    fields = SearchParams.model_fields
    wide = "\N{MUSICAL SYMBOL G CLEF}"
    return urllib.parse.urlencode(
        {
            "q": wide * fields["q"].metadata[0].max_length,
            "tag": wide * 100,
            "city": "a" * 50,
            "theme": "b" * 50,
            "bbox": "-179.99999999999999,-89.99999999999999,179.99999999999999,89.99999999999999",
            "language": "ru",
            "type": "memorial_site",
            "date_from": 1000,
            "date_to": 2100,
            "has_media": "true",
            "sort": "relevance",
            "page": 1,
            "page_size": 100,
        }
    )


@pytest.fixture
def gunicorn(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "memoria.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "ELASTICSEARCH_URL": "",
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen(  # noqa: S603 -- this interpreter's gunicorn, our own config
        [
            sys.executable,
            "-m",
            "gunicorn",
            "memoria.wsgi",
            "--config",
            "deploy/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz/", timeout=5).close()  # noqa: S310 -- loopback
            break
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"gunicorn did not start:\n{server.stderr.read().decode()[-3000:]}")
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=30)


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 -- loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_longest_request_the_api_accepts_passes_the_server(gunicorn):
    query = longest_api_query()
    assert len(query) > 4094  # past gunicorn's default request line
    # /healthz/ answers without tables: what is tested is the server's limit, before Django.
    assert status_of(f"{gunicorn}/healthz/?{query}") == 200
    # Past the configured limit the server still refuses, with its own 414.
    assert status_of(f"{gunicorn}/healthz/?q={'x' * 9000}") == 414
