"""In Chromium: the campaign menu folds under its button at 360 px and lies open at 1280 px, and
the report page's "Use" link fills the fields in place from the household visits (no reload,
nothing sent). Screenshots go to /tmp/shots (not asserted: for people to look).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from uptake.accounts.models import Profile
from uptake.browser import DESKTOP, PHONE, SHOTS, log_in, marks, watch
from uptake.campaigns.loader import load_campaign
from uptake.fieldwork.actions import record_visit
from uptake.fieldwork.tests.base import fieldwork_campaign
from uptake.reports.models import Report
from uptake.test import PASSWORD, VN
from uptake.units.models import Unit

pytestmark = marks()


def test_the_menu_folds_on_a_phone_and_use_fills_the_form_in_place(
    transactional_db, live_server, today_at_ten, browser
):
    today = today_at_ten
    campaign, _stats = load_campaign(
        fieldwork_campaign(
            slug="bluezone-menu",
            start=today - timedelta(days=2),
            target_date=today + timedelta(days=3),
            end=today + timedelta(days=5),
        )
    )
    lan = get_user_model().objects.create_user("lan", password=PASSWORD)
    Profile.objects.create(user=lan, role="reporter").units.set(Unit.objects.filter(code="870-TTT"))
    record_visit(
        visit_id=uuid.uuid4(),
        campaign=campaign,
        hamlet=Unit.objects.get(code="870-TTT-K1"),
        user=lan,
        visited_at=datetime.combine(today, datetime.min.time(), tzinfo=VN) + timedelta(hours=8),
        outcome="installed",
        household="Số 7, tổ 2",
        smartphones=3,
        already_had=1,
        installed_now=2,
    )
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    problems = watch(context)
    page = context.new_page()
    log_in(page, live_server.url, "lan")
    assert page.url.endswith("/c/bluezone-menu/report/")

    nav = page.locator("nav.campaign")
    assert not nav.is_visible()  # folded under its button
    page.click("details.menu-toggle summary")
    assert nav.is_visible()
    assert nav.locator("a[aria-current=page]").get_attribute("href") == "/c/bluezone-menu/report/"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "menu-open-360.png"))
    page.set_viewport_size(DESKTOP)
    assert nav.is_visible() and not page.locator("details.menu-toggle").is_visible()
    page.screenshot(path=str(SHOTS / "menu-1280.png"))
    page.set_viewport_size(PHONE)

    url = page.url
    page.fill("#id_870-TTT-staff__installed", "40")  # typed first: kept
    page.click("#u-870-TTT p.suggestion[data-source=visits] a.use")
    assert page.url == url  # no reload
    assert page.input_value("#id_870-TTT-residents__with_smartphone") == "3"
    assert page.input_value("#id_870-TTT-residents__installed") == "3"
    assert page.input_value("#id_870-TTT-staff__installed") == "40"
    assert not page.locator("#u-870-TTT p.suggestion[data-source=visits] a.use").is_visible()
    page.screenshot(path=str(SHOTS / "report-suggestion-used-360.png"), full_page=True)
    assert not Report.objects.exists()  # nothing is sent until the reporter submits
    assert problems == []
    context.close()
