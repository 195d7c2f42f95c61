"""``manage.py demo``: the Hồng Ngự campaign in its province, made-up data dated around today.

The demo is one campaign, ``bluezone-demo``, run by the province (#14): campaigns/
bluezone-dong-thap-demo.yaml (Tỉnh Đồng Tháp, its Department of Information and Communications
compiling at 17:30, and Huyện Tam Nông as a district level) with Huyện Hồng Ngự added as a
district level from campaigns/bluezone-hong-ngu-2020.yaml, the directive's own file (its units,
office, compile_at and letterhead). Its seven days are shifted so that today is the fifth. Four
days of history and about half of today's reports are submitted through
``submit_report(at=...)``, so every rule of a real submission applies. Door to door (#4): three
teams in the town (870-TTT) and Long Khánh A (870-LKA), each with the unit's reporter and a
volunteer, record a few hundred household visits through ``record_visit``; the coordinator
inspects Long Khánh A on a sample of them (#5). The chain of reports (#14): Hồng Ngự's report of
yesterday is approved and numbered, Tam Nông's is a draft not yet approved, the province's draft
builds on both, and Hồng Ngự's of today is a draft. Running it again wipes the demo campaign and
builds it afresh (other campaigns are left alone, and the numbers its reports took are given back
to their offices' registers); the demo users are created or updated with one shared, printed
password. Fixed seeds: the same day gives the same data.
"""

from __future__ import annotations

import math
import os
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max, ProtectedError, Q, RestrictedError
from django.utils import timezone

from uptake.accounts.models import Profile, Role
from uptake.accounts.twofactor import DEMO_SECRET, demo_device
from uptake.audit.models import AuditEntry
from uptake.campaigns.loader import load_campaign, read_file
from uptake.campaigns.models import Campaign, Status
from uptake.documents.actions import approve_compilation, make_draft, write_text
from uptake.documents.models import Compilation, Counter
from uptake.fieldwork.actions import record_visit, save_team
from uptake.fieldwork.models import Outcome, Team, Visit
from uptake.quality.actions import draw_sample, record_inspection
from uptake.quality.models import Inspection, Method, Sample
from uptake.quality.stats import wilson_interval
from uptake.reports.actions import submit_report
from uptake.reports.models import Report
from uptake.units.models import Unit

SOURCE = settings.BASE_DIR / "campaigns" / "bluezone-hong-ngu-2020.yaml"
PROVINCE = settings.BASE_DIR / "campaigns" / "bluezone-dong-thap-demo.yaml"
SLUG = "bluezone-demo"
TITLE_PREFIX = "[DEMO] "
PASSWORD = "demo-hongngu-2020"
SEED = 2020
DAYS_BEFORE = 4  # today is the fifth day ...
DAYS_AFTER = 2  # ... of seven; the last one is the target date
YESTERDAY = DAYS_BEFORE - 1  # day numbers count from 0, the campaign's first day
COORDINATOR = "vhtt"

# username, role, units, full name (kept whole in first_name, Vietnamese order), what they do.
PERSONAS = [
    ("admin", Role.ADMIN, [], "Quản trị hệ thống", "quản trị hệ thống"),
    ("vhtt", Role.COORDINATOR, ["870"], "Nguyễn Thị Thu Hà", "điều phối, Phòng VH-TT"),
    ("lanhdao", Role.VIEWER, ["870"], "Trần Văn Bình", "lãnh đạo UBND huyện (chỉ xem)"),
    ("ttt", Role.REPORTER, ["870-TTT"], "Lê Minh Tâm", "báo cáo, Thị trấn Thường Thới Tiền"),
    ("noivu", Role.REPORTER, ["870-NV"], "Phạm Thị Mai", "báo cáo, Phòng Nội vụ"),
    ("longkhanha", Role.REPORTER, ["870-LKA"], "Võ Hoàng Phúc", "báo cáo, Xã Long Khánh A"),
    # The province and a second district (#14).
    ("sotttt", Role.COORDINATOR, ["87"], "Huỳnh Văn Lộc", "điều phối, Sở TT-TT Đồng Tháp"),
    ("lanhdao.tinh", Role.VIEWER, ["87"], "Nguyễn Văn Dũng", "lãnh đạo UBND tỉnh (chỉ xem)"),
    ("vhtt.tamnong", Role.COORDINATOR, ["871"], "Lê Thị Kim Ngân", "điều phối, VH-TT Tam Nông"),
    ("tramchim", Role.REPORTER, ["871-TC"], "Đỗ Thanh Sang", "báo cáo, Thị trấn Tràm Chim"),
]
# Those with the published key of their authenticator (coordinators and admins need one).
TWO_FACTOR = ("admin", COORDINATOR, "sotttt", "vhtt.tamnong")
# The other units' reporters, so that every report's history says who sent it. A district's
# coordinator (vhtt, vhtt.tamnong) sends the figures of her own office, 870-VHTT or 871-VHTT.
REPORTERS = {
    "870-TUPHAP": "tuphap",
    "870-TCKH": "taichinh",
    "870-TNMT": "tainguyen",
    "870-LDTBXH": "laodong",
    "870-GDDT": "giaoduc",
    "870-YT": "yte",
    "870-TTRA": "thanhtra",
    "870-VP": "vanphong",
    "870-NNPTNT": "nongnghiep",
    "870-KTHT": "kinhte",
    "870-LKB": "longkhanhb",
    "870-LT": "longthuan",
    "870-PTA": "phuthuana",
    "870-PTB": "phuthuanb",
    "870-TL": "thuonglac",
    "870-TP1": "thuongphuoc1",
    "870-TP2": "thuongphuoc2",
    "870-TTHA": "thuongthoihaua",
    "871-NV": "noivu.tamnong",
    "871-YT": "yte.tamnong",
    "871-PH": "phuhiep",
    "871-AL": "anlong",
    "871-PTB": "phuthanhb",
}

