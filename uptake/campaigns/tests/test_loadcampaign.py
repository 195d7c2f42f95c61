"""manage.py loadcampaign FILE: the campaign file in, checked, written all or nothing."""

from __future__ import annotations

from datetime import date, datetime, time
from io import StringIO
from pathlib import Path

import pytest
import time_machine
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from uptake.accounts.models import Profile
from uptake.campaigns.loader import CampaignFileError, load_campaign, read_file
from uptake.campaigns.models import Activity, Campaign, Group, Participation
from uptake.reports.actions import submit_report
from uptake.reports.models import Report
from uptake.test import NOW, VN, campaign_data, figures
from uptake.units.models import Unit

pytestmark = pytest.mark.django_db
CAMPAIGN_TITLE = campaign_data()["title"]
SHIPPED = Path(settings.BASE_DIR) / "campaigns" / "bluezone-hong-ngu-2020.yaml"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def write(tmp_path: Path, data, name: str = "campaign.yaml") -> Path:
    path = tmp_path / name
    text = (
        data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    )
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> str:
    out = StringIO()
    call_command("loadcampaign", str(path), stdout=out)
    return out.getvalue()


def rows() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "campaigns": Campaign.objects.count(),
        "groups": Group.objects.count(),
        "activities": Activity.objects.count(),
        "participations": Participation.objects.count(),
    }


def towns(data: dict) -> list[dict]:
    """The units of district 870 in a campaign_data() dict."""
    return data["units"][0]["units"][0]["units"]


# A valid file


def test_it_loads_a_valid_file(tmp_path):
    output = load(write(tmp_path, campaign_data()))

    assert output == "bluezone-2020: 8 units, 5 reporting\n"
    campaign = Campaign.objects.get()
    assert campaign.slug == "bluezone-2020"
    assert campaign.app == "Bluezone"
    assert campaign.title == "Cài đặt, sử dụng ứng dụng Bluezone"
    assert campaign.timezone == "Asia/Ho_Chi_Minh"
    assert (campaign.start, campaign.target_date, campaign.end) == (
        date(2020, 8, 14),
        date(2020, 8, 20),
        date(2020, 8, 31),
    )
    assert (campaign.report_due, campaign.compile_at) == (time(15, 0), time(16, 30))
    assert campaign.coordinator.code == "870-VHTT"
    assert campaign.root.code == "87"
    assert campaign.source["slug"] == "bluezone-2020"
    assert [(g.key, g.name, float(g.target_percent)) for g in campaign.groups.all()] == [
        ("staff", "Cán bộ, công chức, viên chức, người lao động", 100.0),
        ("residents", "Người dân", 60.0),
    ]
    assert [(a.key, a.unit, a.daily_min) for a in campaign.activities.all()] == [
        ("broadcasts", "lượt", 2),
        ("leaflets", "tờ", None),
        ("meetings", "buổi", None),
    ]
    participations = {
        p.unit.code: (p.groups, p.activities, p.active_from, p.active_until)
        for p in campaign.participations.select_related("unit")
    }
    assert participations == {
        "870-VHTT": (["staff"], ["meetings"], date(2020, 8, 14), None),
        "870-NV": (["staff"], [], date(2020, 8, 14), None),
        "870-TTT": (
            ["staff", "residents"],
            ["broadcasts", "leaflets", "meetings"],
            date(2020, 8, 14),
            None,
        ),
        "870-LKA": (
            ["staff", "residents"],
            ["broadcasts", "leaflets", "meetings"],
            date(2020, 8, 14),
            None,
        ),
        "869-TH": (["staff", "residents"], [], date(2020, 8, 14), None),
    }
    ttt = Unit.objects.get(code="870-TTT")
    assert (ttt.name, ttt.kind, ttt.parent.code) == ("Thị trấn Thường Thới Tiền", "town", "870")
    assert ttt.path == "87/870/870-TTT/"
    assert ttt.search_name == "thi tran thuong thoi tien"


