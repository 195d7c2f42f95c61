"""The shared test base: a small province, a campaign and the people who use it.

Personas (healthchecks' alice/bob/charlie, in Hồng Ngự):
- lan:  reporter of Thị trấn Thường Thới Tiền (870-TTT), a commune-level unit;
- minh: coordinator at the Office of Culture and Information, over the whole district (870);
- hoa:  viewer, a district leader who reads everything in 870 and changes nothing;
- tuan: reporter of a commune in another district (869-TH), who must see nothing of 870;
- root: admin.
The clock stands at 10:00 on 17/08/2020 in Hồng Ngự (03:00 UTC) unless a test moves it.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client, TestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from uptake.accounts.models import ApiToken, Profile
from uptake.accounts.twofactor import requires_two_factor
from uptake.campaigns.loader import load_campaign
from uptake.reports.actions import submit_report
from uptake.units.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "s3cret-Passw0rd!"
TODAY = date(2020, 8, 17)
NOW = datetime(2020, 8, 17, 10, 0, tzinfo=VN)

CAMPAIGN = {
    "slug": "bluezone-2020",
    "app": "Bluezone",
    "title": "Cài đặt, sử dụng ứng dụng Bluezone",
    "timezone": "Asia/Ho_Chi_Minh",
    "start": date(2020, 8, 14),
    "target_date": date(2020, 8, 20),
    "end": date(2020, 8, 31),
    "report_due": "15:00",
    "compile_at": "16:30",
    "coordinator": "870-VHTT",
    "groups": {
        "staff": {"name": "Cán bộ, công chức, viên chức, người lao động", "target_percent": 100},
        "residents": {"name": "Người dân", "target_percent": 60},
    },
    "activities": {
        "broadcasts": {"name": "Phát thanh trên hệ thống loa", "unit": "lượt", "daily_min": 2},
        "leaflets": {"name": "Tờ rơi đã phát", "unit": "tờ"},
        "meetings": {"name": "Cuộc họp, buổi tuyên truyền", "unit": "buổi"},
    },
    # The compiled report's letterhead (#3).
    "document": {
        "parent_issuer": "UBND HUYỆN HỒNG NGỰ",
        "issuer": "PHÒNG VĂN HÓA VÀ THÔNG TIN",
        "place": "Hồng Ngự",
        "symbol": "BC-VHTT",
        "signer": {
            "authority": "KT. TRƯỞNG PHÒNG",
            "capacity": "PHÓ TRƯỞNG PHÒNG",
            "name": "Nguyễn Thị Thu Hà",
        },
        "recipients": [
            {"name": "Thường trực UBND Huyện", "email": "ubnd@example.org"},
            {"name": "Sở Thông tin và Truyền thông tỉnh Đồng Tháp", "email": "sotttt@example.org"},
            {"name": "Lưu: VT"},
        ],
    },
    "units": [
        {
            "code": "87",
            "name": "Tỉnh Đồng Tháp",
            "kind": "province",
            "units": [
                {
                    "code": "870",
                    "name": "Huyện Hồng Ngự",
                    "kind": "district",
                    "units": [
                        {
                            "code": "870-VHTT",
                            "name": "Phòng Văn hóa và Thông tin",
                            "kind": "office",
                            "reports": ["staff"],
                            "activities": ["meetings"],
                        },
                        {
                            "code": "870-NV",
                            "name": "Phòng Nội vụ",
                            "kind": "office",
                            "reports": ["staff"],
                        },
                        {
                            "code": "870-TTT",
                            "name": "Thị trấn Thường Thới Tiền",
                            "kind": "town",
                            "reports": ["staff", "residents"],
                            "activities": ["broadcasts", "leaflets", "meetings"],
                        },
                        {
                            "code": "870-LKA",
                            "name": "Xã Long Khánh A",
                            "kind": "commune",
                            "reports": ["staff", "residents"],
                            "activities": ["broadcasts", "leaflets", "meetings"],
                        },
                    ],
                },
                {
                    "code": "869",
                    "name": "Huyện Tân Hồng",
                    "kind": "district",
                    "units": [
                        {
                            "code": "869-TH",
                            "name": "Xã Tân Hộ Cơ",
                            "kind": "commune",
                            "reports": ["staff", "residents"],
                        },
                    ],
                },
            ],
        }
    ],
}


def campaign_data(**changes) -> dict:
    """A fresh copy of the test campaign file, with top-level keys changed."""
    data = copy.deepcopy(CAMPAIGN)
    data.update(changes)
    return data


def figures(staff=(41, 39), residents=(5200, 2950)) -> dict:
    out = {"staff": {"with_smartphone": staff[0], "installed": staff[1]}}
    if residents is not None:
        out["residents"] = {"with_smartphone": residents[0], "installed": residents[1]}
    return out


def verify_session(client: Client, user) -> None:
    """Give ``client``'s logged-in session the second factor, as if ``user`` had typed the code
    of their authenticator (made for them, confirmed, when they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class VerifiedClient(Client):
    """The test client, whose ``force_login`` and ``login`` also give the second factor for
    coordinators and admins (who need it on every page): tests of a page need not type codes.
    Tests of the two-step log-in itself use a plain ``Client``."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if requires_two_factor(user):
            verify_session(self, user)

    def login(self, **credentials):
        if not super().login(**credentials):
            return False
        user = get_user_model().objects.get(pk=self.session[SESSION_KEY])
        if requires_two_factor(user):
            verify_session(self, user)
        return True


def make_user(username: str, role: str, *codes: str):
    """A persona: a user of ``role`` (an admin is staff and superuser) over the units ``codes``,
    whose password is PASSWORD."""
    user = get_user_model().objects.create_user(
        username,
        f"{username}@example.org",
        PASSWORD,
        is_staff=role == "admin",
        is_superuser=role == "admin",
    )
    profile = Profile.objects.create(user=user, role=role)
    profile.units.set(Unit.objects.filter(code__in=codes))
    return user


class BaseTestCase(TestCase):
    """Loads the campaign and the personas; the clock stands at NOW. ``self.client`` logs
    coordinators and admins in with their second factor (VerifiedClient)."""

    client_class = VerifiedClient

    def setUp(self):
        super().setUp()
        self.clock = time_machine.travel(NOW, tick=False)
        self.clock.start()
        self.addCleanup(self.clock.stop)
        self.campaign, _stats = load_campaign(campaign_data())
        self.lan = self.make_user("lan", "reporter", "870-TTT")
        self.minh = self.make_user("minh", "coordinator", "870")
        self.hoa = self.make_user("hoa", "viewer", "870")
        self.tuan = self.make_user("tuan", "reporter", "869-TH")
        self.root = self.make_user("root", "admin")

    def make_user(self, username: str, role: str, *codes: str):
        return make_user(username, role, *codes)

    def login(self, user) -> None:
        """Log ``user`` in on ``self.client``, with the second factor when they need one."""
        self.client.force_login(user)

    def unit(self, code: str) -> Unit:
        return Unit.objects.get(code=code)

    def submit(self, code: str, day: date = TODAY, user=None, **kwargs):
        """Submit figures for ``code`` as ``user`` (the coordinator by default)."""
        unit = self.unit(code)
        if "figures" not in kwargs:
            kwargs["figures"] = figures(residents=None) if unit.kind == "office" else figures()
        return submit_report(
            campaign=self.campaign, unit=unit, day=day, user=user or self.minh, **kwargs
        )

    def token(self, user) -> str:
        return ApiToken.issue(user)

    def bearer(self, user) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token(user)}"}
