import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(**environment):
    # A deployment's environment: none of the test run's own switches.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_check(
        DJANGO_SETTINGS_MODULE="memoria.settings.production",
        SECRET_KEY="x7$Lq!pZ2v#Rk9@wB4n^Ts6&yHm1*Jd8(Fc3)Gu5-Ne0=Wa+Vb_Qo~Xi{Yl}Er",
        DATABASE_URL="postgres://memoria@localhost/memoria",
        ALLOWED_HOSTS="memoria.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_settings_refuse_to_start_without_secrets(missing):
    environment = {
        "DJANGO_SETTINGS_MODULE": "memoria.settings.production",
        "SECRET_KEY": "x7$Lq!pZ2v#Rk9@wB4n^Ts6&yHm1*Jd8(Fc3)Gu5-Ne0=Wa+Vb_Qo~Xi{Yl}Er",
        "DATABASE_URL": "postgres://memoria@localhost/memoria",
    }
    environment[missing] = ""
    result = run_check(**environment)
    assert result.returncode != 0
    assert missing in result.stderr


SECRET = "x7$Lq!pZ2v#Rk9@wB4n^Ts6&yHm1*Jd8(Fc3)Gu5-Ne0=Wa+Vb_Qo~Xi{Yl}Er"


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database for a deployment, of the kind the suite runs on (PostgreSQL in CI's second run)."""
    test_url = os.environ.get("DATABASE_URL", "")
    if not test_url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'deployed.sqlite3'}"
        return
    import uuid

    import psycopg

    name = f"memoria_deploy_{uuid.uuid4().hex[:8]}"
    base, _, _ = test_url.rpartition("/")
    with psycopg.connect(test_url.rpartition("/")[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(test_url.rpartition("/")[0] + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*arguments, environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(environment)
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_deploy_command_prepares_a_fresh_database_for_production(fresh_database, tmp_path):
    environment = {
        "DJANGO_SETTINGS_MODULE": "memoria.settings.production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": fresh_database,
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ELASTICSEARCH_URL": "",
    }
    deployed = manage("deploy", environment=environment)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    steps = [line for line in deployed.stdout.splitlines() if line.startswith("[")]
    assert steps == [
        "[1/6] Checking the deployment settings",
        "[2/6] Creating the cache table",
        "[3/6] Migrating the database",
        "[4/6] Compiling the translations",
        "[5/6] Collecting the static files",
        "[6/6] The imprint and the privacy notice",
    ]
    assert "4 made as drafts" in deployed.stdout
    assert (tmp_path / "static" / "staticfiles.json").exists()  # the manifest whitenoise serves by

    # The first requests that touch the cache: the map's data (cached until an entry changes) and
    # the search page (its rate limit counts in the cache), as a reader behind the TLS proxy sends them.
    code = (
        "from django.test import Client; from django.db import connection; "
        "c = Client(headers={'X-Forwarded-Proto': 'https'}); "
        "print(c.get('/map/entries.geojson').status_code, c.get('/de/search/?q=Kaluga').status_code); "
        "cursor = connection.cursor(); cursor.execute('SELECT COUNT(*) FROM memoria_cache'); "
        "print(cursor.fetchone()[0])"
    )
    served = manage("shell", "-c", code, environment=environment)
    assert served.returncode == 0, served.stdout + served.stderr
    statuses, cached = served.stdout.strip().splitlines()[-2:]
    assert statuses == "200 200"
    assert int(cached) >= 1

    again = manage("deploy", environment=environment)  # every release runs it again
    assert again.returncode == 0, again.stdout + again.stderr
    assert "made as drafts" not in again.stdout  # the pages made before are kept, none twice
    code = (
        "from home.models import InformationPage; "
        "print(sorted((p.locale.language_code, p.slug, p.live, p.translation_key == p.get_translations().first()"
        ".translation_key) for p in InformationPage.objects.all()))"
    )
    pages = manage("shell", "-c", code, environment=environment)
    assert pages.returncode == 0, pages.stdout + pages.stderr
    assert pages.stdout.strip().splitlines()[-1] == str(
        [
            ("de", "datenschutz", False, True),
            ("de", "impressum", False, True),
            ("ru", "vykhodnye-dannye", False, True),
            ("ru", "zashchita-dannykh", False, True),
        ]
    )
    # The demo loaded after a deployment (make stack) publishes those drafts: the footer links them.
    demo = manage("load_demo", "--berlin-sample", "0", environment=environment)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    pages = manage("shell", "-c", code, environment=environment)
    shown = ast.literal_eval(pages.stdout.strip().splitlines()[-1])
    assert [live for _language, _slug, live, _linked in shown] == [True] * 4
