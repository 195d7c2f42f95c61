"""The demo's second step: admin and the coordinators get an authenticator with a published key,
printed by ``manage.py demo``; ``manage.py democode`` prints the code it shows now."""

from __future__ import annotations

import re
from datetime import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from uptake.accounts.twofactor import DEMO_SECRET
from uptake.test import VN

MORNING = datetime(2024, 3, 14, 10, 0, tzinfo=VN)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def debug(settings):
    settings.DEBUG = True  # as under `make run`
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args) -> str:
    out = StringIO()
    with time_machine.travel(MORNING, tick=False):
        call_command(*args, stdout=out)
    return out.getvalue()


def test_the_demo_prints_the_key_and_how_to_get_a_code():
    output = run("demo")
    assert DEMO_SECRET in output
    assert "manage.py democode" in output
    devices = TOTPDevice.objects.filter(name="demo", confirmed=True)
    assert sorted(devices.values_list("user__username", flat=True)) == [
        "admin",
        "sotttt",
        "vhtt",
        "vhtt.tamnong",
    ]


def test_a_demo_coordinator_logs_in_with_the_printed_code():
    output = run("demo")
    password = re.search(r"password of every demo user: (\S+)", output).group(1)
    code = re.search(r"^vhtt +(\d{6})$", run("democode", "vhtt"), re.M).group(1)
    client = Client()
    with time_machine.travel(MORNING, tick=False):
        client.post("/login/", {"username": "vhtt", "password": password})
        response = client.post("/account/two-factor/", {"code": code, "next": "/account/"})
        assert response.status_code == 302
        assert response["Location"] == "/account/"
        assert client.get("/account/").status_code == 200


def test_it_prints_nothing_without_the_demo():
    with pytest.raises(CommandError, match="run `manage.py demo` first"):
        run("democode")
