"""The daily rhythm (#6): how long one `scheduler --once` pass takes, job by job.

For a district (Hồng Ngự: 22 reporting units) and for a province of 1,000 units, each unit with
its own reporter (with an e-mail address), a coordinator per district, a leader per district and
one for the province; half the units have reported by the afternoon. The clock is set to each
job's time in turn (08:00, 14:00, 15:00, 16:30, 17:00) and one pass is timed: planning, the job,
its notifications and one e-mail per recipient (Django's locmem backend: the time to build and
hand over the messages, not an SMTP server's), and a webhook to a local HTTP server.

Standalone, on a throwaway SQLite file in /tmp (never part of `make test`):

    .venv/bin/python bench/scheduler.py [--units 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DAY = date(2020, 8, 17)
TIMES = [
    ("08:00", "morning_reminder"),
    ("14:00", "afternoon_reminder"),
    ("15:00", "overdue"),
    ("16:30", "compile"),
    ("17:00", "leaders_summary"),
]


def setup_django() -> Path:
    db = Path(tempfile.mkdtemp(prefix="uptake-bench-")) / "scheduler.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "uptake.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    return db


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def province(units: int, hook: str) -> dict:
    """A province of districts of 20 units (8 offices, 12 communes) each."""
    districts = []
    for d in range((units + 19) // 20):
        children = []
        for u in range(min(20, units - 20 * d)):
            office = u < 8
            children.append(
                {
                    "code": f"P{d:03d}-{u:02d}",
                    "name": f"{'Phòng' if office else 'Xã'} số {u + 1} huyện {d + 1}",
                    "kind": "office" if office else "commune",
                    "reports": ["staff"] if office else ["staff", "residents"],
                }
            )
        districts.append(
            {
                "code": f"P{d:03d}",
                "name": f"Huyện số {d + 1}",
                "kind": "district",
                "units": children,
            }
        )
    return campaign(
        f"bench-{units}",
        "P000-00",
        {
            "code": "P",
            "name": "Tỉnh thử nghiệm",
            "kind": "province",
            "units": districts,
        },
        hook,
    )


def district(hook: str) -> dict:
    from uptake.campaigns.loader import read_file

    data = read_file(ROOT / "campaigns" / "bluezone-hong-ngu-2020.yaml")
    data.update({"slug": "bench-district", "webhooks": [{"url": hook, "secret": "b" * 32}]})
    data.update(
        {
            "start": DAY - timedelta(days=3),
            "target_date": DAY + timedelta(days=3),
            "end": DAY + timedelta(days=10),
        }
    )
    return data


def campaign(slug: str, coordinator: str, root: dict, hook: str) -> dict:
    return {
        "slug": slug,
        "app": "Bluezone",
        "title": "Cài đặt, sử dụng ứng dụng Bluezone",
        "start": DAY - timedelta(days=3),
        "target_date": DAY + timedelta(days=3),
        "end": DAY + timedelta(days=10),
        "coordinator": coordinator,
        "groups": {
            "staff": {"name": "Cán bộ", "target_percent": 100},
            "residents": {"name": "Người dân", "target_percent": 60},
        },
        "units": [root],
        "webhooks": [{"url": hook, "secret": "b" * 32}],
    }


def people(campaign) -> int:
    """A reporter per unit, a coordinator and a leader per district and at the top."""
    from django.contrib.auth import get_user_model

    from uptake.accounts.models import Profile
    from uptake.units.models import Unit

    User = get_user_model()
    units = [p.unit for p in campaign.participations.select_related("unit")]
    heads = [campaign.root, *Unit.objects.filter(parent=campaign.root, kind="district")]
    accounts = [(f"{campaign.slug}-r-{u.code}", "reporter", u) for u in units]
    for head in heads:
        accounts.append((f"{campaign.slug}-c-{head.code}", "coordinator", head))
        accounts.append((f"{campaign.slug}-v-{head.code}", "viewer", head))
    users = User.objects.bulk_create(
        [User(username=name, email=f"{name}@example.org", password="!") for name, *_ in accounts]
    )
    profiles = Profile.objects.bulk_create(
        [
            Profile(user=user, role=role)
            for user, (_n, role, _u) in zip(users, accounts, strict=True)
        ]
    )
    Through = Profile.units.through
    Through.objects.bulk_create(
        [
            Through(profile_id=p.pk, unit_id=u.pk)
            for p, (_n, _r, u) in zip(profiles, accounts, strict=True)
        ]
    )
    return len(users)


def reports(campaign, at) -> None:
    """Every unit reported the days before; half of them today, before the deadline."""
    from uptake.campaigns.models import Status
    from uptake.reports.models import Report

    rows = []
    participations = list(campaign.participations.select_related("unit").order_by("unit__path"))
    for n in range(4):
        day = campaign.start + timedelta(days=n)
        for i, p in enumerate(participations):
            if day == DAY and i % 2:
                continue
            figures = {key: {"with_smartphone": 100, "installed": 50 + 10 * n} for key in p.groups}
            moment = at(day, "10:00")
            rows.append(
                Report(
                    campaign=campaign,
                    unit=p.unit,
                    date=day,
                    status=Status.ON_TIME,
                    first_submitted_at=moment,
                    submitted_at=moment,
                    figures=figures,
                )
            )
    Report.objects.bulk_create(rows, batch_size=1000)


def passes(label: str) -> None:
    import time_machine
    from django.core import mail
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from uptake.notify.models import Delivery, JobRun, Notification
    from uptake.notify.scheduler import Scheduler
    from uptake.test import VN

    print(f"\n{label}")
    print(f"  {'time':<6} {'job':<20} {'pass':>8} {'queries':>8} {'notified':>9} {'e-mails':>8}")
    for clock, job in TIMES:
        moment = datetime.combine(DAY, datetime.strptime(clock, "%H:%M").time(), tzinfo=VN)
        with time_machine.travel(moment, tick=True):
            mail.outbox = []
            before = Notification.objects.count()
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                Scheduler("bench").run_due()
                took = time.perf_counter() - started
            notified = Notification.objects.count() - before
        print(
            f"  {clock:<6} {job:<20} {took:>7.2f}s {len(queries):>8} {notified:>9} "
            f"{len(mail.outbox):>8}"
        )
    failed = JobRun.objects.exclude(state__in=["done", "skipped"]).count()
    hooks = Delivery.objects.filter(channel="webhook", state="sent").count()
    print(f"  runs not done: {failed}; webhook deliveries sent: {hooks}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    args = parser.parse_args()
    db = setup_django()

    import time_machine

    from uptake.campaigns.loader import load_campaign
    from uptake.campaigns.models import Campaign
    from uptake.notify.models import JobRun
    from uptake.test import VN

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{server.server_address[1]}/hook"

    def at(day, clock):
        return datetime.combine(day, datetime.strptime(clock, "%H:%M").time(), tzinfo=VN)

    def settle(campaign):
        """The days before were done: only today's jobs run."""
        from uptake.notify.jobs import job_times

        JobRun.objects.bulk_create(
            [
                JobRun(
                    campaign=campaign,
                    job=job,
                    day=campaign.start + timedelta(days=n),
                    due_at=at(DAY, "00:00"),
                    next_attempt_at=at(DAY, "00:00"),
                    state="done",
                )
                for n in range(3)
                for job in job_times(campaign)
            ]
        )

    print(f"uptake scheduler bench, SQLite at {db}")
    for make, label in (
        (lambda: district(hook), "a district (Hồng Ngự)"),
        (lambda: province(args.units, hook), f"a province of {args.units} units"),
    ):
        with time_machine.travel(at(DAY - timedelta(days=3), "07:00"), tick=False):
            campaign, _stats = load_campaign(make())
        users = people(campaign)
        reports(campaign, at)
        settle(campaign)
        passes(f"{label}: {campaign.participations.count()} units, {users} users")
        # The next campaign's passes must not redo this one's day.
        Campaign.objects.filter(pk=campaign.pk).update(
            end=DAY - timedelta(days=30), start=DAY - timedelta(days=40)
        )
    server.shutdown()


if __name__ == "__main__":
    main()
