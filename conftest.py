"""Project-wide pytest set-up."""

import pytest


def pytest_configure(config):
    from django.conf import settings

    # Tests log people in hundreds of times; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    from django.test.testcases import LiveServerThread

    LiveServerThread.server_class = _live_server_class()


def _live_server_class():
    """The live server of the browser tests, one request at a time on in-memory SQLite.

    On the in-memory SQLite test database every request thread of the live server is handed the
    test's one connection (``connections_override``); two phones sending at once then ran two
    transactions on it, interleaving their savepoints ("no such savepoint", "cannot open savepoint
    - SQL statements in progress") into a 500 or 503 the product does not give: on a database file,
    or PostgreSQL, each thread has its own connection. There, and with a file, nothing changes."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer

    class SharedConnectionServer(ThreadedWSGIServer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.one_at_a_time = threading.Lock()

        def get_app(self):
            app = super().get_app()
            if not self.connections_override:
                return app
            return _Serialized(app, self.one_at_a_time)

    return SharedConnectionServer


class _Serialized:
    """A WSGI application that holds ``lock`` from the call until the server closes the answer
    (WSGI's ``close()``, called after the last byte or on a client gone), so an answer streamed
    from the database is read under the lock too."""

    def __init__(self, app, lock):
        self.app, self.lock = app, lock

    def __call__(self, environ, start_response):
        self.lock.acquire()
        try:
            return _Releasing(self.app(environ, start_response), self.lock)
        except BaseException:
            self.lock.release()
            raise


class _Releasing:
    def __init__(self, result, lock):
        self.result, self.lock, self.released = result, lock, False

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            if not self.released:
                self.released = True
                self.lock.release()


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


@pytest.fixture
def today_at_ten():
    """Today at 10:00 in Vietnam, the clock running from there (the browser tests' day: before
    the 15:00 deadline, whatever the hour the suite runs)."""
    from datetime import datetime

    import time_machine

    from uptake.test import VN

    today = datetime.now(VN).date()
    with time_machine.travel(
        datetime(today.year, today.month, today.day, 10, 0, tzinfo=VN), tick=True
    ):
        yield today
