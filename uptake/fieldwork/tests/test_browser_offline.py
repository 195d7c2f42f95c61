"""In Chromium at phone size: a team member records three visits with no network at all.

The live server runs in a thread of this process, so time_machine moves its clock too: to 09:00
today in Hồng Ngự (a real date, so that the browser keeps its cookies), with the campaign's days
around it; the page's own clock is set to the same moment. Screenshots go to /tmp/shots.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from uptake.accounts.models import Profile
from uptake.browser import PHONE, SHOTS, marks, watch
from uptake.campaigns.loader import load_campaign
from uptake.fieldwork.models import Team, Visit
from uptake.fieldwork.tests.base import fieldwork_campaign
from uptake.test import PASSWORD, VN
from uptake.units.models import Unit

pytestmark = marks()


@pytest.fixture
def nine_today():
    today = datetime.now(VN).date()
    moment = datetime(today.year, today.month, today.day, 9, 0, tzinfo=VN)
    with time_machine.travel(moment, tick=True):
        yield moment


def test_a_member_records_three_visits_offline_and_they_are_sent_once_back_online(
    transactional_db, live_server, nine_today, browser
):
    today = nine_today.date()
    start, target, end = (today + timedelta(days=n) for n in (-3, 3, 10))
    campaign, _stats = load_campaign(
        fieldwork_campaign(slug="bluezone-live", start=start, target_date=target, end=end)
    )
    mai = get_user_model().objects.create_user("mai", password=PASSWORD, first_name="Lê Thị Mai")
    Profile.objects.create(user=mai, role="viewer")
    team = Team.objects.create(
        campaign=campaign, commune=Unit.objects.get(code="870-TTT"), name="Tổ 1"
    )
    team.members.add(mai)
    team.hamlets.add(Unit.objects.get(code="870-TTT-K1"))
    base = live_server.url
    visit_url = f"{base}/c/bluezone-live/visits/"

    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    problems = watch(context)
    page = context.new_page()
    page.clock.set_fixed_time(nine_today + timedelta(minutes=5))
    page.goto(f"{base}/login/?next=/c/bluezone-live/visits/")
    page.fill("#id_username", "mai")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(visit_url)
    # The service worker has kept the page: it can now open with no network.
    page.wait_for_selector("html[data-offline=ready]", timeout=15000)

    context.set_offline(True)
    page.reload()
    assert page.evaluate("navigator.onLine") is False
    assert page.locator("h1").inner_text() == "Household visits"
    assert page.locator("#id_hamlet").input_value() == "870-TTT-K1"

    def record(household: str, outcome: str, phones: int = 0, had: int = 0, now: int = 0):
        page.fill("#id_household", household)
        for field, clicks in (
            ("smartphones", phones),
            ("already_had", had),
            ("installed_now", now),
        ):
            for _ in range(clicks):
                page.click(f"button.step[data-for=id_{field}][data-step='1']")
        page.click(f"button.outcome.{outcome}")  # saves: no tap after the outcome

    record("Số 12, tổ 3", "installed", phones=2, had=1, now=1)
    record("Số 14, tổ 3", "nobody_home")
    record("Số 16, tổ 3", "refused", phones=1)
    assert page.locator("#waiting").inner_text() == "3 waiting"
    assert page.locator("#recent li.waiting").count() == 3
    assert Visit.objects.count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "fieldwork-visit-offline-360.png"), full_page=True)

    context.set_offline(False)
    expect(page.locator("#waiting")).to_have_text("0 waiting")  # not eval'd: passes the CSP
    assert Visit.objects.count() == 3
    assert sorted(Visit.objects.values_list("outcome", flat=True)) == [
        "installed",
        "nobody_home",
        "refused",
    ]
    assert set(Visit.objects.values_list("team", flat=True)) == {team.pk}
    page.screenshot(path=str(SHOTS / "fieldwork-visit-sent-360.png"), full_page=True)

    # Sending the same three again (a lost answer, a second tab) stores nothing more.
    page.evaluate(
        """() => {
        const key = Object.keys(localStorage).find(k => k.startsWith("uptake.visits.bluezone"));
        const items = JSON.parse(localStorage.getItem(key));
        items.forEach(i => { i.state = "waiting"; });
        localStorage.setItem(key, JSON.stringify(items));
        window.dispatchEvent(new Event("online"));
    }"""
    )
    expect(page.locator("#waiting")).to_have_text("0 waiting")
    assert Visit.objects.count() == 3
    # No console error and no CSP violation; only the requests that failed while offline.
    offline = [p for p in problems if "Failed to load resource: net::ERR_" in p]
    assert [p for p in problems if p not in offline] == []
    context.close()
