"""Project-wide pytest set-up."""

import pytest


def pytest_configure(config):
    from django.conf import settings

    # Tests log people in hundreds of times; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """Drop this run's PostgreSQL test database (``test_<name>_<pid>``, uptake/settings.py), after
    pytest-django's own teardown: that one fails with "database ... is being accessed by other
    users" when a connection of a live server's request thread is still open, and left one
    database behind on every run. WITH (FORCE) ends such connections first (PostgreSQL 13+)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    if session.config.getoption("reuse_db", default=False):
        return  # --reuse-db: kept on purpose
    import psycopg

    try:
        drop_postgres_database(database, database["TEST"]["NAME"])
    except psycopg.Error as exc:  # the server is gone: say so, the results stand
        session.config.get_terminal_writer().line(
            f"\ncould not drop the test database {database['TEST']['NAME']}: {exc}", yellow=True
        )


def drop_postgres_database(database: dict, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres",
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        autocommit=True,
    ) as maintenance:
        maintenance.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def browser():
    """Debian's Chromium, headless, driven by Playwright (the browser tests')."""
    from playwright.sync_api import sync_playwright

    from uptake.browser import ARGS, CHROMIUM

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()