# The story the history tells.
LAGGARDS = {"870-LT", "870-TTRA", "870-PTB", "871-AL"}  # slower uptake, often late
LATE = {("870-LT", YESTERDAY)}  # on top of the laggards' random late days
MISSING = {("870-TP2", 1), ("870-TP2", YESTERDAY)}  # no report on these days
PHONED = {  # entered by the coordinator on the unit's behalf: source, received, entered
    ("870-PTB", 1): ("Zalo", time(15, 20), time(15, 34)),
    ("870-TP2", 2): ("Điện thoại", time(14, 5), time(14, 18)),
}
CORRECTION = ("870-LKB", 2)  # a second revision that lowers residents' installs, with a note
CORRECTION_NOTE = (
    "Điều chỉnh số liệu: báo cáo lúc {time} cộng trùng {excess} người dân của một ấp "
    "đã được tính trong báo cáo ngày trước."
)
TODAY_YES = {"870-NV"}  # have reported today: the reporter page shows a revision form
TODAY_NO = {"870-TTT", "870-LKA", "870-TP2", "871-TC"}  # not yet: the page shows today's form
NOTES = [
    "Phối hợp Đoàn Thanh niên hướng dẫn cài đặt tại chợ.",
    "Tổ công tác đến từng hộ vào buổi tối.",
    "Một số người dân dùng điện thoại đời cũ, không cài được ứng dụng.",
    "Đã rà soát lại danh sách cán bộ có điện thoại thông minh.",
]
BROADCAST_NOTE = "Loa ở một ấp bị hỏng, đã báo sửa; phát thanh bù vào ngày mai."

# The chain of reports (#14): the levels, and what each has done about yesterday's report.
PROVINCE_LEVEL, APPROVED, NOT_YET = "87", "870", "871"
SITUATION = (
    "Các cơ quan, đơn vị, xã, thị trấn tiếp tục tuyên truyền, vận động cán bộ và người dân cài "
    "đặt ứng dụng; tổ công tác của Đoàn Thanh niên đến từng hộ vào buổi tối."
)

