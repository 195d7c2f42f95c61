"""A campaign file's errors, all at once and to the point (#19): every error of the file in
one run, a misspelt key named with the known key it is close to (not the "Field required"
it causes), each printed by ``loadcampaign`` on its own line with its line number."""

from __future__ import annotations

import pytest
from django.core.management import CommandError

from uptake.campaigns.loader import CampaignFileError, locate, parse
from uptake.campaigns.tests.test_loadcampaign import SHIPPED, load, rows, towns, write
from uptake.test import campaign_data

pytestmark = pytest.mark.django_db

TYPO = "groups.residents.target_percnt"
DID_YOU_MEAN = "unknown key 'target_percnt' — did you mean 'target_percent'?"


def refused(data) -> CampaignFileError:
    with pytest.raises(CampaignFileError) as caught:
        parse(data)
    return caught.value


def misspelt(data: dict) -> dict:
    data["groups"]["residents"]["target_percnt"] = data["groups"]["residents"].pop("target_percent")
    return data


def test_a_misspelt_key_is_named_with_the_key_it_is_close_to():
    error = refused(misspelt(campaign_data()))
    assert error.errors == [(TYPO, DID_YOU_MEAN)]
    assert (error.key, error.message) == (TYPO, DID_YOU_MEAN)  # the first, for older callers


def test_every_error_of_the_schema_comes_at_once_in_the_files_order():
    data = misspelt(campaign_data(slug="Bluezone 2020"))
    data.pop("app")
    towns(data)[0]["nmae"] = towns(data)[0].pop("name")
    data["colour"] = "đỏ"
    error = refused(data)
    keys = [key for key, _message in error.errors]
    assert keys == ["slug", "app", TYPO, "units[0].units[0].units[0].nmae", "colour"]
    messages = dict(error.errors)
    assert messages["units[0].units[0].units[0].nmae"] == (
        "unknown key 'nmae' — did you mean 'name'?"
    )
    assert messages["colour"] == "unknown key 'colour'"  # nothing close: no guess
    assert "Field required" in messages["app"]
    assert not any(key.endswith("target_percent") for key in keys)
    assert not any(key.endswith(".name") for key in keys)


def test_an_unknown_key_next_to_the_one_it_resembles_is_still_named():
    data = campaign_data()
    data["groups"]["staff"]["target_percen"] = 100
    assert refused(data).errors == [
        (
            "groups.staff.target_percen",
            "unknown key 'target_percen' — did you mean 'target_percent'?",
        )
    ]


def test_every_error_of_the_units_and_dates_comes_at_once():
    data = campaign_data(coordinator="999")
    data["target_date"] = "2020-08-01"
    towns(data)[0]["reports"] = ["staff", "vaccines"]
    towns(data)[2]["activities"] = ["parades"]
    towns(data)[3]["code"] = towns(data)[2]["code"]
    error = refused(data)
    assert [key for key, _message in error.errors] == [
        "target_date",
        "units[0].units[0].units[0].reports",
        "units[0].units[0].units[2].activities",
        "units[0].units[0].units[3].code",
        "coordinator",
    ]
    assert "unknown group 'vaccines'" in error.errors[1][1]
    assert error.key == "target_date"


def test_the_command_prints_each_error_on_its_line_with_its_line_number(tmp_path):
    text = SHIPPED.read_text(encoding="utf-8")
    text = text.replace("target_percent: 60", "target_percnt: 60")
    text = text.replace('app: "Bluezone"', 'app: ""') if 'app: "Bluezone"' in text else text
    text = text.replace("\nunits:", "\ncolour: red\nunits:")
    path = write(tmp_path, text)
    with pytest.raises(CommandError) as caught:
        load(path)
    lines = str(caught.value).splitlines()
    number = {key: n for n, key in enumerate(text.splitlines(), start=1)}
    residents = next(n for line, n in number.items() if "target_percnt" in line)
    colour = number["colour: red"]
    assert f"{path}:{residents}: {TYPO}: {DID_YOU_MEAN}" in lines
    assert f"{path}:{colour}: colour: unknown key 'colour'" in lines
    assert lines[-1] == f"{len(lines) - 1} errors (nothing was written)"
    assert rows()["campaigns"] == 0


def test_one_error_keeps_the_one_line_form(tmp_path):
    path = write(tmp_path, misspelt(campaign_data()))
    with pytest.raises(CommandError) as caught:
        load(path)
    line = locate(path.read_text(encoding="utf-8"), TYPO)
    assert str(caught.value) == f"{path}:{line}: {TYPO}: {DID_YOU_MEAN} (nothing was written)"


def test_a_missing_key_is_placed_at_the_mapping_it_belongs_to():
    text = "slug: x\ngroups:\n  residents:\n    name: Người dân\nunits:\n  - code: '1'\n"
    assert locate(text, "groups.residents.target_percent") == 3
    assert locate(text, "units[0].code") == 6
    assert locate(text, "units[3].code") == 5
    assert locate("not: [valid", "slug") is None