def test_the_last_reporting_day_defaults_to_the_target_date(tmp_path):
    data = campaign_data()
    del data["end"]
    load(write(tmp_path, data))
    assert Campaign.objects.get().end == date(2020, 8, 20)


def test_times_and_codes_written_in_quotes_are_read_as_such(tmp_path):
    text = SHIPPED.read_text(encoding="utf-8")
    assert 'report_due: "15:00"' in text
    campaign, _stats = load_campaign(yaml.safe_load(text))
    assert campaign.report_due == time(15, 0)
    assert campaign.root.code == "870"


# Loading again


def test_loading_again_updates_in_place_without_duplicates(tmp_path):
    load(write(tmp_path, campaign_data()))
    before = rows()

    data = campaign_data(title="Bluezone: tăng tốc", report_due="14:30")
    data["groups"]["residents"]["target_percent"] = 65
    data["activities"]["broadcasts"]["daily_min"] = 3
    towns(data)[1]["name"] = "Phòng Nội vụ huyện"
    towns(data)[1]["reports"] = ["staff", "residents"]
    output = load(write(tmp_path, data))

    assert output == "bluezone-2020: 8 units, 5 reporting\n"
    assert rows() == before
    campaign = Campaign.objects.get()
    assert campaign.title == "Bluezone: tăng tốc"
    assert campaign.report_due == time(14, 30)
    assert float(campaign.groups.get(key="residents").target_percent) == 65.0
    assert campaign.activities.get(key="broadcasts").daily_min == 3
    assert Unit.objects.get(code="870-NV").name == "Phòng Nội vụ huyện"
    participation = campaign.participations.get(unit__code="870-NV")
    assert participation.groups == ["staff", "residents"]
    assert participation.active_from == date(2020, 8, 14)


def test_loading_the_same_file_twice_changes_nothing(tmp_path):
    path = write(tmp_path, campaign_data())
    load(path)
    first = {
        p.pk: (p.groups, p.activities, p.active_from, p.active_until)
        for p in Participation.objects.all()
    }
    load(path)
    again = {
        p.pk: (p.groups, p.activities, p.active_from, p.active_until)
        for p in Participation.objects.all()
    }
    assert again == first
    assert rows() == {"units": 8, "campaigns": 1, "groups": 2, "activities": 3, "participations": 5}


def test_a_group_or_activity_removed_from_the_file_is_removed(tmp_path):
    load(write(tmp_path, campaign_data()))
    data = campaign_data()
    del data["groups"]["residents"]
    del data["activities"]["leaflets"]
    for unit in towns(data) + data["units"][0]["units"][1]["units"]:
        unit["reports"] = ["staff"]
        if "leaflets" in unit.get("activities", []):
            unit["activities"].remove("leaflets")
    load(write(tmp_path, data))
    campaign = Campaign.objects.get()
    assert [g.key for g in campaign.groups.all()] == ["staff"]
    assert [a.key for a in campaign.activities.all()] == ["broadcasts", "meetings"]
    assert campaign.participations.get(unit__code="870-TTT").groups == ["staff"]


def test_a_unit_removed_from_the_file_is_no_longer_expected_from_the_next_day(tmp_path):
    campaign, _stats = load_campaign(campaign_data())
    minh = Profile.objects.create(
        user=get_user_model().objects.create_user("minh"), role="coordinator"
    )
    minh.units.set([Unit.objects.get(code="870")])
    submit_report(
        campaign=campaign,
        unit=Unit.objects.get(code="870-LKA"),
        day=date(2020, 8, 16),
        figures=figures(),
        user=minh.user,
    )

    data = campaign_data()
    towns(data).pop(3)  # 870-LKA
    output = load(write(tmp_path, data))

    assert output == "bluezone-2020: 7 units, 4 reporting, 1 no longer expected\n"
    participation = Participation.objects.get(unit__code="870-LKA")
    assert participation.active_until == date(2020, 8, 17)
    assert campaign.participations_on(date(2020, 8, 17)).filter(unit__code="870-LKA").exists()
    assert not campaign.participations_on(date(2020, 8, 18)).filter(unit__code="870-LKA").exists()
    assert Report.objects.filter(unit__code="870-LKA").count() == 1
    assert Unit.objects.filter(code="870-LKA").exists()

    # Loading the same file the next day keeps the day it left.
    with time_machine.travel(datetime(2020, 8, 18, 9, 0, tzinfo=VN), tick=False):
        assert load(write(tmp_path, data)) == "bluezone-2020: 7 units, 4 reporting\n"
    assert Participation.objects.get(unit__code="870-LKA").active_until == date(2020, 8, 17)