# Door to door (#4): commune, team, organisations, hamlets, its volunteer (a login of their own,
# a viewer with no unit: they see their team's hamlets only) and how many households it
# knocks on in a session. The commune's reporter is in every team of the commune.
TEAMS = [
    (
        "870-TTT",
        "Tổ 1 - Đoàn Thanh niên",
        ["doan_tn", "cong_an"],
        ["870-TTT-K1", "870-TTT-K2"],
        ("tnv.tt1", "Nguyễn Thanh Tùng"),
        (9, 15),
    ),
    (
        "870-TTT",
        "Tổ 2 - Hội Phụ nữ",
        ["hoi_lhpn", "mttq"],
        ["870-TTT-K3", "870-TTT-K4"],
        ("tnv.tt2", "Trần Thị Ngọc Hân"),
        (8, 13),
    ),
    (
        "870-LKA",
        "Tổ vận động Long Khánh A",
        ["doan_tn", "hoi_nd", "hoi_ccb"],
        ["870-LKA-A1", "870-LKA-A2", "870-LKA-A3", "870-LKA-A4"],
        ("tnv.lka", "Lê Văn Hậu"),
        (10, 16),
    ),
]
SESSIONS = ((7.5, 10.5), (17.0, 20.0))  # morning and evening rounds, local hours
# A first knock's outcome: weights that shift a little toward "already had it" as the days go.
OUTCOMES = [
    (Outcome.INSTALLED, 34, -1),
    (Outcome.ALREADY_HAD, 26, +3),
    (Outcome.NO_SMARTPHONE, 14, 0),
    (Outcome.REFUSED, 10, -1),
    (Outcome.NOBODY_HOME, 16, -1),
]
VISIT_NOTES = {
    Outcome.NOBODY_HOME: "Hẹn quay lại buổi tối.",
    Outcome.REFUSED: "Điện thoại đời cũ, người dân chưa muốn cài.",
    Outcome.INSTALLED: "Hướng dẫn bật Bluetooth và cho phép thông báo.",
}
# The coordinator inspects Long Khánh A's residents on a sample of its visited households.
INSPECTED = "870-LKA"
INSPECTION_SAMPLE = 40


@dataclass
class Submission:
    at: datetime
    day: date
    unit: Unit
    user: object
    figures: dict
    activities: dict
    note: str = ""
    on_behalf: bool = False
    source: str = ""
    received_at: datetime | None = None


class Command(BaseCommand):
    help = (
        "Load the demo campaign (bluezone-demo, today being its fifth day) with simulated "
        "history, and the demo users with a shared password. Re-running resets it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even with DEBUG=false (the demo users get a published password)",
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is false: the demo creates users with a published password "
                "(admin among them). Use --force if this server is meant for demonstrations."
            )
        data = campaign_file()
        tz = ZoneInfo(data.get("timezone") or "Asia/Ho_Chi_Minh")
        now = timezone.now()
        today = now.astimezone(tz).date()
        with transaction.atomic():
            reset(SLUG)
            campaign = load(data, today)
            users = make_users()
            for username in TWO_FACTOR:  # their second step: the published key
                demo_device(users[username])
            for s in simulate(campaign, users, now):
                submit_report(
                    campaign=campaign,
                    unit=s.unit,
                    day=s.day,
                    figures=s.figures,
                    activities=s.activities,
                    user=s.user,
                    note=s.note,
                    on_behalf=s.on_behalf,
                    source=s.source,
                    received_at=s.received_at,
                    at=s.at,
                )
            door_to_door(campaign, users, now)
            inspect(campaign, users, now)
            chain(campaign, users, today)
        self.print_summary(campaign, today)

    def print_summary(self, campaign: Campaign, today: date) -> None:
        reports = Report.objects.filter(campaign=campaign)
        expected = campaign.participations_on(today).count()
        yesterday = today - timedelta(1)
        missing = expected - reports.filter(date=yesterday).count()
        port = os.environ.get("PORT", "8000")
        fmt = "%d/%m/%Y"
        write = self.stdout.write
        write("")
        write(f"DEMO data loaded: {campaign.slug} - {campaign.title}")
        write(
            f"  made-up figures, days {campaign.start:{fmt}} to {campaign.end:{fmt}}; "
            f"today {today:{fmt}} is day {(today - campaign.start).days + 1} of "
            f"{(campaign.end - campaign.start).days + 1}"
        )
        write(
            f"  {reports.count()} reports: today {reports.filter(date=today).count()} of "
            f"{expected} units so far, yesterday {missing} missing, "
            f"{reports.filter(status=Status.LATE).count()} late in all, "
            f"{reports.filter(revision__gt=1).count()} corrected"
        )
        visits = Visit.objects.filter(campaign=campaign)
        inspection = Inspection.objects.filter(campaign=campaign).select_related("unit").first()
        write(
            f"  door to door: {Team.objects.filter(campaign=campaign).count()} teams, "
            f"{visits.count()} household visits in "
            f"{', '.join(sorted({code for code, *_rest in TEAMS}))}"
            + (
                f"; an inspection of {inspection.unit.code} on {inspection.date:{fmt}}: "
                f"{inspection.with_app} of {inspection.sample_size} had the app"
                if inspection
                else ""
            )
        )
        for day in (yesterday, today):
            made = Compilation.objects.filter(campaign=campaign, date=day).select_related("unit")
            states = [
                f"{c.unit.code} {c.reference if c.number else c.state}"
                for c in sorted(made, key=lambda c: c.unit.path)
            ]
            write(f"  compiled reports of {day:{fmt}}: {', '.join(states) or 'none'}")
        write("")
        write("=" * 72)
        write(f"  DEMO  http://127.0.0.1:{port}/  password of every demo user: {PASSWORD}")
        write("=" * 72)
        write(f"  {'username':<12} {'role':<12} {'units':<9} who")
        for username, role, codes, _name, who in PERSONAS:
            write(f"  {username:<12} {role:<12} {', '.join(codes) or 'all':<9} {who}")
        write("  Reporters of the other units (same password):")
        others = [f"{name} ({code})" for code, name in REPORTERS.items()]
        for i in range(0, len(others), 3):
            write("    " + "".join(f"{item:<25}" for item in others[i : i + 3]).rstrip())
        write("  Door-to-door volunteers (same password; they see their team's hamlets only):")
        for code, team, _orgs, _hamlets, (username, _name), _pace in TEAMS:
            write(f"    {username:<12} {team} ({code}), with {reporter_username(code)}")
        write(f"  Two-step log-in of {', '.join(TWO_FACTOR)} (coordinators and admins need it):")
        write(f"    the code of an authenticator app set up with the key {DEMO_SECRET}")
        write("    (time-based, 6 digits, 30 s), or the code printed now by")
        write("    .venv/bin/python manage.py democode")
        write("")


