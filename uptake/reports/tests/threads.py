"""Tests whose threads hit the database at the same instant, as two processes would.

``ThreadedTestCase`` commits for real (TransactionTestCase), with the personas and the frozen
clock of uptake.test, and on SQLite works on a file copy of the test database (see
SqliteFileMixin: the in-memory one fails a second writer at once instead of waiting).
``together(*work)`` runs each callable in its own thread, all released by one barrier.
"""

from __future__ import annotations

import threading

import time_machine
from django.db import connection
from django.test import TransactionTestCase, override_settings

from uptake.campaigns.loader import load_campaign
from uptake.notify.tests.helpers import SqliteFileMixin
from uptake.test import NOW, BaseTestCase, campaign_data


@override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], API_RATE_LIMIT=0
)
class ThreadedTestCase(SqliteFileMixin, TransactionTestCase):
    make_user = BaseTestCase.make_user
    unit = BaseTestCase.unit
    token = BaseTestCase.token
    bearer = BaseTestCase.bearer

    def setUp(self):
        super().setUp()
        clock = time_machine.travel(NOW, tick=False)
        clock.start()
        self.addCleanup(clock.stop)
        self.campaign, _stats = load_campaign(campaign_data())
        self.lan = self.make_user("lan", "reporter", "870-TTT")
        self.minh = self.make_user("minh", "coordinator", "870")

    def together(self, *work, timeout: float = 60) -> list:
        """Run each callable in its own thread and connection, all starting at one instant;
        their results in order. An exception in a thread fails the test."""
        start = threading.Barrier(len(work))
        results: list = [None] * len(work)
        errors: list = []

        def run(i: int, fn):
            try:
                start.wait()
                results[i] = fn()
            except Exception as exc:  # reported in the test's thread
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(work)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
        self.assertFalse([t for t in threads if t.is_alive()], "a thread is stuck")
        if errors:
            raise errors[0]
        return results