def test_a_unit_back_in_the_file_is_expected_again(tmp_path):
    load_campaign(campaign_data())
    data = campaign_data()
    towns(data).pop(3)
    load(write(tmp_path, data))
    load(write(tmp_path, campaign_data()))
    assert Participation.objects.get(unit__code="870-LKA").active_until is None
    assert Participation.objects.count() == 5


def test_a_unit_added_to_a_running_campaign_is_expected_from_today(tmp_path):
    load_campaign(campaign_data())
    data = campaign_data()
    towns(data).append(
        {
            "code": "870-LKB",
            "name": "Xã Long Khánh B",
            "kind": "commune",
            "reports": ["staff", "residents"],
        }
    )
    assert load(write(tmp_path, data)) == "bluezone-2020: 9 units, 6 reporting\n"
    assert Participation.objects.get(unit__code="870-LKB").active_from == date(2020, 8, 17)


def test_a_unit_under_another_parent_refuses_the_whole_file(tmp_path):
    """One unit tree (#14): a file never moves a unit; it names the unit and both parents."""
    load_campaign(campaign_data())
    before = rows()
    data = campaign_data(title="Đổi tên")
    ttt = towns(data).pop(2)
    data["units"][0]["units"][1]["units"].append(ttt)
    with pytest.raises(CommandError) as exc:
        load(write(tmp_path, data))
    message = str(exc.value)
    assert "'870-TTT' lies under '870'" in message and "under '869'" in message
    assert Unit.objects.get(code="870-TTT").path == "87/870/870-TTT/"
    assert rows() == before
    assert Campaign.objects.get().title == CAMPAIGN_TITLE


# Invalid files: an error naming the key, nothing written