def reset(slug: str) -> None:
    """Delete the demo campaign and everything that hangs off it, with their audit entries,
    and give the numbers its reports took back to their offices' registers."""
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        return
    numbered = list(
        Compilation.objects.filter(campaign=campaign, number__isnull=False, registered=True)
        .values("office_id", "year", "symbol")
        .annotate(last=Max("number"))
    )
    report_ids = [
        str(pk) for pk in Report.objects.filter(campaign=campaign).values_list("pk", flat=True)
    ]
    AuditEntry.objects.filter(
        Q(object_type="report", object_id__in=report_ids)
        | Q(after__campaign=slug)
        | Q(before__campaign=slug)
    ).delete()
    delete_all(Campaign.objects.filter(pk=campaign.pk))
    for register in numbered:
        give_back(**register)


def give_back(office_id: int, year: int, symbol: str, last: int) -> None:
    """The register of ``office_id`` (year, symbol) after the demo's reports, numbered up to
    ``last``, are deleted: back to the highest number still on a report, when no report of
    another campaign took a number after the demo's (then it stays as it is: never a number
    handed out twice). Every run of the demo numbers its reports from the same place."""
    register = {"office_id": office_id, "year": year, "symbol": symbol}
    kept = Compilation.objects.filter(registered=True, **register).aggregate(n=Max("number"))
    Counter.objects.filter(last_number=last, **register).update(last_number=kept["n"] or 0)


def delete_all(queryset) -> None:
    """Delete ``queryset``, first deleting the rows that protect it (reports, revisions, ...).

    Everything that refers to the demo campaign, directly or not, is demo data too: its
    reports, their revisions, the compilations of its days, its teams' visits.
    """
    while True:
        try:
            queryset.delete()
            return
        except (ProtectedError, RestrictedError) as exc:
            blockers = getattr(exc, "protected_objects", None) or exc.restricted_objects
            by_model = defaultdict(set)
            for obj in blockers:
                by_model[type(obj)].add(obj.pk)
            for model, pks in by_model.items():
                delete_all(model._base_manager.filter(pk__in=pks))


def campaign_file() -> dict:
    """The province's demo file with Hồng Ngự's file added as a district level (#14): the
    district's units, and its file's office, compile_at, auto_send and letterhead as the
    level's own. Both files must agree on the groups and activities its units report."""
    province, district = read_file(PROVINCE), read_file(SOURCE)
    for key in ("groups", "activities"):
        if province.get(key) != district.get(key):
            raise CommandError(
                f"{PROVINCE.name} and {SOURCE.name} define different {key}: make them the same"
            )
    level = {**district["units"][0], "coordinator": district["coordinator"]}
    for key in ("compile_at", "auto_send", "document"):
        if key in district:
            level[key] = district[key]
    data = {**province, "store_links": province.get("store_links") or district.get("store_links")}
    top = dict(data["units"][0])
    top["units"] = sorted([*top["units"], level], key=lambda unit: unit["code"])
    data["units"] = [top]
    return data


def load(data: dict, today: date) -> Campaign:
    """The campaign file as the demo: its own slug and title, its days around ``today``. Its
    top unit keeps the parent it may have in the unit tree (the loader moves no unit)."""
    data = dict(data)
    data["slug"] = SLUG
    data["title"] = TITLE_PREFIX + data["title"]
    data["start"] = today - timedelta(DAYS_BEFORE)
    data["target_date"] = data["end"] = today + timedelta(DAYS_AFTER)
    campaign, _stats = load_campaign(data)
    return campaign


