"""What the documents' tests share: a district campaign and four days of history.

The compiled report covers a campaign's root, and the coordinator compiles it when the root is
within their units. uptake.test's campaign is rooted at the province (87) while minh coordinates
the district (870): here the district's own campaign, ``bluezone-hong-ngu``, is loaded from the
same units (870 and its four units become a tree of their own; 869 stays under 87, so tuan is
still "another district"). ``self.campaign`` is the district's campaign; ``self.province`` the
province's, for the dashboard's row per district.

History: 14, 15 and 16/08 reported by every unit at 14:00 (on time); today (17/08, the clock at
10:00) by 870-TTT and 870-NV only. See ``FIGURES`` for the numbers.

``PostPageMixin``: the negative tests every POST page of a day's report shares.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta

from django.test import override_settings

from uptake.campaigns.loader import load_campaign
from uptake.campaigns.models import Campaign
from uptake.test import CAMPAIGN, PASSWORD, TODAY, VN, BaseTestCase, campaign_data

SLUG = "bluezone-hong-ngu"
START = date(2020, 8, 14)

# Per unit, per day from the 14th: (staff with a smartphone, installed), (residents ...).
FIGURES = {
    "870-VHTT": [((20, 16), None), ((20, 18), None), ((20, 19), None), ((20, 20), None)],
    "870-NV": [((15, 9), None), ((15, 11), None), ((15, 12), None), ((15, 13), None)],
    "870-TTT": [
        ((41, 30), (5200, 1500)),
        ((41, 34), (5200, 2100)),
        ((41, 37), (5200, 2600)),
        ((41, 39), (5200, 2950)),
    ],
    "870-LKA": [
        ((30, 20), (4000, 600)),
        ((30, 22), (4000, 900)),
        ((30, 25), (4000, 1200)),
        ((30, 27), (4000, 1500)),
    ],
}
ACTIVITIES = {
    "870-VHTT": {"meetings": 1},
    "870-TTT": {"broadcasts": 2, "leaflets": 300, "meetings": 1},
    "870-LKA": {"broadcasts": 1, "leaflets": 150, "meetings": 0},
}


def district_data(**changes) -> dict:
    """The test campaign cut down to its district: 870 and its units, rooted at 870."""
    district = copy.deepcopy(CAMPAIGN["units"][0]["units"][0])
    assert district["code"] == "870"
    return campaign_data(**{"slug": SLUG, "units": [district], **changes})


def figures_of(code: str, index: int) -> dict:
    staff, residents = FIGURES[code][index]
    out = {"staff": {"with_smartphone": staff[0], "installed": staff[1]}}
    if residents is not None:
        out["residents"] = {"with_smartphone": residents[0], "installed": residents[1]}
    return out


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VN)


# Users are made in every test's set-up: a fast hasher keeps that from dominating the suite.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DocumentsTestCase(BaseTestCase):
    """BaseTestCase with the district's campaign as ``self.campaign`` and its history."""

    history = True

    def setUp(self):
        super().setUp()
        self.province = self.campaign
        self.campaign, _stats = load_campaign(district_data())
        if self.history:
            self.fill_history()

    def fill_history(self, today_units=("870-TTT", "870-NV")) -> None:
        for index in range(3):
            day = START + timedelta(days=index)
            for code in FIGURES:
                self.report(code, day, index, at=at(day, 14))
        for code in today_units:
            self.report(code, TODAY, 3)

    def report(self, code: str, day: date, index: int, campaign: Campaign | None = None, **kw):
        return self.submit(
            code,
            day,
            figures=figures_of(code, index),
            activities=ACTIVITIES.get(code),
            campaign=campaign,
            **kw,
        )

    def submit(self, code: str, day: date = TODAY, user=None, campaign=None, **kwargs):
        from uptake.reports.actions import submit_report

        unit = self.unit(code)
        if "figures" not in kwargs:
            kwargs["figures"] = figures_of(code, min(3, (day - START).days))
        return submit_report(
            campaign=campaign or self.campaign, unit=unit, day=day, user=user or self.minh, **kwargs
        )


PAGE = "/c/bluezone-hong-ngu/compilations/2020-08-17/"


class PostPageMixin:
    action = ""

    def post(self, user, data=None, url=None):
        self.client.login(username=user.username, password=PASSWORD)
        return self.client.post(url or PAGE + self.action, data or {})

    def test_viewers_and_reporters_are_refused(self):
        self.assertEqual(self.post(self.hoa).status_code, 403)
        self.assertEqual(self.post(self.lan).status_code, 403)

    def test_another_district_finds_nothing(self):
        self.assertEqual(self.post(self.tuan).status_code, 404)

    def test_it_refuses_get(self):
        self.client.login(username="minh", password=PASSWORD)
        self.assertEqual(self.client.get(PAGE + self.action).status_code, 405)
