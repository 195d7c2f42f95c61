"""On PostgreSQL, the suite drops its test database (``test_<name>_<pid>``) at the end even when a
connection to it is still open, as a live server's request thread leaves one: Django's own
teardown then fails ("being accessed by other users") and left a database behind on every run.
Runs only on PostgreSQL (DATABASE_URL=postgres://...): a pytest inside the test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DATABASE = settings.DATABASES["default"]

# A test that opens a second connection to the test database and leaves it open.
LINGERING = """
import psycopg
from django.db import connection

stray = []


def test_it_leaves_a_connection_open(db):
    params = connection.get_connection_params()
    stray.append(psycopg.connect(**{k: params[k] for k in ("dbname", "host", "port", "user")}))
    print("TEST-DATABASE", params["dbname"])
"""


@pytest.mark.skipif(DATABASE["ENGINE"] != "django.db.backends.postgresql", reason="PostgreSQL only")
def test_the_suite_drops_its_database_though_a_connection_lingers(tmp_path):
    (tmp_path / "test_lingering.py").write_text(LINGERING)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "conftest",
            "-s",
            "-q",
            str(tmp_path),
            "--rootdir",
            str(ROOT),
            "-c",
            str(ROOT / "pyproject.toml"),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    name = output.split("TEST-DATABASE ", 1)[1].split()[0]
    assert name.startswith(DATABASE["TEST"]["NAME"].rsplit("_", 1)[0] + "_"), name
    # pytest-django's teardown did fail, as with a live server...
    assert "is being accessed by other users" in output
    # ...and the database is gone all the same.
    with psycopg.connect(
        dbname="postgres",
        host=DATABASE["HOST"] or None,
        port=DATABASE["PORT"] or None,
        user=DATABASE["USER"] or None,
        autocommit=True,
    ) as maintenance:
        left = maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        assert left.fetchall() == []