def make_users() -> dict[str, object]:
    """Create or update the demo users; return them by username."""
    User = get_user_model()
    hashed = make_password(PASSWORD)  # one hash for all: hashing is the slow part
    units = {u.code: u for u in Unit.objects.filter(code__in=all_codes())}
    people = [(username, role, codes, name) for username, role, codes, name, _who in PERSONAS]
    for code, username in REPORTERS.items():
        if code in units:
            people.append((username, Role.REPORTER, [code], f"Cán bộ {units[code].name}"))
    for _code, _team, _orgs, _hamlets, (username, name), _pace in TEAMS:
        people.append((username, Role.VIEWER, [], name))
    users: dict[str, object] = {}
    for username, role, codes, name in people:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.first_name, user.last_name = name, ""
        user.email = f"{username}@demo.invalid"
        validate_password(PASSWORD, user)
        user.password = hashed
        user.is_active = True
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.save()
        profile, _created = Profile.objects.get_or_create(user=user)
        profile.role = role
        profile.save()
        profile.units.set([units[c] for c in codes])
        users[username] = user
    return users


def reporter_of(unit: Unit, users: dict) -> object:
    """Who sends the unit's figures: its reporter, else its district's coordinator (her own
    office)."""
    for username, role, codes, _name, _who in PERSONAS:
        if role == Role.REPORTER and unit.code in codes:
            return users[username]
    if unit.code in REPORTERS:
        return users[REPORTERS[unit.code]]
    above = unit.path.split("/")  # "87/871/871-VHTT/": the deepest coordinator above it
    coordinators = [
        (above.index(code), username)
        for username, role, codes, _name, _who in PERSONAS
        for code in codes
        if role == Role.COORDINATOR and code in above
    ]
    return users[max(coordinators)[1]]


def reporter_username(code: str) -> str:
    """The demo reporter of unit ``code``."""
    for username, role, codes, _name, _who in PERSONAS:
        if role == Role.REPORTER and code in codes:
            return username
    return REPORTERS[code]


def all_codes() -> list[str]:
    return [c for p in PERSONAS for c in p[2]] + list(REPORTERS)


@dataclass
class Plan:
    """One unit's part in the story: its habits and its figures for every day."""

    unit: Unit
    keys: list[str]  # the activities it reports
    laggard: bool
    habit: float  # the hour it usually reports at
    history: list[dict]  # cumulative figures, day by day
    reporter: object


def simulate(campaign: Campaign, users: dict, now: datetime) -> list[Submission]:
    """Every submission of the demo's history up to ``now``, in the order they arrive."""
    tz = campaign.tz
    today = now.astimezone(tz).date()
    days = (campaign.end - campaign.start).days + 1
    plans = []
    for p in campaign.participations_on(today).select_related("unit").order_by("unit__code"):
        rng = random.Random(f"{SEED}:{p.unit.code}")
        office = p.unit.kind == Unit.Kind.OFFICE
        laggard = p.unit.code in LAGGARDS
        plans.append(
            Plan(
                unit=p.unit,
                keys=p.activities,
                laggard=laggard,
                habit=rng.uniform(8.5, 11.0) if office else rng.uniform(9.5, 13.5),
                history=figures_by_day(rng, p.unit, p.groups, laggard, days),
                reporter=reporter_of(p.unit, users),
            )
        )
    out: list[Submission] = []
    for plan in plans:
        for n in range((today - campaign.start).days):
            if (plan.unit.code, n) not in MISSING:
                out += past_report(plan, campaign.start + timedelta(n), n, users, tz)
    out += reports_today(plans, campaign, now)
    return sorted(out, key=lambda s: s.at)