INVALID = [
    ("unknown key", lambda d: d.update(colour="đỏ"), "colour", "unknown key"),
    (
        "unknown key in a unit",
        lambda d: towns(d)[0].update(colour="đỏ"),
        "units[0].units[0].units[0].colour",
        "unknown key",
    ),
    ("missing key", lambda d: d.pop("app"), "app", "Field required"),
    ("missing units", lambda d: d.pop("units"), "units", "Field required"),
    (
        "bad kind",
        lambda d: towns(d)[2].update(kind="village"),
        "units[0].units[0].units[2].kind",
        "Input should be",
    ),
    (
        "unknown group in reports",
        lambda d: towns(d)[2].update(reports=["staff", "pets"]),
        "units[0].units[0].units[2].reports",
        "unknown group 'pets'",
    ),
    (
        "group listed twice",
        lambda d: towns(d)[2].update(reports=["staff", "staff"]),
        "units[0].units[0].units[2].reports",
        "listed twice",
    ),
    (
        "duplicate code",
        lambda d: towns(d)[3].update(code="870-TTT"),
        "units[0].units[0].units[3].code",
        "'870-TTT' is already used at units[0].units[0].units[2]",
    ),
    (
        "code with a slash",
        lambda d: towns(d)[2].update(code="870/TTT"),
        "units[0].units[0].units[2].code",
        'cannot contain "/"',
    ),
    (
        "coordinator not in file",
        lambda d: d.update(coordinator="870-YT"),
        "coordinator",
        "no unit with code '870-YT'",
    ),
    (
        "unquoted numeric code",
        lambda d: d["units"][0]["units"][0].update(code=870),
        "units[0].units[0].code",
        "quotes",
    ),
    ("time as a number", lambda d: d.update(report_due=900), "report_due", '"HH:MM"'),
    ("time not HH:MM", lambda d: d.update(compile_at="4:30 pm"), "compile_at", '"HH:MM"'),
    ("time out of range", lambda d: d.update(report_due="25:00"), "report_due", '"HH:MM"'),
    (
        "target_date before start",
        lambda d: d.update(target_date=date(2020, 8, 13)),
        "target_date",
        "before start",
    ),
    ("end before start", lambda d: d.update(end=date(2020, 8, 1)), "end", "before start"),
    (
        "a date and time",
        lambda d: d.update(start=datetime(2020, 8, 14, 8, 0)),
        "start",
        "not a date and time",
    ),
    (
        "bad timezone",
        lambda d: d.update(timezone="Asia/Hanoi"),
        "timezone",
        "unknown time zone 'Asia/Hanoi'",
    ),
    (
        "unknown activity",
        lambda d: towns(d)[2].update(activities=["karaoke"]),
        "units[0].units[0].units[2].activities",
        "unknown activity 'karaoke'",
    ),
    (
        "activities without groups",
        lambda d: d["units"][0]["units"][0].update(activities=["broadcasts"]),
        "units[0].units[0].activities",
        "reports groups",
    ),
    (
        "negative daily minimum",
        lambda d: d["activities"]["broadcasts"].update(daily_min=-1),
        "activities.broadcasts.daily_min",
        "greater than or equal to 0",
    ),
    (
        "target above 100",
        lambda d: d["groups"]["staff"].update(target_percent=120),
        "groups.staff.target_percent",
        "less than or equal to 100",
    ),
    (
        "bad group key",
        lambda d: d["groups"].update({"Người dân": d["groups"].pop("residents")}),
        "groups.Người dân",
        "pattern",
    ),
    ("no groups", lambda d: d.update(groups={}), "groups", "at least 1"),
    ("two top units", lambda d: d["units"].append(d["units"][0]), "units", "at most 1"),
    ("bad slug", lambda d: d.update(slug="Bluezone 2020"), "slug", "pattern"),
]


@pytest.mark.parametrize("label,change,key,message", INVALID, ids=[i[0] for i in INVALID])
def test_an_invalid_file_names_the_key_and_writes_nothing(tmp_path, label, change, key, message):
    data = campaign_data()
    change(data)
    before = rows()
    with pytest.raises(CampaignFileError) as error:
        load_campaign(data)
    assert error.value.key == key
    assert message in error.value.message
    assert (
        rows()
        == before
        == {"units": 0, "campaigns": 0, "groups": 0, "activities": 0, "participations": 0}
    )


@pytest.mark.parametrize("label,change,key,message", INVALID, ids=[i[0] for i in INVALID])
def test_an_invalid_reload_leaves_the_campaign_as_it_was(tmp_path, label, change, key, message):
    load_campaign(campaign_data())
    before = rows()
    source = Campaign.objects.get().source
    data = campaign_data()
    data["title"] = "Changed"
    towns(data)[0]["name"] = "Changed"
    change(data)
    with pytest.raises(CommandError) as error:
        load(write(tmp_path, data))
    assert f": {key}: " in str(error.value)
    assert str(error.value).endswith("(nothing was written)")
    assert rows() == before
    assert Campaign.objects.get().source == source
    assert Campaign.objects.get().title == "Cài đặt, sử dụng ứng dụng Bluezone"
    assert Unit.objects.get(code="870-VHTT").name == "Phòng Văn hóa và Thông tin"


def test_an_unquoted_time_in_yaml_is_refused(tmp_path):
    text = SHIPPED.read_text(encoding="utf-8").replace('report_due: "15:00"', "report_due: 15:00")
    with pytest.raises(CommandError, match=r'report_due: write the time as "HH:MM"'):
        load(write(tmp_path, text))
    assert rows()["campaigns"] == 0


