"""build_summary equals the hand-written SQL floor (reports/sql.py) on generated data (#7).

A tree of four levels (nation, provinces, districts, offices and communes) with a week of
generated reports: late and on-time ones, corrections, missing days, figures carried forward,
zero smartphones, a unit that left the campaign, one that joined late, reports dated after the
day and another campaign's reports for the same units. Every root and every day must agree.
Runs on SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import time_machine
from django.contrib.auth import get_user_model
from django.test import TestCase

from uptake.accounts.models import Profile
from uptake.campaigns.loader import load_campaign
from uptake.reports.actions import submit_report
from uptake.reports.models import percent
from uptake.reports.sql import summary_floor
from uptake.reports.summary import build_summary
from uptake.test import VN
from uptake.units.models import Unit

START = date(2020, 8, 10)
DAYS = 7
LAST = START + timedelta(days=DAYS - 1)
NOW = datetime(2020, 8, 16, 18, 0, tzinfo=VN)  # after the last day's deadline
SYLLABLES = "An Bình Phú Long Tân Hòa Thạnh Mỹ Phước Thới Hưng Đông Vĩnh Thuận Lộc Hải".split()


def nation(rng: random.Random, slug: str) -> dict:
    provinces = []
    # "P_0" and "PX0": an unescaped "_" in LIKE would take the second for the first's subtree.
    for p, pcode in enumerate(["P_0", "P_1", "PX0"]):
        districts = []
        for d in range(rng.randint(2, 3)):
            code = f"{p}{d}"
            units = [
                {
                    "code": f"{code}-O{o}",
                    "name": f"Phòng {rng.choice(SYLLABLES)}",
                    "kind": "office",
                    "reports": ["staff"],
                }
                for o in range(rng.randint(1, 3))
            ]
            units += [
                {
                    "code": f"{code}-C{c}",
                    "name": f"Xã {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}",
                    "kind": rng.choice(["commune", "town", "ward"]),
                    "reports": ["staff", "residents"],
                }
                for c in range(rng.randint(2, 5))
            ]
            districts.append(
                {
                    "code": code,
                    "name": f"Huyện {rng.choice(SYLLABLES)}",
                    "kind": "district",
                    "units": units,
                }
            )
        provinces.append(
            {
                "code": pcode,
                "name": f"Tỉnh {rng.choice(SYLLABLES)}",
                "kind": "province",
                "units": districts,
            }
        )
    return {
        "slug": slug,
        "app": "Bluezone",
        "title": "Cài đặt Bluezone",
        "start": START,
        "target_date": LAST,
        "end": LAST + timedelta(days=7),
        "coordinator": "VN-B",
        "groups": {
            "staff": {"name": "Cán bộ", "target_percent": 100},
            "residents": {"name": "Người dân", "target_percent": 60},
        },
        "units": [
            {
                "code": "VN",
                "name": "Việt Nam",
                "kind": "nation",
                "units": [
                    {"code": "VN-B", "name": "Bộ Thông tin và Truyền thông", "kind": "office"},
                    *provinces,
                ],
            }
        ],
    }


class SummarySqlTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        rng = random.Random(7)
        user = get_user_model().objects.create_user("admin", is_superuser=True)
        Profile.objects.create(user=user, role="admin")
        with time_machine.travel(datetime(2020, 8, 9, 9, 0, tzinfo=VN), tick=False):
            cls.campaign, _ = load_campaign(nation(rng, "bluezone-vn"))
            cls.other, _ = load_campaign(nation(random.Random(7), "other-campaign"))
        data = nation(random.Random(7), "bluezone-vn")
        # On 13/08 one commune leaves the campaign (expected that day, not after) and a ward joins.
        district = data["units"][0]["units"][1]["units"][0]
        gone = district["units"].pop()
        district["units"].append(
            {"code": "NEW-1", "name": "Phường Mới", "kind": "ward", "reports": ["staff"]}
        )
        with time_machine.travel(datetime(2020, 8, 13, 9, 0, tzinfo=VN), tick=False):
            load_campaign(data)
        cls.gone = gone["code"]

        with time_machine.travel(NOW, tick=False):
            for campaign in (cls.campaign, cls.other):
                for p in campaign.participations.select_related("unit").order_by("unit__path"):
                    cls.report_week(rng, campaign, p, user)

    @classmethod
    def report_week(cls, rng, campaign, participation, user):
        people = {
            "staff": rng.choice([0, rng.randint(10, 60)]),
            "residents": rng.randint(100, 9000),
        }
        installed = {key: 0 for key in people}
        last = participation.active_until or LAST
        for n in range(DAYS):
            day = START + timedelta(days=n)
            if day < participation.active_from or day > last or rng.random() < 0.25:
                continue  # missing that day
            figures = {}
            for key in participation.groups:
                installed[key] = min(
                    people[key], installed[key] + rng.randint(0, people[key] // 5 + 1)
                )
                figures[key] = {"with_smartphone": people[key], "installed": installed[key]}
            minutes = rng.choice([-300, -60, -1, 0, 1, 45])  # against the 15:00 deadline
            at = datetime.combine(day, campaign.report_due, tzinfo=VN) + timedelta(minutes=minutes)
            submit_report(
                campaign=campaign,
                unit=participation.unit,
                day=day,
                figures=figures,
                user=user,
                via="api",
                at=at,
            )
            if rng.random() < 0.2:  # a correction (lower, with a note): the one that counts
                for key in figures:
                    installed[key] = max(0, installed[key] - rng.randint(0, 3))
                    figures[key] = {"with_smartphone": people[key], "installed": installed[key]}
                submit_report(
                    campaign=campaign,
                    unit=participation.unit,
                    day=day,
                    figures=figures,
                    user=user,
                    note="Sửa số liệu",
                    at=at + timedelta(hours=2),
                )

    def assert_same(self, day: date, root: Unit):
        summary = build_summary(self.campaign, day, root).as_dict()
        floor = summary_floor(self.campaign.pk, day, root.path, ["staff", "residents"])
        where = f"{root.code} on {day}"
        self.assertEqual(summary["reporting"], floor["reporting"], where)
        for key, totals in floor["totals"].items():
            self.assertEqual(
                {k: summary["totals"][key][k] for k in ("with_smartphone", "installed")},
                totals,
                where,
            )
        tz = self.campaign.tz
        expected = [
            {
                "code": u["code"],
                "status": u["status"],
                "submitted_at": u["submitted_at"].astimezone(tz).isoformat()
                if u["submitted_at"]
                else None,
                "revision": u["revision"],
                "figures_date": u["figures_date"].isoformat() if u["figures_date"] else None,
                "groups": {
                    key: {
                        **g,
                        "percent": percent(g["installed"], g["with_smartphone"])
                        if g["installed"] is not None
                        else None,
                    }
                    for key, g in u["groups"].items()
                },
            }
            for u in floor["units"]
        ]
        got = [
            {
                "code": u["code"],
                "status": u["status"],
                "submitted_at": u["submitted_at"],
                "revision": u["revision"],
                "figures_date": u["figures_date"],
                "groups": {
                    key: {k: g[k] for k in ("with_smartphone", "installed", "percent")}
                    for key, g in u["groups"].items()
                },
            }
            for u in summary["units"]
        ]
        # The same units and figures; the summary lists them as the directive groups them
        # (offices, then communes, #17), the floor by path.
        by_code = sorted(got, key=lambda u: u["code"])
        self.assertEqual(by_code, sorted(expected, key=lambda u: u["code"]), where)
        return floor

    def test_the_summary_equals_the_sql_floor_for_every_root_and_day(self):
        roots = list(Unit.objects.filter(path__startswith="VN/").exclude(kind="office"))
        self.assertGreater(len(roots), 20)
        statuses = set()
        for n in range(-1, DAYS + 1):
            day = START + timedelta(days=n)
            for root in roots:
                floor = self.assert_same(day, root)
                statuses.update(u["status"] for u in floor["units"])
        self.assertEqual(statuses, {"on_time", "late", "missing"})

    def test_the_generated_data_has_what_the_comparison_needs(self):
        reports = self.campaign.reports
        self.assertTrue(reports.filter(revision__gt=1).exists())
        self.assertTrue(reports.filter(status="late").exists())
        self.assertTrue(reports.filter(figures__staff__with_smartphone=0).exists())
        self.assertFalse(reports.filter(unit__code=self.gone, date__gt=date(2020, 8, 13)).exists())
        self.assertTrue(reports.filter(unit__code="NEW-1").exists())
        self.assertTrue(self.other.reports.exists())
        # A day when the unit that left is still expected, and one when it no longer is.
        floor = summary_floor(self.campaign.pk, date(2020, 8, 13), "VN/", ["staff"])
        self.assertIn(self.gone, [u["code"] for u in floor["units"]])
        floor = summary_floor(self.campaign.pk, date(2020, 8, 14), "VN/", ["staff"])
        self.assertNotIn(self.gone, [u["code"] for u in floor["units"]])

    def test_an_underscore_in_a_root_code_is_not_a_wildcard(self):
        floor = summary_floor(self.campaign.pk, LAST, "VN/P_0/", ["staff"])
        codes = {u["code"] for u in floor["units"]}
        self.assertEqual(
            codes,
            set(
                self.campaign.participations_on(LAST)
                .filter(unit__path__startswith="VN/P_0/")
                .values_list("unit__code", flat=True)
            ),
        )
        self.assertFalse(
            codes
            & set(Unit.objects.filter(path__startswith="VN/PX0/").values_list("code", flat=True))
        )