def past_report(plan: Plan, day: date, n: int, users: dict, tz: ZoneInfo) -> list[Submission]:
    """The unit's report for an earlier day: mostly in the morning, now and then late."""
    code = plan.unit.code
    rng = random.Random(f"{SEED}:{code}:{n}")
    hours = min(max(plan.habit + rng.gauss(0, 0.8), 8.0), 14.8)
    if (code, n) in LATE or rng.random() < (0.3 if plan.laggard else 0.03):
        hours = rng.uniform(15.1, 17.7)
    counts = activities(plan, n)
    s = Submission(
        at=moment(day, hours, tz),
        day=day,
        unit=plan.unit,
        user=plan.reporter,
        figures=plan.history[n],
        activities=counts,
    )
    if counts.get("broadcasts") == 1 and rng.random() < 0.5:
        s.note = BROADCAST_NOTE
    elif rng.random() < 0.08:
        s.note = rng.choice(NOTES)
    if (code, n) in PHONED:
        source, received, entered = PHONED[code, n]
        s.user, s.on_behalf, s.source = users[COORDINATOR], True, source
        s.received_at = datetime.combine(day, received, tzinfo=tz)
        s.at = datetime.combine(day, entered, tzinfo=tz)
    if (code, n) == CORRECTION:
        return correction(s, tz)
    return [s]


def correction(s: Submission, tz: ZoneInfo) -> list[Submission]:
    """A morning report that counted some residents twice, corrected before noon."""
    s.at = datetime.combine(s.day, time(9, 37), tzinfo=tz)
    right = s.figures["residents"]
    excess = min(186, right["with_smartphone"] - right["installed"])
    wrong = {**s.figures, "residents": {**right, "installed": right["installed"] + excess}}
    first = Submission(**{**s.__dict__, "figures": wrong, "note": ""})
    note = CORRECTION_NOTE.format(time="09:37", excess=excess)
    second = Submission(**{**s.__dict__, "at": s.at + timedelta(minutes=86), "note": note})
    return [first, second]


def reports_today(plans: list[Plan], campaign: Campaign, now: datetime) -> list[Submission]:
    """About half of the units have reported today, at times before ``now``."""
    tz = campaign.tz
    local_now = now.astimezone(tz)
    today = local_now.date()
    n = (today - campaign.start).days
    rng = random.Random(f"{SEED}:today")
    chosen = [p for p in plans if p.unit.code in TODAY_YES]
    others = [p for p in plans if p.unit.code not in TODAY_YES | TODAY_NO]
    wanted = max(0, min(len(others), round(len(plans) / 2) - len(chosen)))
    chosen = sorted(chosen + rng.sample(others, wanted), key=lambda p: p.habit)  # early first
    # Between 08:00 and 14:50; this early in the morning, in the hour before now.
    midnight = datetime.combine(today, time(0), tzinfo=tz)
    hi = max(midnight, min(local_now - timedelta(minutes=1), moment(today, 14 + 50 / 60, tz)))
    lo = min(hi, max(midnight, min(moment(today, 8.0, tz), local_now - timedelta(hours=1))))
    span = (hi - lo).total_seconds()
    times = sorted(lo + timedelta(seconds=int(rng.random() * span)) for _ in chosen)
    return [
        Submission(
            at=at,
            day=today,
            unit=plan.unit,
            user=plan.reporter,
            figures=plan.history[n],
            activities=activities(plan, n),
        )
        for at, plan in zip(times, chosen, strict=True)
    ]


def moment(day: date, hours: float, tz: ZoneInfo) -> datetime:
    """``day`` at ``hours`` o'clock (9.5 is 09:30), to the second, in ``tz``."""
    seconds = round(hours * 3600)
    return datetime.combine(day, time(0), tzinfo=tz) + timedelta(seconds=seconds)


def figures_by_day(rng: random.Random, unit: Unit, groups: list[str], laggard: bool, days: int):
    """A unit's cumulative figures for each day: installs never go down, phones grow a little.

    Staff rise fast toward 100%; residents follow an S-curve from 15-25% toward 45-75%.
    """
    out: list[dict] = [{} for _ in range(days)]
    phones = rng.randint(15, 60) if unit.kind == Unit.Kind.OFFICE else rng.randint(20, 45)
    start = rng.uniform(0.45, 0.6) if laggard else rng.uniform(0.55, 0.8)
    pace = rng.uniform(0.65, 0.8) if laggard else rng.uniform(0.3, 0.55)
    installed = 0
    for t in range(days):
        if t and rng.random() < 0.15:
            phones += 1  # someone found who had a smartphone after all
        share = 1 - (1 - start) * pace**t
        installed = min(phones, max(installed, round(phones * share)))
        out[t]["staff"] = {"with_smartphone": phones, "installed": installed}
    if "residents" in groups:
        phones = rng.randint(2000, 7000)
        first = rng.uniform(0.15, 0.25)
        last = rng.uniform(0.45, 0.52) if laggard else rng.uniform(0.58, 0.75)
        middle, width = rng.uniform(2.5, 3.5), rng.uniform(0.9, 1.4)

        def s_curve(x: float) -> float:
            return 1 / (1 + math.exp(-(x - middle) / width))

        installed = 0
        for t in range(days):
            if t:
                phones += round(phones * rng.uniform(0.002, 0.012))
            progress = (s_curve(t) - s_curve(0)) / (s_curve(days - 1) - s_curve(0))
            share = (first + (last - first) * progress) * rng.uniform(0.985, 1.015)
            installed = min(phones, max(installed, round(phones * share)))
            out[t]["residents"] = {"with_smartphone": phones, "installed": installed}
    return [{key: day[key] for key in groups} for day in out]