def test_an_unquoted_code_in_yaml_is_refused(tmp_path):
    text = SHIPPED.read_text(encoding="utf-8").replace('- code: "870"', "- code: 870")
    with pytest.raises(CommandError, match=r"units\[0\]\.code: write the code in quotes"):
        load(write(tmp_path, text))
    assert rows()["units"] == 0


def test_bad_yaml_is_refused(tmp_path):
    path = write(tmp_path, "slug: bluezone\nunits: [unclosed\n")
    with pytest.raises(CampaignFileError, match="not valid YAML"):
        read_file(path)
    with pytest.raises(CommandError, match="(?s)not valid YAML.*nothing was written"):
        load(path)
    assert rows()["units"] == 0


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path):
    with pytest.raises(CommandError, match="a campaign file is a mapping"):
        load(write(tmp_path, "- slug: bluezone\n"))
    with pytest.raises(CommandError, match="a campaign file is a mapping"):
        load(write(tmp_path, ""))


def test_a_missing_file_is_refused(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(CommandError) as error:
        load(path)
    assert str(error.value) == (
        f"{path}: cannot read {path}: No such file or directory (nothing was written)"
    )


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Hồng Ngự".encode("utf-16"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        load(path)


def test_the_command_needs_a_file():
    with pytest.raises(CommandError, match="file"):
        call_command("loadcampaign")


# The shipped campaign


def test_the_shipped_hong_ngu_campaign_loads():
    output = load(SHIPPED)

    # 23 units report or coordinate; 11 hamlets (#4's door-to-door ground) report nothing.
    assert output == "bluezone-2020: 34 units, 22 reporting\n"
    campaign = Campaign.objects.get(slug="bluezone-2020")
    assert campaign.root.code == "870"
    assert campaign.root.name == "Huyện Hồng Ngự"
    assert campaign.coordinator.name == "Phòng Văn hóa và Thông tin"
    assert (campaign.start, campaign.target_date, campaign.end) == (
        date(2020, 8, 14),
        date(2020, 8, 20),
        date(2020, 8, 31),
    )
    assert (campaign.report_due, campaign.compile_at) == (time(15, 0), time(16, 30))
    kinds = {}
    for unit in Unit.objects.filter(parent__code="870"):
        kinds.setdefault(unit.kind, []).append(unit.name)
    assert len(kinds["office"]) == 12
    assert kinds["town"] == ["Thị trấn Thường Thới Tiền"]
    assert sorted(kinds["commune"]) == sorted(
        [
            "Xã Long Khánh A",
            "Xã Long Khánh B",
            "Xã Long Thuận",
            "Xã Phú Thuận A",
            "Xã Phú Thuận B",
            "Xã Thường Lạc",
            "Xã Thường Phước 1",
            "Xã Thường Phước 2",
            "Xã Thường Thới Hậu A",
        ]
    )
    assert {g.key: float(g.target_percent) for g in campaign.groups.all()} == {
        "staff": 100.0,
        "residents": 60.0,
    }
    groups = {p.unit.kind: p.groups for p in campaign.participations.select_related("unit")}
    assert groups == {
        "office": ["staff"],
        "town": ["staff", "residents"],
        "commune": ["staff", "residents"],
    }
    assert campaign.activities.get(key="broadcasts").daily_min == 2
    assert [a.key for a in campaign.activities.all()] == [
        "broadcasts",
        "leaflets",
        "banners",
        "meetings",
        "social_posts",
        "households_visited",
    ]
    for p in campaign.participations.select_related("unit"):
        assert ("broadcasts" in p.activities) == (p.unit.kind in ("commune", "town"))
    assert list(Unit.search("thuong thoi tien").values_list("code", flat=True)) == ["870-TTT"]
    # Loading it again is harmless.
    assert load(SHIPPED) == output
    assert Participation.objects.count() == 22
