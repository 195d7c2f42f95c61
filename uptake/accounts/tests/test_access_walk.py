"""The access walk (#8): every page and every API endpoint, for every persona, inside and
outside their units.

It is generated from the URL map. ``test_every_url_is_walked_or_public`` fails for any URL
pattern, and any operation of the API's OpenAPI schema, that has neither a recipe below nor a
line in PUBLIC saying why anyone may open it: a new view cannot escape the walk. A recipe fills
the URL's parameters with objects made in setUp, each owned by a unit: lan's town (870-TTT),
another commune of minh's and hoa's district (870-LKA), tuan's commune in the other district
(869-TH), or the whole province (87, the campaign's root, which only admins read).

For every persona (anonymous, lan, minh, hoa, tuan, root) the walk checks that:
- anonymous visitors are sent to the log-in page, and the API answers them 401;
- an object outside the persona's units is a 403 or a 404, and a POST to it changes nothing;
- no response (page, list, count, API list) names a unit outside the persona's units, other
  than those above their own;
- hoa, a viewer, changes nothing: every POST is a 403, 404 or 405 and the database is as before;
- every recipe is live: someone allowed opens it, so that the refusals mean something.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from uptake.accounts.models import ApiToken, profile_of
from uptake.api.api import api
from uptake.campaigns.loader import load_campaign
from uptake.documents.actions import make_draft
from uptake.fieldwork.actions import record_visit
from uptake.fieldwork.models import Team
from uptake.fieldwork.tests.base import fieldwork_campaign
from uptake.notify.models import Kind, Notification
from uptake.quality.actions import draw_sample, record_inspection, refresh_flags
from uptake.quality.models import Flag, StaffMember
from uptake.test import NOW, TODAY, BaseTestCase, figures
from uptake.units.models import Unit

SLUG = "bluezone-2020"
DAY = TODAY.isoformat()
PERSONAS = ("lan", "minh", "hoa", "tuan", "root")
REFUSED = (403, 404)
NOT_ALLOWED = (403, 404, 405)


class Ref(str):
    """The name of an object made in setUp; the walk puts its primary key in the URL."""


@dataclass
class Case:
    kwargs: dict = field(default_factory=dict)
    scope: str | None = None  # the unit owning the URL's object; None: campaign or user level
    query: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # what a POST sends (JSON for the API)
    owner: str | None = None  # who opens it (liveness): by default from the scope
    live: int = 200  # the owner's answer to a GET
    multipart: bool = False  # the API call sends the day's workbook as a file, not JSON


@dataclass
class Recipe:
    cases: list[Case]
    own: bool = False  # the user's own things (account, notifications): anyone may POST


def units(code_kw: str = "code", **extra) -> list[Case]:
    """One case per unit that matters: lan's town, another commune of 870, tuan's commune."""
    return [Case({code_kw: code, **extra}, scope=code) for code in ("870-TTT", "870-LKA", "869-TH")]


def hamlets(**extra) -> list[Case]:
    return [
        Case({"code": h, **extra}, scope=h[:-3]) for h in ("870-TTT-K1", "870-LKA-A1", "869-TH-A1")
    ]


def objects(prefix: str, scopes=("870-TTT", "870-LKA", "869-TH"), **extra) -> list[Case]:
    """One case per object ``<prefix>_<scope>`` made in setUp."""
    return [Case({"pk": Ref(f"{prefix}_{s}"), **extra}, scope=s) for s in scopes]


def entry_data(day: str = DAY) -> dict:
    return {
        "date": day,
        "staff__with_smartphone": "41",
        "staff__installed": "40",
        "residents__with_smartphone": "5200",
        "residents__installed": "3000",
        "source": "phone",
        "note": "walk",
    }


def report_data(code: str) -> dict:
    return {
        "unit": code,
        f"{code}-staff__with_smartphone": "41",
        f"{code}-staff__installed": "40",
        f"{code}-residents__with_smartphone": "5200",
        f"{code}-residents__installed": "3000",
    }


VISIT_ID = "6f1c3d5e-0000-4000-8000-000000000001"


def visit_data(hamlet: str) -> dict:
    return {
        "id": VISIT_ID,
        "hamlet": hamlet,
        "household": "Số 1",
        "outcome": "refused",
        "smartphones": "1",
        "already_had": "0",
        "installed_now": "0",
    }


TEAM = {"name": "Tổ đi bộ", "organisations": ["doan_tn"], "new_members": ""}
MEMBER = {"name": "Nguyễn Văn Bộ", "position": "Văn thư", "has_smartphone": "on"}
INSPECTION = {
    "date": DAY,
    "inspector": "Đoàn kiểm tra",
    "method": "staff_phones",
    "group": "staff",
    "sample_size": "10",
    "with_app": "9",
}
C = {"slug": SLUG}
D = {"slug": SLUG, "day": DAY}

# --- the pages ---------------------------------------------------------------------------------

RECIPES: dict[str, Recipe] = {
    "home": Recipe([Case(owner="lan", live=302)], own=True),
    "reports-report": Recipe(
        [
            Case(C, data=report_data("870-TTT"), owner="lan"),
            Case(C, data=report_data("869-TH"), owner="tuan"),
        ]
    ),
    "reports-status": Recipe(
        [
            Case(C),
            Case(C, query={"root": "870"}, scope="870"),
            Case(C, query={"root": "870-LKA"}, scope="870-LKA"),
            Case(C, query={"root": "869-TH"}, scope="869-TH"),
        ]
    ),
    "reports-unit": Recipe(units(slug=SLUG)),
    "reports-enter": Recipe([Case(c.kwargs, c.scope, data=entry_data()) for c in units(slug=SLUG)]),
    "documents-dashboard": Recipe(
        [
            Case(C),
            Case(C, query={"unit": "870"}, scope="870"),
            Case(C, query={"unit": "870-LKA"}, scope="870-LKA"),
            Case(C, query={"unit": "869"}, scope="869", owner="root"),
        ]
    ),
    "documents-list": Recipe([Case(C, scope="87")]),
    "documents-compilation": Recipe([Case(D, scope="87")]),
    "documents-refresh": Recipe([Case(D, scope="87", live=405)]),
    "documents-text": Recipe([Case(D, scope="87", data={"situation": "walk"}, live=405)]),
    "documents-approve": Recipe([Case(D, scope="87", live=405)]),
    "documents-send": Recipe([Case(D, scope="87", live=405)]),
    "documents-download": Recipe(
        [Case({**D, "fmt": fmt}, scope="87") for fmt in ("pdf", "docx", "xlsx", "csv")]
    ),
    "fieldwork-start": Recipe([Case(owner="lan", live=302)], own=True),
    "fieldwork-visit": Recipe(
        [
            Case(C, data=visit_data("870-TTT-K1"), owner="lan"),
            Case(C, data=visit_data("869-TH-A1"), owner="tuan"),
        ]
    ),
    "fieldwork-home": Recipe([Case(C, owner="minh")]),
    "fieldwork-team": Recipe(objects("team", slug=SLUG)),
    "fieldwork-team-edit": Recipe(
        [Case(c.kwargs, c.scope, data=TEAM) for c in objects("team", slug=SLUG)]
    ),
    "fieldwork-hamlet": Recipe(hamlets(slug=SLUG)),
    "fieldwork-flyer": Recipe(hamlets(slug=SLUG)),
    "fieldwork-flyer-pdf": Recipe(hamlets(slug=SLUG)),
    "fieldwork-commune": Recipe(units(slug=SLUG)),
    "fieldwork-team-new": Recipe([Case(c.kwargs, c.scope, data=TEAM) for c in units(slug=SLUG)]),
    "notifications": Recipe([Case(owner="lan")], own=True),
    "notifications-read-all": Recipe([Case(owner="lan", live=405)], own=True),
    "notifications-read": Recipe([Case({"pk": Ref("note_lan")}, owner="lan", live=405)], own=True),
    "notifications-preferences": Recipe([Case(owner="lan")], own=True),
    "quality-flags": Recipe([Case(C)]),
    "quality-check": Recipe([Case(C, live=405)]),
    "quality-dismiss": Recipe(
        [Case(c.kwargs, c.scope, data={"reason": "walk"}) for c in objects("flag", slug=SLUG)]
    ),
    "quality-restore": Recipe(
        [Case(c.kwargs, c.scope, live=405) for c in objects("flag", slug=SLUG)]
    ),
    "quality-unit": Recipe(units(slug=SLUG)),
    "quality-inspect": Recipe([Case(c.kwargs, c.scope, data=INSPECTION) for c in units(slug=SLUG)]),
    "quality-inspection": Recipe(objects("inspection", ("870-TTT", "869-TH"), slug=SLUG)),
    "quality-inspection-edit": Recipe(
        [
            Case(c.kwargs, c.scope, data=INSPECTION)
            for c in objects("inspection", ("870-TTT", "869-TH"), slug=SLUG)
        ]
    ),
    "quality-sample-new": Recipe(
        [
            Case(c.kwargs, c.scope, data={"source": "roster", "group": "staff", "size": "1"})
            for c in units(slug=SLUG)
        ]
    ),
    "quality-sample": Recipe(objects("sample", ("870-TTT", "869-TH"), slug=SLUG)),
    "quality-roster": Recipe([Case(c.kwargs, c.scope, data=MEMBER) for c in units(slug=SLUG)]),
    "quality-roster-import": Recipe([Case(c.kwargs, c.scope, live=405) for c in units(slug=SLUG)]),
    "quality-roster-export": Recipe(units(slug=SLUG)),
    "quality-roster-template": Recipe([Case(C)]),
    "quality-member-edit": Recipe(
        [
            Case(
                {"slug": SLUG, "code": "870-TTT", "pk": Ref("member_870-TTT")},
                "870-TTT",
                data=MEMBER,
            ),
            Case(
                {"slug": SLUG, "code": "869-TH", "pk": Ref("member_869-TH")}, "869-TH", data=MEMBER
            ),
            # Someone else's member under one's own unit's code: still theirs.
            Case(
                {"slug": SLUG, "code": "869-TH", "pk": Ref("member_870-TTT")},
                "870-TTT",
                data=MEMBER,
                owner="root",
                live=404,
            ),
        ]
    ),
    "quality-member-delete": Recipe(
        [
            Case(
                {"slug": SLUG, "code": "870-TTT", "pk": Ref("member_870-TTT")}, "870-TTT", live=405
            ),
            Case({"slug": SLUG, "code": "869-TH", "pk": Ref("member_869-TH")}, "869-TH", live=405),
        ]
    ),
    "account": Recipe([Case(owner="lan")], own=True),
    "account-token-new": Recipe([Case(data={"days": "30"}, owner="lan", live=405)], own=True),
    "account-token-revoke": Recipe(
        [Case({"pk": Ref("token_lan")}, owner="lan", live=405)], own=True
    ),
    "password-change": Recipe([Case(owner="lan")], own=True),
    "two-factor": Recipe([Case(owner="minh", live=302)], own=True),
    "two-factor-setup": Recipe([Case(owner="minh")], own=True),
    "two-factor-recovery": Recipe([Case(owner="minh", live=405)], own=True),
    # Imports (#16): a coordinator's page and workbook for the day, for their scope (a unit
    # outside it refused); the offline daily form for a reporter's own units.
    "imports-page": Recipe([Case(C)]),
    "imports-template": Recipe(
        [
            Case(C, query={"date": DAY}),
            Case(C, query={"date": DAY, "unit": "870-LKA"}, scope="870-LKA"),
            Case(C, query={"date": DAY, "unit": "869-TH"}, scope="869-TH"),
        ]
    ),
    "imports-send": Recipe([Case(C, owner="lan")]),
    # Notification channels (#18): one's own phone number and a test message to oneself.
    "notifications-phone": Recipe(
        [Case(data={"phone": "0912 345 678"}, owner="lan", live=405)], own=True
    ),
    "notifications-test": Recipe([Case({"channel": "app"}, owner="lan", live=405)], own=True),
    # The status page's exports (#17): its filters, the same scope.
    "reports-status-xlsx": Recipe(
        [
            Case(C),
            Case(C, query={"root": "870", "show": "late"}, scope="870"),
            Case(C, query={"root": "869-TH"}, scope="869-TH"),
        ]
    ),
    "reports-status-csv": Recipe(
        [
            Case(C),
            Case(C, query={"root": "870-LKA", "q": "long"}, scope="870-LKA"),
            Case(C, query={"root": "869-TH"}, scope="869-TH"),
        ]
    ),
    # "Nhắc đơn vị chưa báo cáo" (#17): a coordinator's POST, for the units under ?root=.
    "reports-status-remind": Recipe(
        [
            Case(C, query={"root": "870"}, scope="870", live=405),
            Case(C, query={"root": "870-LKA"}, scope="870-LKA", live=405),
            Case(C, query={"root": "869-TH"}, scope="869-TH", live=405),
        ]
    ),
    # The "Chia sẻ" button's picture and A4 page (#17), of ?unit= on ?date=.
    "reports-brief-png": Recipe(
        [
            Case(C),
            Case(C, query={"unit": "870-LKA"}, scope="870-LKA"),
            Case(C, query={"unit": "869-TH"}, scope="869-TH"),
        ]
    ),
    "reports-brief-pdf": Recipe(
        [
            Case(C),
            Case(C, query={"unit": "870"}, scope="870"),
            Case(C, query={"unit": "869-TH"}, scope="869-TH"),
        ]
    ),
}

# What anyone may open, and why: nothing in it is a unit's data.
PUBLIC = {
    "login": "the log-in page",
    "logout": "leaving: a POST that ends one's own session",
    "set_language": "the language cookie",
    "favicon": "the site's icon",
    "fieldwork-sw": "the visit page's service worker: a script, the same for everyone",
    "fieldwork-manifest": "the visit page's web app manifest: the app's name and icons",
    "openapi-json": "the API's OpenAPI description (no data)",
    "openapi-view": "the API's documentation page (no data)",
    "api-root": "the API's root (no data)",
    "imports-send-sw": "the offline form's service worker: a script, the same for everyone",
    "imports-send-manifest": "the offline form's web app manifest: the app's name and icons",
}
# Walked by a test of their own below.
ELSEWHERE = {"admin": "test_djangos_admin_is_for_admins_only opens every registered model"}

# --- the API -----------------------------------------------------------------------------------


def api_report(code: str) -> dict:
    groups = figures(residents=None) if code.startswith("870-V") else figures()
    return {"campaign": SLUG, "unit": code, "date": DAY, "figures": groups, "note": "walk"}


def api_visit(hamlet: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "campaign": SLUG,
        "hamlet": hamlet,
        "visited_at": "2020-08-17T09:30:00+07:00",
        "household": "Số 1",
        "outcome": "refused",
        "smartphones": 1,
    }


def api_queued(code: str) -> dict:
    return {
        "unit": code,
        "date": DAY,
        "figures": figures(),
        "note": "walk",
        "pressed_at": "2020-08-17T09:30:00+07:00",
    }


def api_inspection(code: str) -> dict:
    return {**INSPECTION, "unit": code, "sample_size": 10, "with_app": 9}


API: dict[str, Recipe] = {
    "POST /api/v1/reports": Recipe(
        [
            Case(data=api_report("870-TTT"), scope="870-TTT", owner="lan"),
            Case(data=api_report("870-LKA"), scope="870-LKA"),
            Case(data=api_report("869-TH"), scope="869-TH"),
        ]
    ),
    "GET /api/v1/campaigns/{slug}/summary": Recipe(
        [
            Case(C, scope="87"),
            Case(C, query={"root": "870"}, scope="870"),
            Case(C, query={"root": "870-LKA"}, scope="870-LKA"),
            Case(C, query={"root": "869-TH"}, scope="869-TH"),
        ]
    ),
    "GET /api/v1/campaigns": Recipe([Case(owner="lan")], own=True),
    "GET /api/v1/units": Recipe(
        [Case(owner="lan"), Case(query={"q": "xa"}, owner="lan")], own=True
    ),
    "GET /api/v1/campaigns/{slug}/units/{code}/reports": Recipe(units(slug=SLUG)),
    "GET /api/v1/campaigns/{slug}/compilations": Recipe([Case(C, scope="87")]),
    "POST /api/v1/campaigns/{slug}/compilations/{date}": Recipe(
        [Case({"slug": SLUG, "date": DAY}, scope="87")]
    ),
    "GET /api/v1/campaigns/{slug}/compilations/{date}": Recipe(
        [Case({"slug": SLUG, "date": DAY}, scope="87")]
    ),
    # Before 15:00 with units missing: approved only when confirmed (then sent, below).
    "POST /api/v1/campaigns/{slug}/compilations/{date}/approve": Recipe(
        [Case({"slug": SLUG, "date": DAY}, scope="87", query={"confirm": "true"})]
    ),
    "POST /api/v1/campaigns/{slug}/compilations/{date}/send": Recipe(
        [Case({"slug": SLUG, "date": DAY}, scope="87")]
    ),
    "GET /api/v1/campaigns/{slug}/compilations/{date}/document.{fmt}": Recipe(
        [Case({"slug": SLUG, "date": DAY, "fmt": fmt}, scope="87") for fmt in ("pdf", "csv")]
    ),
    "POST /api/v1/visits": Recipe(
        [
            Case(data=api_visit("870-TTT-K1"), scope="870-TTT", owner="lan"),
            Case(data=api_visit("870-LKA-A1"), scope="870-LKA"),
            Case(data=api_visit("869-TH-A1"), scope="869-TH"),
        ]
    ),
    "GET /api/v1/visits": Recipe(
        [Case(query={"hamlet": c.kwargs["code"], "date": DAY}, scope=c.scope) for c in hamlets()]
    ),
    "GET /api/v1/notifications": Recipe([Case(owner="lan")], own=True),
    "POST /api/v1/notifications/{notification_id}/read": Recipe(
        [Case({"notification_id": Ref("note_lan")}, owner="lan")], own=True
    ),
    "GET /api/v1/campaigns/{slug}/flags": Recipe(
        [
            Case(C),
            Case(C, query={"root": "870-LKA"}, scope="870-LKA"),
            Case(C, query={"root": "869-TH"}, scope="869-TH"),
        ]
    ),
    # Flags brought up to date now (#19): coordinators and admins, for their units or ?root=.
    "POST /api/v1/campaigns/{slug}/flags/refresh": Recipe(
        [
            Case(C),
            Case(C, query={"root": "870-LKA"}, scope="870-LKA"),
            Case(C, query={"root": "869-TH"}, scope="869-TH"),
        ]
    ),
    "GET /api/v1/campaigns/{slug}/inspections": Recipe(
        [Case(C, query={"unit": code}, scope=code) for code in ("870-TTT", "869-TH")]
    ),
    "POST /api/v1/campaigns/{slug}/inspections": Recipe(
        [Case(C, data=api_inspection(code), scope=code) for code in ("870-TTT", "869-TH")]
    ),
    # Imports (#16): the day's workbook for a scope; a pasted line for a unit of one's own (a
    # dry run: nothing stored); a report queued offline on a phone.
    "GET /api/v1/campaigns/{slug}/imports/template.xlsx": Recipe(
        [
            Case(C, query={"date": DAY}),
            Case(C, query={"date": DAY, "unit": "870-LKA"}, scope="870-LKA"),
            Case(C, query={"date": DAY, "unit": "869-TH"}, scope="869-TH"),
        ]
    ),
    "POST /api/v1/campaigns/{slug}/imports": Recipe(
        [Case(C, query={"date": DAY, "dry_run": "true"}, multipart=True)]
    ),
    "POST /api/v1/campaigns/{slug}/imports/text": Recipe(
        [
            Case(
                C,
                data={"date": DAY, "text": "870-LKA: CB 41/39; dân 5.200/2.950", "dry_run": True},
            )
        ]
    ),
    "POST /api/v1/campaigns/{slug}/reports/queued": Recipe(
        [
            Case(C, data=api_queued("870-TTT"), scope="870-TTT", owner="lan"),
            Case(C, data=api_queued("869-TH"), scope="869-TH"),
        ]
    ),
    # The summary as a file (#17), with the summary's parameters and the page's filters.
    "GET /api/v1/campaigns/{slug}/summary.xlsx": Recipe(
        [
            Case(C),
            Case(C, query={"root": "870", "show": "missing"}, scope="870"),
            Case(C, query={"root": "869-TH"}, scope="869-TH"),
        ]
    ),
    "GET /api/v1/campaigns/{slug}/summary.csv": Recipe(
        [
            Case(C),
            Case(C, query={"root": "870-LKA"}, scope="870-LKA"),
            Case(C, query={"root": "869-TH", "q": "hoa"}, scope="869-TH"),
        ]
    ),
    # The day on one page (#17): the picture and the A4 page of a unit's scope.
    "GET /api/v1/campaigns/{slug}/brief.png": Recipe(
        [
            Case(C),
            Case(C, query={"unit": "870"}, scope="870"),
            Case(C, query={"unit": "869-TH"}, scope="869-TH"),
        ]
    ),
    "GET /api/v1/campaigns/{slug}/brief.pdf": Recipe(
        [
            Case(C),
            Case(C, query={"unit": "870-LKA"}, scope="870-LKA"),
            Case(C, query={"unit": "869-TH"}, scope="869-TH"),
        ]
    ),
}

# Rows that change on their own when someone merely asks: sessions, log-in logs, the time a
# token or a device was last used.
SKIPPED_TABLES = {
    "sessions.session",
    "axes.accesslog",
    "axes.accessattempt",
    "axes.accessfailurelog",
}
VOLATILE = {
    "accounts.apitoken": {"last_used_at"},
    "otp_totp.totpdevice": {
        "last_t",
        "drift",
        "last_used_at",
        "throttling_failure_count",
        "throttling_failure_timestamp",
    },
}


def url_patterns(patterns=None, prefix: str = "", namespace: str | None = None):
    """Every URL pattern of the project: (namespace, route, name)."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from url_patterns(
                p.url_patterns, prefix + str(p.pattern), p.namespace or namespace
            )
        elif isinstance(p, URLPattern):
            yield namespace, prefix + str(p.pattern), p.name