def activities(plan: Plan, n: int) -> dict[str, int]:
    """The day's counts of what the unit did to spread the word (not cumulative)."""
    rng = random.Random(f"{SEED}:{plan.unit.code}:{n}:activities")
    kind = plan.unit.kind
    residents = plan.history[0].get("residents", {}).get("with_smartphone", 0)
    early = n < 2  # banners go up and meetings are held in the first days
    if kind == Unit.Kind.OFFICE:
        counts = {
            "meetings": int(rng.random() < (0.8 if n == 0 else 0.2)),
            "social_posts": rng.randint(0, 3),
        }
    else:
        weights = (3, 5, 2) if plan.laggard else (1, 5, 4)
        town = 1.6 if kind == Unit.Kind.TOWN else 1.0
        counts = {
            "broadcasts": rng.choices((1, 2, 3), weights)[0],
            "leaflets": round(rng.randint(15, 80) * town * (1 - 0.08 * n)) * 10,
            "banners": rng.randint(2, 8) if early else rng.randint(0, 2),
            "meetings": rng.randint(1, 3) if early else rng.randint(0, 2),
            "social_posts": rng.randint(1, 6),
            "households_visited": round(residents * rng.uniform(0.015, 0.04)),
        }
    return {key: counts.get(key, 0) for key in plan.keys}


# --- door to door and an inspection ---------------------------------------------------------


@dataclass
class Household:
    hamlet: Unit
    label: str
    first: uuid.UUID  # the first visit, which a revisit links to


def door_to_door(campaign: Campaign, users: dict, now: datetime) -> None:
    """The teams, then their rounds: every campaign day until now, a morning and an evening
    round, each knocking on new doors and going back to those where nobody was home.

    Every visit goes through ``record_visit`` (as from a phone, received ``now``), so the
    rules on figures, outcomes, revisits and dates apply; visits are in the past only.
    """
    tz = campaign.tz
    units = {u.code: u for u in Unit.objects.filter(code__in=[c for t in TEAMS for c in t[3]])}
    communes = {u.code: u for u in Unit.objects.filter(code__in=[t[0] for t in TEAMS])}
    for code, name, organisations, hamlet_codes, (volunteer, _full), pace in TEAMS:
        reporter = users[reporter_username(code)]
        hamlets = [units[c] for c in hamlet_codes]
        team = save_team(
            campaign=campaign,
            commune=communes[code],
            user=reporter,
            name=name,
            organisations=organisations,
            members=[reporter, users[volunteer]],
            hamlets=hamlets,
        )
        rng = random.Random(f"{SEED}:visits:{code}:{name}")
        members = [users[volunteer]] * 3 + [reporter]  # the volunteer knocks on most doors
        numbers = {h.code: rng.randint(3, 40) for h in hamlets}  # house numbers go up
        due: list[Household] = []  # nobody home: to revisit
        for n in range((campaign.today() - campaign.start).days + 1):
            day = campaign.start + timedelta(n)
            for start, end in SESSIONS:
                at = moment(day, rng.uniform(start, start + 0.5), tz)
                finish = moment(day, end, tz)
                # Back to some of the households where nobody was home, then new doors.
                revisits = [h for h in due if rng.random() < 0.5]
                knocks = [(h, True) for h in revisits]
                knocks += [(None, False) for _ in range(rng.randint(*pace))]
                for household, again in knocks:
                    at += timedelta(minutes=rng.uniform(6, 14))
                    if at >= min(finish, now):
                        break
                    if household is None:
                        hamlet = rng.choice(hamlets)
                        numbers[hamlet.code] += rng.randint(1, 4)
                        label = f"Số {numbers[hamlet.code]}, tổ {rng.randint(1, 12)}"
                        household = Household(hamlet, label, uuid.UUID(int=0))
                    outcome, phones, had, installed = visit_outcome(rng, n, again)
                    visit_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                    record_visit(
                        visit_id=visit_id,
                        campaign=campaign,
                        hamlet=household.hamlet,
                        user=rng.choice(members),
                        visited_at=at,
                        outcome=outcome,
                        household=household.label,
                        smartphones=phones,
                        already_had=had,
                        installed_now=installed,
                        note=VISIT_NOTES.get(outcome, "") if rng.random() < 0.12 else "",
                        team=team,
                        revisit_of=household.first if again else None,
                        at=now,
                    )
                    if again and outcome != Outcome.NOBODY_HOME:
                        due.remove(household)
                    elif not again and outcome == Outcome.NOBODY_HOME:
                        household.first = visit_id
                        due.append(household)


