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
