"""The door-to-door test base: the shared campaign with hamlets, store links and a team.

Besides uptake.test's personas (lan reports for the town 870-TTT, minh coordinates the
district, hoa reads it, tuan reports in another district, root is admin):
- mai: a Youth Union volunteer with no unit of her own, member of the town's team "Tổ 1",
  which covers Khóm An Thịnh (870-TTT-K1) only.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.test import override_settings

from uptake.campaigns.loader import load_campaign
from uptake.fieldwork.actions import record_visit
from uptake.fieldwork.models import Team
from uptake.test import NOW, BaseTestCase, campaign_data

HAMLETS = {
    "870-TTT": [
        {"code": "870-TTT-K1", "name": "Khóm An Thịnh", "kind": "hamlet", "households": 620},
        {"code": "870-TTT-K2", "name": "Khóm Thượng", "kind": "hamlet", "households": 480},
    ],
    "870-LKA": [
        {"code": "870-LKA-A1", "name": "Ấp Long Thạnh A", "kind": "hamlet", "households": 540},
    ],
    "869-TH": [
        {"code": "869-TH-A1", "name": "Ấp Tân Hòa", "kind": "hamlet", "households": 350},
    ],
}
STORE_LINKS = {
    "android": "https://play.google.com/store/apps/details?id=com.mic.bluezone",
    "ios": "https://apps.apple.com/vn/app/bluezone/id1508062685",
}


def fieldwork_campaign(**changes) -> dict:
    """The shared test campaign file, with hamlets under three communes and store links."""
    data = campaign_data(**{"store_links": dict(STORE_LINKS), **changes})

    def add(units):
        for unit in units:
            if unit["code"] in HAMLETS:
                unit["units"] = [dict(h) for h in HAMLETS[unit["code"]]]
            add(unit.get("units", []))

    add(data["units"])
    return data


# Six personas a test: a fast hasher keeps the suite quick (no test here is about passwords).
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class FieldworkTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.campaign, _stats = load_campaign(fieldwork_campaign())
        self.town = self.unit("870-TTT")
        self.k1 = self.unit("870-TTT-K1")
        self.k2 = self.unit("870-TTT-K2")
        self.a1 = self.unit("870-LKA-A1")
        self.tan_hoa = self.unit("869-TH-A1")
        self.mai = self.make_user("mai", "viewer")
        self.team = Team.objects.create(
            campaign=self.campaign, commune=self.town, name="Tổ 1", organisations=["doan_tn"]
        )
        self.team.members.add(self.mai)
        self.team.hamlets.add(self.k1)

    def payload(self, **changes) -> dict:
        """A visit as the phone sends it: a household in Khóm An Thịnh that installed."""
        data = {
            "id": str(uuid.uuid4()),
            "campaign": self.campaign.slug,
            "hamlet": "870-TTT-K1",
            "household": "Số 12, tổ 3",
            "visited_at": "2020-08-17T09:30:00+07:00",
            "outcome": "installed",
            "smartphones": 2,
            "already_had": 1,
            "installed_now": 1,
            "note": "",
        }
        data.update(changes)
        return data

    def record(self, user=None, hamlet=None, at: datetime | None = None, **changes):
        """Record a visit through the action (mai in Khóm An Thịnh by default)."""
        values = {
            "visit_id": uuid.uuid4(),
            "household": "Số 12, tổ 3",
            "outcome": "installed",
            "smartphones": 2,
            "already_had": 1,
            "installed_now": 1,
        }
        values.update(changes)
        visit, _created = record_visit(
            campaign=self.campaign,
            hamlet=hamlet or self.k1,
            user=user or self.mai,
            visited_at=at or NOW.replace(hour=9, minute=30),
            **values,
        )
        return visit
