"""The campaign file's coordinating levels and its one unit tree (#14)."""

from __future__ import annotations

import copy
from datetime import time

import pytest
import time_machine

from uptake.campaigns.loader import CampaignFileError, load_campaign
from uptake.campaigns.models import Campaign, Coordination, Participation
from uptake.test import NOW, campaign_data
from uptake.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def province_data(**changes) -> dict:
    """The test province with each district's culture office coordinating its district."""
    data = campaign_data(coordinator="87-STTTT", **changes)
    province = data["units"][0]
    province["units"].insert(
        0, {"code": "87-STTTT", "name": "Sở Thông tin và Truyền thông", "kind": "office"}
    )
    hong_ngu, tan_hong = province["units"][1], province["units"][2]
    hong_ngu.update(
        coordinator="870-VHTT",
        compile_at="16:30",
        recipients=[{"name": "Thường trực UBND huyện", "email": "ubnd870@example.org"}],
    )
    tan_hong["units"].insert(
        0, {"code": "869-VHTT", "name": "Phòng Văn hóa và Thông tin", "kind": "office"}
    )
    tan_hong.update(coordinator="869-VHTT", auto_send=True)
    return data


def district_data(**changes) -> dict:
    """Tân Hồng's own campaign file: the district at its top."""
    province = province_data()["units"][0]
    district = copy.deepcopy(province["units"][2])
    for key in ("coordinator", "auto_send"):
        district.pop(key)
    data = campaign_data(slug="tan-hong-2020", coordinator="869-VHTT", **changes)
    data["units"] = [district]
    return data


def levels(slug: str) -> dict[str, tuple]:
    return {
        c.unit.code: (c.office.code, c.compile_at, c.auto_send)
        for c in Coordination.objects.filter(campaign__slug=slug).select_related("unit", "office")
    }


def test_each_unit_with_a_coordinator_is_a_level_of_its_own():
    campaign, stats = load_campaign(province_data())
    assert stats["levels"] == 3
    assert levels(campaign.slug) == {
        "87": ("87-STTTT", None, False),
        "870": ("870-VHTT", time(16, 30), False),
        "869": ("869-VHTT", None, True),
    }
    level = Coordination.objects.get(unit__code="870")
    assert level.document["recipients"][0]["email"] == "ubnd870@example.org"
    assert level.compile_time() == time(16, 30)
    top = Coordination.objects.get(unit__code="87")
    assert top.is_top and top.compile_time() == campaign.compile_at
    assert top.document["symbol"] == "BC-VHTT"


def test_a_file_without_levels_has_its_top_level_alone():
    campaign, stats = load_campaign(campaign_data())
    assert levels(campaign.slug) == {"87": ("870-VHTT", None, False)}


def test_a_level_that_leaves_the_file_is_removed_on_reload():
    load_campaign(province_data())
    data = province_data()
    data["units"][0]["units"][2].pop("coordinator")
    data["units"][0]["units"][2].pop("auto_send")
    load_campaign(data)
    assert set(levels("bluezone-2020")) == {"87", "870"}


@pytest.mark.parametrize(
    "change, key, message",
    [
        (
            lambda u: u.update(coordinator="869-VHTT"),
            "units[0].units[1].coordinator",
            "not a unit under",
        ),
        (
            lambda u: u.update(coordinator="999"),
            "units[0].units[1].coordinator",
            "no unit with code",
        ),
        (
            lambda u: u.update(coordinator=None, compile_at="16:00"),
            "units[0].units[1].compile_at",
            "own coordinator",
        ),
        (lambda u: u.update(compile_at="4pm"), "units[0].units[1].compile_at", "HH:MM"),
    ],
)
def test_a_bad_level_names_its_key_and_writes_nothing(change, key, message):
    data = province_data()
    change(data["units"][0]["units"][1])
    if data["units"][0]["units"][1].get("coordinator") is None:
        data["units"][0]["units"][1].pop("coordinator")
        data["units"][0]["units"][1].pop("recipients")
    with pytest.raises(CampaignFileError) as exc:
        load_campaign(data)
    assert exc.value.key == key and message in exc.value.message
    assert not Unit.objects.exists() and not Campaign.objects.exists()


def test_the_top_unit_takes_its_office_from_the_top_level_key():
    data = province_data()
    data["units"][0]["coordinator"] = "87-STTTT"
    with pytest.raises(CampaignFileError) as exc:
        load_campaign(data)
    assert exc.value.key == "units[0].coordinator"


def test_a_district_file_loaded_after_the_province_stays_under_it():
    province, _ = load_campaign(province_data())
    expected_before = Participation.objects.filter(campaign=province).count()
    district, _ = load_campaign(district_data())
    assert Unit.objects.get(code="869").path == "87/869/"
    assert Unit.objects.get(code="869-TH").path == "87/869/869-TH/"
    assert district.root.code == "869"
    province.refresh_from_db()
    assert province.root.code == "87"
    assert Participation.objects.filter(campaign=province).count() == expected_before
    assert levels(province.slug)["869"] == ("869-VHTT", None, True)
    assert levels(district.slug) == {"869": ("869-VHTT", None, False)}


def test_a_district_file_loaded_first_joins_the_province_later():
    load_campaign(district_data())
    assert Unit.objects.get(code="869").path == "869/"
    load_campaign(province_data())
    assert Unit.objects.get(code="869-TH").path == "87/869/869-TH/"


def test_a_file_may_give_its_top_units_parent():
    load_campaign(province_data())
    data = district_data(parent="87")
    load_campaign(data)
    assert Unit.objects.get(code="869").path == "87/869/"


def test_a_parent_that_does_not_exist_is_refused():
    with pytest.raises(CampaignFileError) as exc:
        load_campaign(district_data(parent="99"))
    assert exc.value.key == "parent" and "'99'" in exc.value.message
    assert not Unit.objects.exists()


def test_a_parent_other_than_the_stored_one_is_refused():
    load_campaign(province_data())
    Unit.objects.create(code="88", name="Tỉnh An Giang", kind="province")
    with pytest.raises(CampaignFileError) as exc:
        load_campaign(district_data(parent="88"))
    assert exc.value.key == "parent"
    assert "'869' lies under '87'" in exc.value.message
    assert Unit.objects.get(code="869").path == "87/869/"
    assert not Campaign.objects.filter(slug="tan-hong-2020").exists()
