"""When the database cannot be reached, pages and the API answer 503 with a clear message.

The outage is real: the connection is pointed at a closed port (PostgreSQL) or at a file that
cannot be opened (SQLite), so that the driver itself fails to connect.
"""

from __future__ import annotations

import json
import socket
from contextlib import contextmanager
from unittest import mock

from django.db import OperationalError, connection
from django.test import Client, TestCase, TransactionTestCase, override_settings

from uptake.reports.models import Report
from uptake.test import BaseTestCase, figures


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is


@contextmanager
def database_down():
    """Every new connection of this thread fails until the block ends."""
    saved = dict(connection.settings_dict)
    kept = None
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        kept = connection.connection  # the in-memory test database lives while this is open
        connection.connection = None
        connection.settings_dict["NAME"] = "/nonexistent/uptake/db.sqlite3"
    else:
        connection.close()
        connection.settings_dict["NAME"] = saved["NAME"]
        connection.settings_dict.update(
            {"HOST": "127.0.0.1", "PORT": closed_port()}
            if connection.vendor == "postgresql"
            else {"NAME": "/nonexistent/uptake/db.sqlite3"}
        )
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        if kept is not None:
            connection.connection = kept


REPORT = {"campaign": "bluezone-2020", "unit": "870-TTT", "date": "2020-08-17"}


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DatabaseUnavailableTestCase(TransactionTestCase):
    """Commits for real (the outage closes the connection, which a test transaction forbids)."""

    make_user = BaseTestCase.make_user
    token = BaseTestCase.token

    def setUp(self):
        super().setUp()
        from uptake.campaigns.loader import load_campaign
        from uptake.test import campaign_data

        load_campaign(campaign_data())
        self.lan = self.make_user("lan", "reporter", "870-TTT")
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {self.token(self.lan)}"}
        self.client = Client(raise_request_exception=False)
        self.client.force_login(self.lan)
        self.client.cookies.load({"django_language": "en"})

    def test_it_refuses_to_connect_while_down(self):
        with database_down(), self.assertRaises(OperationalError):
            connection.ensure_connection()

    def test_the_api_answers_503_with_the_error_format_and_retry_after(self):
        body = json.dumps({**REPORT, "figures": figures()})
        with database_down():
            post = self.client.post(
                "/api/v1/reports", body, content_type="application/json", **self.auth
            )
            get = self.client.get("/api/v1/campaigns", **self.auth)
        for response in (post, get):
            self.assertEqual(response.status_code, 503)
            self.assertEqual(response["Retry-After"], "30")
            error = response.json()["errors"][0]
            self.assertEqual(error["field"], "database")
            self.assertIn("cannot be reached", error["message"])
            self.assertIn("Nothing was saved", error["message"])
        self.assertEqual(Report.objects.count(), 0)

    def test_the_api_answers_503_with_debug_on_too(self):
        with override_settings(DEBUG=True), database_down():
            response = self.client.get("/api/v1/campaigns", **self.auth)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["errors"][0]["field"], "database")

    def test_pages_answer_503_with_a_small_page(self):
        with database_down():
            for url in ("/", "/c/bluezone-2020/units/870-TTT/", "/c/bluezone-2020/visits/"):
                with self.subTest(url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 503)
                    self.assertEqual(response["Retry-After"], "30")
                    self.assertContains(response, "Try again in a minute", status_code=503)
                    self.assertContains(response, "cannot be reached", status_code=503)

    def test_the_page_is_in_vietnamese_by_default(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.lan)
        with database_down():
            response = client.get("/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Content-Language"], "vi")

    def test_everything_works_again_once_the_database_is_back(self):
        with database_down():
            self.assertEqual(self.client.get("/api/v1/campaigns", **self.auth).status_code, 503)
        body = json.dumps({**REPORT, "figures": figures()})
        response = self.client.post(
            "/api/v1/reports", body, content_type="application/json", **self.auth
        )
        self.assertEqual(response.status_code, 201)


class DatabaseErrorInAViewTestCase(BaseTestCase):
    """The connection is open but a query fails (the server went away mid-request)."""

    def test_a_view_whose_query_fails_answers_503(self):
        client = Client(raise_request_exception=False)
        gone = OperationalError("server closed the connection unexpectedly")
        with mock.patch("uptake.reports.api.build_summary", side_effect=gone):
            api = client.get(
                "/api/v1/campaigns/bluezone-2020/summary?date=2020-08-17&root=870-TTT",
                **self.bearer(self.lan),
            )
        self.assertEqual(api.status_code, 503)
        self.assertEqual(api.json()["errors"][0]["field"], "database")
        client.force_login(self.lan)
        with mock.patch("uptake.reports.views.render", side_effect=gone):
            page = client.get("/c/bluezone-2020/units/870-TTT/")
        self.assertEqual(page.status_code, 503)
        self.assertEqual(page["Retry-After"], "30")


class OtherErrorsStay500TestCase(TestCase):
    def test_an_ordinary_bug_is_not_dressed_up_as_an_outage(self):
        from uptake.lib.guards import DatabaseUnavailableMiddleware

        middleware = DatabaseUnavailableMiddleware(lambda request: None)
        self.assertIsNone(middleware.process_exception(mock.Mock(path="/"), ValueError("bug")))
