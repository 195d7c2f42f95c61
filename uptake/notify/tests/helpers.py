"""What the scheduler's tests share: one more reporter, a clock to move, past days settled.

Personas beyond uptake.test's: binh, reporter of Xã Long Khánh A (870-LKA), so that one unit
can report while another does not.
"""

from __future__ import annotations

import copy
import os
import sqlite3
import tempfile
from datetime import date, datetime, time, timedelta

import time_machine
from django.db import connection
from django.test import override_settings

from uptake.campaigns.loader import load_campaign
from uptake.notify.jobs import job_plan
from uptake.notify.models import Job, JobRun, Notification
from uptake.notify.scheduler import Scheduler
from uptake.test import CAMPAIGN, TODAY, VN, BaseTestCase, campaign_data

YESTERDAY = TODAY - timedelta(days=1)


def vn(hour: int, minute: int = 0, day: date = TODAY, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=VN)


class ClockMixin:
    def at(self, hour: int, minute: int = 0, day: date = TODAY, second: int = 0) -> datetime:
        """Move the clock to hour:minute on ``day`` in Hồng Ngự."""
        return self.move_to(vn(hour, minute, day, second))

    def move_to(self, moment: datetime) -> datetime:
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)
        return moment

    def settle(self, campaign, before: date = TODAY, jobs=None) -> None:
        """Record every timed job of the days before ``before`` as done (and ``jobs`` of that
        day): the scheduler has been running all along."""
        plan = job_plan(campaign)
        runs = []
        day = campaign.start
        while day <= before:
            for job, level, at in plan:
                if day < before or (jobs and job in jobs):
                    due = datetime.combine(day, at, tzinfo=VN)
                    runs.append(
                        JobRun(
                            campaign=campaign,
                            job=job,
                            day=day,
                            level=level,
                            due_at=due,
                            next_attempt_at=due,
                            state=JobRun.State.DONE,
                        )
                    )
            day += timedelta(days=1)
        JobRun.objects.bulk_create(runs, ignore_conflicts=True)


def district_data(**changes) -> dict:
    """The test campaign cut down to its district: 870 and its units, rooted at 870, where
    minh (coordinator of 870) makes and approves the compiled report (#3)."""
    district = copy.deepcopy(CAMPAIGN["units"][0]["units"][0])
    assert district["code"] == "870"
    return campaign_data(slug="bluezone-hong-ngu", units=[district], **changes)


# Users are made in every test's set-up: a fast hasher keeps that from dominating the suite.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class NotifyTestCase(ClockMixin, BaseTestCase):
    def setUp(self):
        super().setUp()
        self.binh = self.make_user("binh", "reporter", "870-LKA")

    def use_district_campaign(self) -> None:
        """The district's own campaign in place of the province's (see district_data)."""
        province = self.campaign
        self.campaign, _stats = load_campaign(district_data())
        province.delete()

    def run_scheduler(self, name: str = "test") -> dict:
        return Scheduler(name).run_due()

    def run_of(self, job: str, day: date = TODAY) -> JobRun | None:
        return JobRun.objects.filter(campaign=self.campaign, job=job, day=day).first()

    def kinds_of(self, user) -> list[str]:
        return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


__all__ = ["Job", "NotifyTestCase", "ClockMixin", "SqliteFileMixin", "vn", "YESTERDAY", "TODAY"]


class SqliteFileMixin:
    """For tests whose threads write at the same moment: on SQLite, a file copy of the database.

    The in-memory test database of SQLite (shared cache) fails a second writer at once with
    "database table is locked" instead of waiting: its table locks ignore the busy timeout. A
    file database waits, as uptake's own does in production (WAL, ``timeout`` 20 s). So, for
    these tests only, the connections work on a file copy; on PostgreSQL nothing changes.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._memory = None
        if connection.vendor != "sqlite" or not connection.is_in_memory_db():
            return
        connection.ensure_connection()
        cls._memory = connection.connection
        cls._name = connection.settings_dict["NAME"]
        handle, cls._path = tempfile.mkstemp(prefix="uptake-test-", suffix=".sqlite3")
        os.close(handle)
        copy = sqlite3.connect(cls._path)
        cls._memory.backup(copy)
        copy.close()
        # Keep the in-memory database open (we hold its connection) while the file is used.
        connection.connection = None
        connection.settings_dict["NAME"] = cls._path

    @classmethod
    def tearDownClass(cls):
        if cls._memory is not None:
            connection.close()
            connection.settings_dict["NAME"] = cls._name
            connection.connection = cls._memory
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(cls._path + suffix):
                    os.remove(cls._path + suffix)
        super().tearDownClass()