def api_operations() -> list[str]:
    schema = api.get_openapi_schema()
    return sorted(
        f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops
    )


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class AccessWalkTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.campaign, _stats = load_campaign(fieldwork_campaign())
        self.users = {name: getattr(self, name) for name in PERSONAS}
        self.objects = {}
        day_before = TODAY - timedelta(days=1)
        owners = {"870-TTT": self.lan, "870-LKA": self.minh, "869-TH": self.tuan}
        # Two days of figures; today's installed fewer (explained in the note, as it must be):
        # a data-quality flag ("decrease") for each unit.
        for code, user in owners.items():
            self.submit(code, day=day_before, user=user)
            self.submit(code, user=user, figures=figures(residents=(5200, 2900)), note="Đếm lại")
        refresh_flags(self.campaign)
        for code in owners:
            self.objects[f"flag_{code}"] = Flag.objects.get(unit__code=code, rule="decrease")
        make_draft(self.campaign, TODAY, self.root)
        for code, hamlet in (
            ("870-TTT", "870-TTT-K1"),
            ("870-LKA", "870-LKA-A1"),
            ("869-TH", "869-TH-A1"),
        ):
            team = Team.objects.create(campaign=self.campaign, commune=self.unit(code), name="Tổ 1")
            team.hamlets.add(self.unit(hamlet))
            team.members.add(owners[code] if code != "870-LKA" else self.make_user("lka", "viewer"))
            self.objects[f"team_{code}"] = team
            record_visit(
                visit_id=uuid.uuid4(),
                campaign=self.campaign,
                hamlet=self.unit(hamlet),
                user=self.root,
                household="Số 9",
                visited_at=NOW.replace(hour=9),
                outcome="installed",
                smartphones=1,
                already_had=0,
                installed_now=1,
            )
        for code, user in (("870-TTT", self.minh), ("869-TH", self.root)):
            unit = self.unit(code)
            self.objects[f"member_{code}"] = StaffMember.objects.create(
                campaign=self.campaign, unit=unit, name=f"Cán bộ {code}", has_smartphone=True
            )
            self.objects[f"sample_{code}"] = draw_sample(
                self.campaign, unit, user=user, source="roster", size=1, group="staff"
            )
            self.objects[f"inspection_{code}"] = record_inspection(
                self.campaign,
                unit,
                user=user,
                date=TODAY,
                inspector="Đoàn",
                method="staff_phones",
                group="staff",
                sample_size=10,
                with_app=9,
                findings="",
                follow_up="",
            )
        self.objects["note_lan"] = Notification.objects.create(
            user=self.lan,
            kind=Kind.MORNING_REMINDER,
            campaign=self.campaign,
            day=TODAY,
            params={
                "campaign": self.campaign.title,
                "slug": SLUG,
                "date": DAY,
                "due": "15:00",
                "units": {"names": ["Thị trấn Thường Thới Tiền"], "count": 1},
            },
            url=f"/c/{SLUG}/report/",
        )
        self.objects["token_lan"] = ApiToken.objects.get(
            key_hash=ApiToken.hash(ApiToken.issue(self.lan))
        )
        self.foreign = {p: self._foreign(p) for p in PERSONAS}
        self.headers = {p: self.bearer(u) for p, u in self.users.items()} | {"anonymous": {}}

    # --- helpers ---------------------------------------------------------------------------

    def _foreign(self, persona: str) -> list[tuple[str, str]]:
        """(code, name) of the units the persona must never see named: neither theirs, nor
        under theirs, nor above them."""
        profile = profile_of(self.users[persona])
        own = profile.unit_paths()
        return [
            (u.code, u.name)
            for u in Unit.objects.order_by("path")
            if not profile.can_read(u) and not any(p.startswith(u.path) for p in own)
        ]

    def readable(self, persona: str, code: str | None) -> bool:
        if code is None:
            return True
        return profile_of(self.users[persona]).can_read(self.unit(code))

    def fill(self, values: dict) -> dict:
        return {k: self.objects[v].pk if isinstance(v, Ref) else v for k, v in values.items()}

    def url(self, name: str, case: Case) -> str:
        url = reverse(name, kwargs=self.fill(case.kwargs))
        return f"{url}?{urlencode(case.query, doseq=True)}" if case.query else url

    def api_url(self, operation: str, case: Case) -> str:
        path = operation.split(" ", 1)[1].format(**self.fill(case.kwargs))
        return f"{path}?{urlencode(case.query)}" if case.query else path

    def client_for(self, persona: str) -> Client:
        client = self.client_class()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client

    def state(self) -> dict:
        """Every row of every table (but those that change by themselves), to compare."""
        out = {}
        for model in apps.get_models():
            label = model._meta.label_lower
            if label in SKIPPED_TABLES:
                continue
            names = [
                f.attname
                for f in model._meta.concrete_fields
                if f.attname not in VOLATILE.get(label, ())
            ]
            out[label] = sorted(map(repr, model.objects.values_list(*names)))
        return out

    def assert_unchanged(self, before: dict) -> None:
        after = self.state()
        changed = [label for label in before if before[label] != after[label]]
        self.assertEqual(changed, [], "the database changed")

    def assert_names_nothing_foreign(self, persona: str, response, asked: str = "") -> None:
        """No unit foreign to ``persona`` is named in ``response``: neither its name nor its
        code (a code that the request itself carried, ``asked``, may be echoed back)."""
        kind = response.get("Content-Type", "")
        if "json" in kind:
            text = json.dumps(json.loads(response.content), ensure_ascii=False)
            # A campaign's coordinating office is part of the campaign, which its units see.
            text = text.replace('"coordinator": "870-VHTT"', "")
        elif kind.startswith("text/"):
            text = response.content.decode()
        else:
            return  # a file (PDF, Word, Excel): only its status says who may have it
        for code, name in self.foreign[persona]:
            self.assertNotIn(name, text)
            pattern = rf"(?<![\w-]){re.escape(code)}(?![\w-])"
            if not re.search(pattern, asked):
                self.assertIsNone(re.search(pattern, text), f"names {code}")

    def post(self, client: Client, url: str, data: dict):
        if "id" in data:  # a visit: a new one each time (a known id answers with the visit)
            data = {**data, "id": str(uuid.uuid4())}
        files = {}
        if "roster/import" in url:
            files = {"file": SimpleUploadedFile("roster.xlsx", b"PK\x03\x04 not really")}
        return client.post(url, {**data, **files})

    # --- the walk --------------------------------------------------------------------------

    def test_every_url_is_walked_or_public(self):
        missing = []
        for namespace, route, name in url_patterns():
            if namespace in ELSEWHERE:
                continue
            if namespace == "api" and name not in PUBLIC:
                continue  # walked by operation, below
            if name not in RECIPES and name not in PUBLIC:
                missing.append(f"{route} ({name})")
        for operation in api_operations():
            if operation not in API:
                missing.append(operation)
        self.assertEqual(missing, [], "add a recipe to the access walk, or a PUBLIC reason")
        stale = [name for name in RECIPES if name not in {n for _ns, _r, n in url_patterns()}]
        stale += [op for op in API if op not in api_operations()]
        self.assertEqual(stale, [], "recipes for URLs that no longer exist")

    def test_anonymous_visitors_are_sent_to_log_in(self):
        client = Client()
        for name, recipe in RECIPES.items():
            for case in recipe.cases:
                url = self.url(name, case)
                for method in ("get", "post"):
                    with self.subTest(url=url, method=method):
                        before = self.state() if method == "post" else None
                        response = getattr(client, method)(
                            url, case.data if method == "post" else None
                        )
                        self.assertEqual(response.status_code, 302)
                        self.assertTrue(response["Location"].startswith("/login/?next="))
                        if before is not None:
                            self.assert_unchanged(before)

    def test_nobody_reads_anything_outside_their_units(self):
        for persona in PERSONAS:
            client = self.client_for(persona)
            for name, recipe in RECIPES.items():
                for case in recipe.cases:
                    url = self.url(name, case)
                    with self.subTest(persona=persona, url=url):
                        response = client.get(url)
                        self.assertLess(response.status_code, 500)
                        if not self.readable(persona, case.scope):
                            self.assertIn(response.status_code, NOT_ALLOWED)
                        self.assert_names_nothing_foreign(persona, response, url)

    def test_nobody_changes_anything_outside_their_units(self):
        for persona in PERSONAS:
            client = self.client_for(persona)
            for name, recipe in RECIPES.items():
                for case in recipe.cases:
                    payload_scope = case.data.get("unit") or case.data.get("hamlet", "")[:-3]
                    scope = case.scope or payload_scope or None
                    if self.readable(persona, scope):
                        continue
                    url = self.url(name, case)
                    with self.subTest(persona=persona, url=url, data=case.data):
                        before = self.state()
                        response = self.post(client, url, case.data)
                        if case.scope is not None:  # the URL names the object: refused
                            self.assertIn(response.status_code, NOT_ALLOWED)
                        self.assertLess(response.status_code, 500)
                        self.assert_unchanged(before)
                        self.assert_names_nothing_foreign(persona, response, url + str(case.data))

    def test_a_viewer_changes_nothing(self):
        client = self.client_for("hoa")
        for name, recipe in RECIPES.items():
            if recipe.own:
                continue
            for case in recipe.cases:
                url = self.url(name, case)
                with self.subTest(url=url, data=case.data):
                    before = self.state()
                    response = self.post(client, url, case.data)
                    self.assertIn(response.status_code, NOT_ALLOWED)
                    self.assert_unchanged(before)

    def test_every_recipe_opens_for_someone_allowed(self):
        for name, recipe in RECIPES.items():
            for case in recipe.cases:
                owner = case.owner or self.default_owner(case.scope)
                url = self.url(name, case)
                with self.subTest(owner=owner, url=url):
                    response = self.client_for(owner).get(url)
                    self.assertEqual(response.status_code, case.live)
                    if case.live == 405:  # a POST-only view: its object is found when posted to
                        response = self.post(self.client_for(owner), url, case.data)
                        self.assertNotIn(response.status_code, (403, 404, 405))
                        self.assertLess(response.status_code, 500)

    @staticmethod
    def default_owner(scope: str | None) -> str:
        if scope is None or scope.startswith("870"):
            return "minh"
        return "root"

    # --- the API ---------------------------------------------------------------------------

    def api_call(self, operation: str, case: Case, persona: str):
        """The operation as ``persona``, with a token of theirs made in setUp (so that the
        database is compared around the call alone)."""
        method, _path = operation.split(" ", 1)
        headers = self.headers[persona]
        url = self.api_url(operation, case)
        client = Client()
        if method == "GET":
            return client.get(url, **headers)
        if case.multipart:
            return client.post(url, {"file": self.workbook()}, **headers)
        data = {**case.data, "id": str(uuid.uuid4())} if "id" in case.data else case.data
        return client.post(url, json.dumps(data), content_type="application/json", **headers)

    def workbook(self) -> SimpleUploadedFile:
        """The day's workbook of minh's district as the office would send it back: empty rows
        (skipped), so the import reads and answers without storing."""
        from uptake.imports.workbook import make

        made = make(self.minh, self.campaign, TODAY, "870")
        return SimpleUploadedFile("ngay.xlsx", made.data)

    def test_the_api_answers_401_without_a_token(self):
        for operation, recipe in API.items():
            for case in recipe.cases:
                with self.subTest(operation=operation, case=case):
                    before = self.state()
                    response = self.api_call(operation, case, "anonymous")
                    self.assertEqual(response.status_code, 401)
                    self.assert_unchanged(before)

    def test_the_api_shows_and_changes_nothing_outside_ones_units(self):
        for persona in PERSONAS:
            for operation, recipe in API.items():
                for case in recipe.cases:
                    with self.subTest(persona=persona, operation=operation, case=case):
                        before = self.state()
                        response = self.api_call(operation, case, persona)
                        self.assertLess(response.status_code, 500)
                        if not self.readable(persona, case.scope):
                            self.assertIn(response.status_code, REFUSED)
                            self.assert_unchanged(before)
                        asked = self.api_url(operation, case) + str(case.data)
                        self.assert_names_nothing_foreign(persona, response, asked)

    def test_a_viewer_changes_nothing_through_the_api(self):
        for operation, recipe in API.items():
            if recipe.own or not operation.startswith("POST"):
                continue
            for case in recipe.cases:
                with self.subTest(operation=operation, case=case):
                    before = self.state()
                    response = self.api_call(operation, case, "hoa")
                    self.assertIn(response.status_code, REFUSED)
                    self.assert_unchanged(before)

    def test_every_api_recipe_answers_someone_allowed(self):
        for operation, recipe in API.items():
            for case in recipe.cases:
                owner = case.owner or self.default_owner(case.scope)
                with self.subTest(owner=owner, operation=operation, case=case):
                    response = self.api_call(operation, case, owner)
                    self.assertIn(response.status_code, (200, 201), response.content[:300])

    # --- Django's admin, and the second factor ---------------------------------------------

    def test_djangos_admin_is_for_admins_only(self):
        urls = ["/admin/"] + [
            reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
            for m in admin.site._registry
        ]
        for persona in ("anonymous", *PERSONAS):
            client = self.client_for(persona)
            for url in urls:
                with self.subTest(persona=persona, url=url):
                    response = client.get(url)
                    if persona == "root":
                        self.assertEqual(response.status_code, 200)
                    else:
                        self.assertEqual(response.status_code, 302)
                        self.assertTrue(response["Location"].startswith("/admin/login/"))

    def test_a_coordinator_or_admin_without_the_second_factor_opens_no_page(self):
        for persona in ("minh", "root"):
            client = Client()  # logged in with the password only
            client.force_login(self.users[persona])
            urls = ["/admin/"] + [
                self.url(name, case)
                for name, recipe in RECIPES.items()
                for case in recipe.cases
                if name not in ("two-factor", "two-factor-setup")
            ]
            for url in urls:
                with self.subTest(persona=persona, url=url):
                    response = client.get(url)
                    self.assertEqual(response.status_code, 302)
                    self.assertTrue(response["Location"].startswith("/account/two-factor/?next="))
            # The API does not take such a session for a log-in (the visits API accepts one).
            response = client.get("/api/v1/visits", {"hamlet": "870-TTT-K1", "date": DAY})
            self.assertEqual(response.status_code, 401)
