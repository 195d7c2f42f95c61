"""In Chromium at phone size: while the server answers 503 (its database is down) or 429 (too
busy), the visit page keeps its visits waiting and sends them once the server is back.

The live server runs in a thread of this process: patching the visit action to raise
OperationalError makes the real server answer its real 503 (uptake/lib/guards.py).
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import OperationalError
from playwright.sync_api import expect

from uptake.accounts.models import Profile
from uptake.browser import PHONE, watch
from uptake.campaigns.loader import load_campaign
from uptake.fieldwork.models import Team, Visit
from uptake.fieldwork.tests.base import fieldwork_campaign
from uptake.fieldwork.tests.test_browser_offline import (  # noqa: F401 (fixtures)
    nine_today,
    pytestmark,
)
from uptake.test import PASSWORD
from uptake.units.models import Unit


def test_visits_stay_waiting_through_a_503_and_a_429_and_are_sent_after(
    transactional_db,
    live_server,
    nine_today,  # noqa: F811
    browser,
):
    today = nine_today.date()
    start, target, end = (today + timedelta(days=n) for n in (-3, 3, 10))
    campaign, _stats = load_campaign(
        fieldwork_campaign(slug="bluezone-live", start=start, target_date=target, end=end)
    )
    mai = get_user_model().objects.create_user("mai", password=PASSWORD)
    Profile.objects.create(user=mai, role="viewer")
    team = Team.objects.create(
        campaign=campaign, commune=Unit.objects.get(code="870-TTT"), name="Tổ 1"
    )
    team.members.add(mai)
    team.hamlets.add(Unit.objects.get(code="870-TTT-K1"))
    base = live_server.url

    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    problems = watch(context)
    page = context.new_page()
    page.clock.set_fixed_time(nine_today + timedelta(minutes=5))
    page.goto(f"{base}/login/?next=/c/bluezone-live/visits/")
    page.fill("#id_username", "mai")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/c/bluezone-live/visits/")

    def record(household: str):
        page.fill("#id_household", household)
        page.click("button.step[data-for=id_smartphones][data-step='1']")
        page.click("button.outcome.refused")

    # The database is down: the server answers 503, and the visit stays on the phone.
    down = OperationalError("the database system is starting up")
    with mock.patch("uptake.fieldwork.api.record_visit", side_effect=down):
        with page.expect_response("**/api/v1/visits") as answer:
            record("Số 12, tổ 3")
        assert answer.value.status == 503
        assert answer.value.headers["retry-after"] == "30"
    expect(page.locator("#waiting")).to_have_text("1 waiting")
    assert page.locator("#recent li.waiting").count() == 1
    assert page.locator("#recent li.rejected").count() == 0

    # Too many requests: the same.
    page.route(
        "**/api/v1/visits",
        lambda route: route.fulfill(
            status=429,
            headers={"Retry-After": "20"},
            content_type="application/json",
            body='{"errors": [{"field": "authorization", "message": "Too many requests."}]}',
        ),
    )
    with page.expect_response("**/api/v1/visits") as answer:
        record("Số 14, tổ 3")
    assert answer.value.status == 429
    expect(page.locator("#waiting")).to_have_text("2 waiting")
    assert page.locator("#recent li.rejected").count() == 0
    assert Visit.objects.count() == 0

    # The server is back: both are sent, once each.
    page.unroute("**/api/v1/visits")
    page.click("#send")
    expect(page.locator("#waiting")).to_have_text("0 waiting")
    assert sorted(Visit.objects.values_list("household", flat=True)) == [
        "Số 12, tổ 3",
        "Số 14, tổ 3",
    ]
    refused = [p for p in problems if "status of 503" in p or "status of 429" in p]
    assert [p for p in problems if p not in refused] == []
    context.close()
