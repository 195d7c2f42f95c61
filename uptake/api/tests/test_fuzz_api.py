"""The API fuzzed from its own OpenAPI schema (schemathesis): no answer is a 500, nothing partial.

Every operation of /api/v1/openapi.json gets requests that fit its schema and requests that
break it (wrong types, missing fields, odd headers, an ``Idempotency-Key`` of any kind), sent
with the token of an admin, a coordinator, a reporter or a team member. Half of them are
steered towards the test data (the real campaign, unit, hamlet, day), so that they get past
"unknown campaign" into the code that stores things. After each request the stored data must
still be whole: every report has its revisions 1..n and its audit entries, no revision or
idempotency key is left without what it belongs to.

A bounded run (``FUZZ_EXAMPLES`` per operation and mode, derandomised so that every run of
``make test`` sends the same requests); raise ``FUZZ_EXAMPLES`` to look harder.
"""

from __future__ import annotations

import json
import os
import traceback
from urllib.parse import urlencode, urlsplit

import schemathesis
from django.db.models import Count, F, Max, Q
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from uptake.api.api import api
from uptake.api.models import IdempotencyKey
from uptake.documents.actions import make_draft
from uptake.fieldwork.models import Visit
from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.notify.messages import short_list
from uptake.notify.models import Kind, Notification
from uptake.reports.models import AuditEntry, Report, Revision
from uptake.test import TODAY

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
REAL = {
    "slug": "bluezone-2020",
    "campaign": "bluezone-2020",
    "code": "870-TTT",
    "unit": "870-TTT",
    "root": "870",
    "hamlet": "870-TTT-K1",
    "date": TODAY.isoformat(),
    "from": "2020-08-14",
    "to": TODAY.isoformat(),
}
FORMATS = ("docx", "pdf", "xlsx", "csv", "txt")


def steer(values, real: dict) -> None:
    """Put the test data's real campaign, unit, day... in place of the generated ones."""
    if isinstance(values, dict):
        for name in list(values):
            if name in real:
                values[name] = real[name]


@override_settings(API_RATE_LIMIT=0)
class FuzzApiTestCase(FieldworkTestCase):
    def setUp(self):
        super().setUp()
        self.submit("870-TTT", TODAY.replace(day=16))
        self.submit("870-LKA", TODAY.replace(day=16))
        self.submit("870-TTT")
        self.record()
        self.notification = Notification.objects.create(
            user=self.root,
            kind=Kind.MORNING_REMINDER,
            campaign=self.campaign,
            day=TODAY,
            url="/",
            params={
                "campaign": self.campaign.title,
                "slug": self.campaign.slug,
                "date": TODAY.isoformat(),
                "due": "15:00",
                "units": short_list(["Thị trấn Thường Thới Tiền"]),
            },
        )
        self.tokens = {u.username: self.token(u) for u in (self.root, self.minh, self.lan, self.mai)}
        self.real = {
            **REAL,
            "notification_id": self.notification.pk,
            "id": str(Visit.objects.first().pk),
        }
        self.failures: list[str] = []

    def send(self, case, username: str, steered: bool):
        if steered:
            steer(case.path_parameters, self.real)
            steer(case.query, self.real)
            steer(case.body, self.real)
            if "fmt" in (case.path_parameters or {}):
                case.path_parameters["fmt"] = FORMATS[len(str(case.body)) % len(FORMATS)]
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        kwargs.setdefault("headers", {})["Authorization"] = f"Bearer {self.tokens[username]}"
        url = urlsplit(kwargs["url"])
        headers = {k: v for k, v in kwargs.get("headers", {}).items()}
        content_type = headers.pop("Content-Type", "application/json")
        for hop in ("Connection", "Accept-Encoding", "Content-Length", "Host"):
            headers.pop(hop, None)
        if "json" in kwargs:
            body = json.dumps(kwargs["json"])
        else:
            body = kwargs.get("data") or b""
        query = urlencode(kwargs.get("params") or {}, doseq=True)
        request = f"{kwargs['method']} {url.path}?{query} {headers} {str(body)[:500]}"
        try:
            response = self.client.generic(
                kwargs["method"],
                url.path,
                data=body,
                content_type=content_type,
                headers=headers,
                QUERY_STRING=query,
            )
        except Exception:
            return request, 500, traceback.format_exc(limit=8)
        return request, response.status_code, response.content[:300]

    def assert_whole(self, what: str) -> None:
        """Nothing partial: each report's revisions are 1..n, and every report and revision
        has its audit entry; every idempotency key holds a successful answer."""
        broken = Report.objects.annotate(n=Count("revisions"), top=Max("revisions__number")).filter(
            ~Q(n=F("revision")) | ~Q(top=F("revision"))
        )
        self.assertFalse(broken.exists(), f"a report without all its revisions after {what}")
        audited = set(
            AuditEntry.objects.filter(object_type="report").values_list("object_id", flat=True)
        )
        reports = {str(pk) for pk in Report.objects.values_list("pk", flat=True)}
        self.assertLessEqual(reports, audited, f"a report without its audit entry after {what}")
        revisions = AuditEntry.objects.filter(
            object_type="report", action__in=("report.submit", "report.revise")
        ).count()
        self.assertEqual(revisions, Revision.objects.count(), f"audit != revisions after {what}")
        self.assertFalse(
            IdempotencyKey.objects.exclude(response_status__gte=200, response_status__lt=300)
            .exists(),
            f"a key without its answer after {what}",
        )

    def test_no_request_gets_a_500_and_nothing_partial_is_stored(self):
        make_draft(self.campaign, TODAY, self.root)
        raw = api.get_openapi_schema(path_prefix="/api/v1")
        schema = schemathesis.openapi.from_dict(raw)
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertGreaterEqual(len(operations), 15)
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                self.fuzz(operation, mode)
        self.assertEqual(self.failures, [], "\n\n".join(self.failures))

    def fuzz(self, operation, mode) -> None:
        @given(
            case=operation.as_strategy(generation_mode=mode),
            username=st.sampled_from(sorted(self.tokens)),
            steered=st.booleans(),
        )
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def one(case, username, steered):
            request, status, content = self.send(case, username, steered)
            if status >= 500:
                self.failures.append(f"{operation.label} ({mode.value}) -> {status}\n"
                                     f"{request}\n{content}")
            self.assert_whole(f"{operation.label}: {request}")

        one()
