"""The replica router: reads of read-only GET views on the replica, all else on the primary."""

from __future__ import annotations

import os
import subprocess
import sys
from unittest import mock

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory, TestCase, override_settings

from uptake.lib.dbrouter import ReplicaRouter, read_only_db, reads_on_replica
from uptake.reports.models import Report
from uptake.test import BaseTestCase, figures
from uptake.units.models import Unit

router = ReplicaRouter()


def with_replica():
    """settings.DATABASES as when DATABASE_REPLICA_URL is set (no connection is opened)."""
    return mock.patch.dict(settings.DATABASES, {"replica": dict(settings.DATABASES["default"])})


@read_only_db
def reading_view(request):
    return HttpResponse(router.db_for_read(Unit))


class ReplicaRouterTestCase(TestCase):
    def test_reads_go_to_the_primary_outside_a_read_only_view(self):
        with with_replica():
            self.assertEqual(router.db_for_read(Unit), "default")

    def test_reads_of_a_read_only_block_go_to_the_replica(self):
        with with_replica(), reads_on_replica():
            self.assertEqual(router.db_for_read(Unit), "replica")
            self.assertEqual(router.db_for_read(Report), "replica")

    def test_writes_always_go_to_the_primary(self):
        with with_replica(), reads_on_replica():
            self.assertEqual(router.db_for_write(Unit), "default")

    def test_reads_inside_a_transaction_stay_on_the_primary(self):
        with with_replica(), reads_on_replica(), transaction.atomic():
            self.assertEqual(router.db_for_read(Report), "default")

    def test_without_a_replica_configured_reads_stay_on_the_primary(self):
        self.assertNotIn("replica", settings.DATABASES)
        with reads_on_replica():
            self.assertEqual(router.db_for_read(Unit), "default")

    def test_only_the_primary_is_migrated(self):
        self.assertTrue(router.allow_migrate("default", "reports"))
        self.assertFalse(router.allow_migrate("replica", "reports"))

    def test_the_mark_ends_with_its_block(self):
        with with_replica():
            with reads_on_replica():
                pass
            self.assertEqual(router.db_for_read(Unit), "default")


class ReadOnlyViewTestCase(TestCase):
    def setUp(self):
        self.factory = RequestFactory()

    def test_a_get_of_a_read_only_view_reads_from_the_replica(self):
        with with_replica():
            self.assertEqual(reading_view(self.factory.get("/")).content, b"replica")
            self.assertEqual(reading_view(self.factory.head("/")).content, b"replica")

    def test_a_post_to_a_read_only_view_reads_from_the_primary(self):
        with with_replica():
            self.assertEqual(reading_view(self.factory.post("/")).content, b"default")

    def test_after_the_view_reads_go_to_the_primary_again(self):
        with with_replica():
            reading_view(self.factory.get("/"))
            self.assertEqual(router.db_for_read(Unit), "default")

    def test_the_mark_ends_when_the_view_raises(self):
        @read_only_db
        def failing(request):
            raise ValueError("boom")

        with with_replica():
            with self.assertRaises(ValueError):
                failing(self.factory.get("/"))
            self.assertEqual(router.db_for_read(Unit), "default")


class Spy(ReplicaRouter):
    """Installed in place of the router: records its choices, reads from the primary anyway
    (the test database has no replica connection)."""

    choices: list[str] = []

    def db_for_read(self, model, **hints):
        self.choices.append(super().db_for_read(model, **hints))
        return "default"


@override_settings(DATABASE_ROUTERS=["uptake.lib.tests.test_dbrouter.Spy"])
class ReadOnlyPagesTestCase(BaseTestCase):
    def choices(self, method: str, url: str, user, **kwargs) -> set[str]:
        Spy.choices = []
        with with_replica():
            response = getattr(self.client, method)(url, **kwargs)
        self.assertLess(response.status_code, 400, url)
        return set(Spy.choices)

    def test_the_status_page_reads_from_the_replica(self):
        self.login(self.minh)
        self.assertIn("replica", self.choices("get", "/c/bluezone-2020/status/", self.minh))

    def test_the_dashboard_reads_from_the_replica(self):
        self.login(self.minh)
        self.assertIn("replica", self.choices("get", "/c/bluezone-2020/dashboard/", self.minh))

    def test_the_api_summary_reads_from_the_replica(self):
        url = "/api/v1/campaigns/bluezone-2020/summary?root=870"
        self.assertIn("replica", self.choices("get", url, self.minh, **self.bearer(self.minh)))

    def test_submitting_a_report_reads_only_from_the_primary(self):
        body = {
            "campaign": "bluezone-2020",
            "unit": "870-TTT",
            "date": "2020-08-17",
            "figures": figures(),
        }
        choices = self.choices(
            "post",
            "/api/v1/reports",
            self.lan,
            data=body,
            content_type="application/json",
            **self.bearer(self.lan),
        )
        # Its hand-written reads (uptake/lib/rawrows.py) name the primary and ask no router.
        self.assertNotIn("replica", choices)
        self.assertEqual(Report.objects.get().unit.code, "870-TTT")

    def test_a_page_that_is_not_marked_reads_from_the_primary(self):
        self.login(self.lan)
        self.assertEqual(self.choices("get", "/c/bluezone-2020/report/", self.lan), {"default"})


class SettingsTestCase(TestCase):
    def settings_with(self, **env) -> str:
        code = (
            "from uptake import settings as s; "
            "print(sorted(s.DATABASES), getattr(s, 'DATABASE_ROUTERS', []), "
            "s.DATABASES.get('replica', {}).get('NAME'), "
            "s.DATABASES.get('replica', {}).get('TEST'))"
        )
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
        result = subprocess.run(
            [sys.executable, "-c", code],
            env={**environment, **env},
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
        )
        return result.stdout.strip()

    def test_database_replica_url_adds_the_replica_and_its_router(self):
        out = self.settings_with(
            DATABASE_REPLICA_URL="postgres://reader@replica.example:5432/uptake"
        )
        self.assertEqual(
            out,
            "['default', 'replica'] ['uptake.lib.dbrouter.ReplicaRouter'] uptake "
            "{'MIRROR': 'default'}",
        )

    def test_without_it_there_is_one_database_and_no_router(self):
        self.assertEqual(self.settings_with(), "['default'] [] None None")