def visit_outcome(rng: random.Random, n: int, again: bool) -> tuple[str, int, int, int]:
    """An outcome and its counts (smartphones, already had, installed now) that tell a
    household's story: one to three phones, some with the app, some installed on the spot."""
    weights = [max(1, w + shift * n) for _o, w, shift in OUTCOMES]
    if again:  # a revisit in the evening finds people home more often
        weights[-1] = max(1, weights[-1] // 3)
    outcome = rng.choices([o for o, _w, _s in OUTCOMES], weights)[0]
    if outcome in (Outcome.NO_SMARTPHONE, Outcome.NOBODY_HOME):
        return outcome, 0, 0, 0
    phones = rng.choices((1, 2, 3, 4), (40, 38, 16, 6))[0]
    if outcome == Outcome.ALREADY_HAD:
        return outcome, phones, rng.randint(1, phones), 0
    had = rng.randint(0, phones - 1)
    if outcome == Outcome.INSTALLED:
        return outcome, phones, had, rng.randint(1, phones - had)
    return outcome, phones, had, 0  # refused: a phone without the app, none installed


def inspect(campaign: Campaign, users: dict, now: datetime) -> Inspection:
    """Yesterday the coordinator called a sample of Long Khánh A's visited households: fewer
    had the app than the commune reports, and the inspection says so (a ``verified_gap``)."""
    unit = Unit.objects.get(code=INSPECTED)
    coordinator = users[COORDINATOR]
    day = campaign.today() - timedelta(1)
    sample = draw_sample(
        campaign,
        unit,
        user=coordinator,
        source=Sample.Source.VISITS,
        size=INSPECTION_SAMPLE,
        group="residents",
        seed=SEED,
    )
    report = Report.objects.filter(campaign=campaign, unit=unit, date__lte=day).latest("date")
    residents = report.figures["residents"]
    reported = residents["installed"] / residents["with_smartphone"]
    size = len(sample.items)
    # The most households with the app for which the sample still does not bear it out.
    with_app = max(
        (k for k in range(size + 1) if wilson_interval(k, size)[1] < reported - 0.03),
        default=0,
    )
    return record_inspection(
        campaign,
        unit,
        user=coordinator,
        date=day,
        inspector=coordinator.get_full_name(),
        method=Method.CALLING,
        group="residents",
        sample=sample,
        sample_size=size,
        with_app=with_app,
        findings=(
            "Gọi điện cho các hộ trong mẫu: nhiều hộ cho biết đã được hướng dẫn nhưng chưa "
            "cài đặt, hoặc đã gỡ ứng dụng."
        ),
        follow_up="Đề nghị xã rà soát lại số liệu người dân, báo cáo lại trong ngày.",
    )


# --- the chain of reports (#14) --------------------------------------------------------------


def chain(campaign: Campaign, users: dict, today: date) -> None:
    """Yesterday's reports, where each office stands with them: Hồng Ngự's coordinator wrote
    hers and approved it (it has its number); Tam Nông's draft, made by the system as the
    scheduler makes it, waits for its coordinator; the province's draft builds on Hồng Ngự's
    approved figures and on Tam Nông's as they stand ("chưa duyệt"). Today Hồng Ngự's
    coordinator has made a draft to follow the day's reports.

    Made through the documents' actions, so their rules and audit apply, at the moment the demo
    runs (the actions take no earlier time): their figures are those of now.
    """
    yesterday = today - timedelta(1)
    coordinator = users[COORDINATOR]
    hong_ngu, _created = make_draft(campaign, yesterday, coordinator, unit=APPROVED)
    hong_ngu = write_text(hong_ngu, coordinator, situation=SITUATION)
    approve_compilation(hong_ngu, coordinator, confirm=True)  # a commune did not report
    make_draft(campaign, yesterday, None, unit=NOT_YET)
    make_draft(campaign, yesterday, None, unit=PROVINCE_LEVEL)
    make_draft(campaign, today, coordinator, unit=APPROVED)
