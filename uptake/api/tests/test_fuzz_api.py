"""The API fuzzed from its own OpenAPI schema (schemathesis): no answer is a 500, nothing partial.

Every operation of /api/v1/openapi.json gets requests that fit its schema and requests that
break it (wrong types, missing fields, odd headers, an ``Idempotency-Key`` of any kind), sent
with the token of an admin, a coordinator, a reporter or a team member. Half of them are
steered towards the test data (the real campaign, unit, hamlet, day), so that they get past
"unknown campaign" into the code that stores things. After each request the stored data must
still be whole: every report has its revisions 1..n and its audit entries, no revision or
idempotency key is left without what it belongs to.

A bounded run (``FUZZ_EXAMPLES`` per operation and mode, 12 by default: about 20 seconds,
derandomised so that every run of ``make test`` sends the same requests). To look harder:
``FUZZ_EXAMPLES=300 FUZZ_RANDOM=1 FUZZ_VERBOSE=1`` (new examples each run, and the statuses
each operation reached).

Besides, ``HostileRequestTestCase`` sends what no schema describes (#15): JSON nested 990 or
100,000 deep (a RecursionError before authentication), figures and activity counts of 5,000
digits sent as text (int() refuses past 4,300 digits), and a NUL in a URL's path (PostgreSQL's
DataError); each got a 500 before.

What it found, on PostgreSQL: a NUL character in a report's note, a visit's household label or
note, or a search (``GET /api/v1/units?q=%00``) made the database fail with a 500 ("PostgreSQL
text fields cannot contain NUL"), and so would an unpaired surrogate (``"\\ud800"`` in JSON).
Such text is now refused first (uptake/lib/guards.py, UnstorableTextMiddleware).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import traceback
from collections import Counter
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import schemathesis
from django.db.models import Count, F, Max, Q
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from uptake.api.api import api
from uptake.api.models import IdempotencyKey
from uptake.audit.models import AuditEntry
from uptake.documents.actions import make_draft
from uptake.fieldwork.models import Visit
from uptake.fieldwork.tests.base import FieldworkTestCase
from uptake.notify.messages import short_list
from uptake.notify.models import Kind, Notification
from uptake.reports.models import Report, Revision
from uptake.test import TODAY, VN

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
UTC = ZoneInfo("UTC")


# Values a person or a buggy script might send for the fields that get stored: ordinary ones,
# edges (negative, huge, text for numbers), and characters a database may choke on.
TRICKY = st.sampled_from(["\x00", "\ud800", "\u202e", "'; DROP TABLE x; --", "=1+1", "🙂", " "])
TEXT = st.one_of(
    st.text(max_size=40), st.text(min_size=1900, max_size=2100), TRICKY, st.none(), st.integers()
)
NUMBER = st.one_of(
    st.integers(0, 60),
    st.integers(-3, 6000),
    st.integers(-(2**70), 2**70),
    st.sampled_from(["5.200", "5,200", "5 200", " 12 ", "1e3", "١٢", "", "0x10"]),
    # Past int()'s 4,300 digits: a ValueError, a 500, before #15.
    st.sampled_from(["9" * 5000, "1" + ".000" * 1500, " " * 3000 + "7"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
)
DAY = st.one_of(
    st.dates(dt.date(2020, 8, 10), dt.date(2020, 9, 5)).map(str), st.just("2020-02-30"), TEXT
)
MOMENT = st.one_of(
    st.datetimes(
        dt.datetime(2020, 8, 10),
        dt.datetime(2020, 9, 5),
        timezones=st.sampled_from([None, UTC, VN]),
    ).map(lambda d: d.isoformat()),
    st.just("2020-08-17T09:30:00+25:00"),
    TEXT,
)
UNIT = st.sampled_from(["870-TTT", "870-LKA", "870-VHTT", "870", "869-TH", "870-TTT-K1", "x"])
HAMLET = st.sampled_from(["870-TTT-K1", "870-TTT-K2", "870-LKA-A1", "869-TH-A1", "870-TTT"])
GROUPS = st.dictionaries(
    st.sampled_from(["staff", "residents", "other"]),
    st.one_of(
        st.fixed_dictionaries({"with_smartphone": NUMBER, "installed": NUMBER}),
        st.dictionaries(st.sampled_from(["with_smartphone", "installed", "x"]), NUMBER),
        NUMBER,
    ),
    max_size=3,
)
LABEL = st.one_of(st.sampled_from(["Số 12, tổ 3", "Nhà 7", "Hẻm 2, số 15"]), TEXT)
SENT = {
    # Valid but for the free text: these get stored, with whatever the text holds.
    "POST /api/v1/reports": st.fixed_dictionaries(
        {
            "campaign": st.just("bluezone-2020"),
            "unit": st.just("870-TTT"),
            "date": st.just("2020-08-17"),
            "figures": st.fixed_dictionaries(
                {
                    "staff": st.fixed_dictionaries(
                        {"with_smartphone": st.just(41), "installed": st.integers(39, 41)}
                    ),
                    "residents": st.fixed_dictionaries(
                        {"with_smartphone": st.just(5200), "installed": st.integers(2950, 5200)}
                    ),
                }
            ),
        },
        optional={"note": TEXT, "activities": st.just({"broadcasts": 2})},
    ),
    "POST /api/v1/visits": st.fixed_dictionaries(
        {
            "id": st.uuids().map(str),
            "campaign": st.just("bluezone-2020"),
            "hamlet": st.just("870-TTT-K1"),
            "visited_at": st.just("2020-08-17T09:30:00+07:00"),
            "outcome": st.just("installed"),
            "household": LABEL,
            "smartphones": st.just(2),
            "already_had": st.just(1),
            "installed_now": st.just(1),
        },
        optional={"note": TEXT},
    ),
    "POST /api/v1/campaigns/{slug}/inspections": st.fixed_dictionaries(
        {
            "unit": st.just("870-TTT"),
            "date": st.just("2020-08-17"),
            "method": st.just("staff_phones"),
            "group": st.just("staff"),
            "sample_size": st.integers(1, 41),
            "with_app": st.just(1),
        },
        optional={"inspector": TEXT, "findings": TEXT, "follow_up": TEXT},
    ),
    # Anything at all in every field.
    "mutated POST /api/v1/reports": st.fixed_dictionaries(
        {"campaign": st.just("bluezone-2020"), "unit": UNIT, "date": DAY, "figures": GROUPS},
        optional={
            "note": TEXT,
            "activities": st.dictionaries(
                st.sampled_from(["broadcasts", "leaflets", "meetings", "x"]), NUMBER
            ),
            "on_behalf": st.one_of(st.booleans(), TEXT),
            "source": TEXT,
            "received_at": MOMENT,
        },
    ),
    "mutated POST /api/v1/visits": st.fixed_dictionaries(
        {
            "id": st.one_of(st.uuids().map(str), TEXT),
            "campaign": st.just("bluezone-2020"),
            "hamlet": HAMLET,
            "visited_at": MOMENT,
            "outcome": st.one_of(
                st.sampled_from(
                    ["installed", "already_had", "no_smartphone", "refused", "nobody_home"]
                ),
                TEXT,
            ),
        },
        optional={
            "household": LABEL,
            "smartphones": NUMBER,
            "already_had": NUMBER,
            "installed_now": NUMBER,
            "note": TEXT,
            "team": NUMBER,
            "revisit_of": st.one_of(st.uuids().map(str), TEXT),
        },
    ),
    "mutated POST /api/v1/campaigns/{slug}/inspections": st.fixed_dictionaries(
        {
            "unit": UNIT,
            "date": DAY,
            "method": st.one_of(
                st.sampled_from(["staff_phones", "calling_households", "visiting_households"]),
                TEXT,
            ),
            "group": st.sampled_from(["staff", "residents", "x"]),
            "sample_size": NUMBER,
            "with_app": NUMBER,
        },
        optional={"inspector": TEXT, "findings": TEXT, "follow_up": TEXT, "sample": NUMBER},
    ),
}


def realistic(label: str):
    """Bodies for the operations that store something: valid ones and mutated ones."""
    if label not in SENT:
        return st.none()
    return st.one_of(st.none(), SENT[label], SENT["mutated " + label])


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
        self.tokens = {
            u.username: self.token(u) for u in (self.root, self.minh, self.lan, self.mai)
        }
        self.real = {
            **REAL,
            "notification_id": self.notification.pk,
            "id": str(Visit.objects.first().pk),
        }
        self.failures: list[str] = []
        self.seen: Counter = Counter()  # (operation, status): what the run reached

    def send(self, case, username: str, steered: bool, realistic=None):
        if steered:
            steer(case.path_parameters, self.real)
            steer(case.query, self.real)
            steer(case.body, self.real)
            if "fmt" in (case.path_parameters or {}):
                case.path_parameters["fmt"] = FORMATS[len(str(case.body)) % len(FORMATS)]
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        if realistic is not None:  # sent as it is (schemathesis would check it first)
            kwargs.pop("data", None)
            kwargs["json"] = realistic
            kwargs.setdefault("headers", {})["Content-Type"] = "application/json"
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
            IdempotencyKey.objects.exclude(
                response_status__gte=200, response_status__lt=300
            ).exists(),
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
        if os.environ.get("FUZZ_VERBOSE"):
            for (label, status), n in sorted(self.seen.items()):
                print(f"{label:70} {status} x{n}")
        self.assertEqual(self.failures, [], "\n\n".join(self.failures))

    def fuzz(self, operation, mode) -> None:
        @given(
            case=operation.as_strategy(generation_mode=mode),
            username=st.sampled_from(sorted(self.tokens)),
            steered=st.booleans(),
            realistic=realistic(operation.label),
        )
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=not os.environ.get("FUZZ_RANDOM"),
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def one(case, username, steered, realistic):
            request, status, content = self.send(case, username, steered, realistic)
            self.seen[(operation.label, status)] += 1
            if status >= 500:
                self.failures.append(
                    f"{operation.label} ({mode.value}) -> {status}\n{request}\n{content}"
                )
            self.assert_whole(f"{operation.label}: {request}")

        one()


class HostileRequestTestCase(FieldworkTestCase):
    """What the schema cannot generate: each answer is a refusal in the API's usual form (or
    the site's error page), never a 500, and nothing is stored (#15)."""

    def setUp(self):
        super().setUp()
        self.client.cookies.load({"django_language": "en"})
        self.client.raise_request_exception = False

    def post(self, url: str, body: str, **headers):
        return self.client.post(url, body, content_type="application/json", **headers)

    def assert_refused(self, response, status: int, field: str | None = None):
        self.assertEqual(response.status_code, status, response.content[:300])
        errors = response.json()["errors"]
        if field is not None:
            self.assertEqual(errors[0]["field"], field)
        self.assertTrue(errors[0]["message"])

    def test_json_nested_990_deep_is_refused_before_authentication(self):
        body = '{"a":' * 990 + "1" + "}" * 990
        response = self.post("/api/v1/visits", body)
        self.assert_refused(response, 422)
        self.assertIn("nested too deeply", response.json()["errors"][0]["message"])
        self.assertFalse(Visit.objects.exists())

    def test_a_hundred_thousand_open_brackets_are_refused(self):
        response = self.post("/api/v1/reports", "[" * 100_000, **self.bearer(self.lan))
        self.assert_refused(response, 422, "body")
        self.assertEqual(Report.objects.count(), 0)

    def test_json_33_deep_is_refused_and_32_deep_is_read(self):
        deep = {"campaign": "bluezone-2020", "unit": "870-TTT", "date": TODAY.isoformat()}
        nested = 1
        for _ in range(31):
            nested = {"x": nested}
        response = self.post(
            "/api/v1/reports", json.dumps({**deep, "figures": nested}), **self.bearer(self.lan)
        )
        self.assertEqual(response.status_code, 422)  # read, and refused by the API's checks
        self.assertNotIn("nested too deeply", response.content.decode())
        response = self.post(
            "/api/v1/reports",
            json.dumps({**deep, "figures": {"x": nested}}),
            **self.bearer(self.lan),
        )
        self.assert_refused(response, 422, "figures.x" + ".x" * 30)

    def test_a_figure_of_5000_digits_in_text_is_refused_on_its_field(self):
        for value in ("9" * 5000, "1" + ".000" * 1500, "9" * 16):
            with self.subTest(digits=len(value)):
                body = {
                    "campaign": "bluezone-2020",
                    "unit": "870-TTT",
                    "date": TODAY.isoformat(),
                    "figures": {
                        "staff": {"with_smartphone": 41, "installed": value},
                        "residents": {"with_smartphone": 5200, "installed": 2950},
                    },
                }
                response = self.post("/api/v1/reports", json.dumps(body), **self.bearer(self.lan))
                self.assert_refused(response, 422, "figures.staff.installed")
        self.assertEqual(Report.objects.count(), 0)

    def test_an_activity_count_of_5000_digits_is_refused_on_its_field(self):
        body = {
            "campaign": "bluezone-2020",
            "unit": "870-TTT",
            "date": TODAY.isoformat(),
            "figures": {
                "staff": {"with_smartphone": 41, "installed": 39},
                "residents": {"with_smartphone": 5200, "installed": 2950},
            },
            "activities": {"broadcasts": "7" * 5000},
        }
        response = self.post("/api/v1/reports", json.dumps(body), **self.bearer(self.lan))
        self.assert_refused(response, 422, "activities.broadcasts")
        self.assertEqual(Report.objects.count(), 0)

    def test_a_visit_count_of_5000_digits_is_refused(self):
        response = self.post(
            "/api/v1/visits",
            json.dumps(self.payload(smartphones="9" * 5000)),
            **self.bearer(self.lan),
        )
        self.assertEqual(response.status_code, 422, response.content[:300])
        self.assertFalse(Visit.objects.exists())

    def test_a_nul_in_a_path_is_refused_on_every_database(self):
        self.client.force_login(self.lan)
        for url in (
            "/c/bluezone-2020/units/870-TTT%00/",
            "/c/bluezone-2020%00/",
            "/api/v1/campaigns/bluezone-2020/units/870%00/reports",
            "/api/v1/campaigns/bluezone%00/summary",
        ):
            with self.subTest(url=url):
                response = self.client.get(url, **self.bearer(self.lan))
                self.assertEqual(response.status_code, 400, response.content[:300])
                if url.startswith("/api/"):
                    self.assert_refused(response, 400, "path")
                else:
                    self.assertContains(response, "cannot be stored", status_code=400)
