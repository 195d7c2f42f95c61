"""In Chromium: a reporter submits today's figures; the coordinator's page shows the unit on time.

The live server runs in a thread of this process, so time_machine moves its clock too: to 10:00
today in Hồng Ngự (a real date, so that the browser keeps its cookies), with the campaign's days
around it. Screenshots at 360 px and 1280 px go to /tmp/shots (not asserted: for people to look).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from uptake.browser import DESKTOP, PHONE, SHOTS, log_in, marks, watch
from uptake.campaigns.loader import load_campaign
from uptake.reports.actions import submit_report
from uptake.test import VN, campaign_data, figures, make_user
from uptake.units.models import Unit

pytestmark = marks()


def screenshot(page, name: str) -> None:
    """The page at a phone's width and a desktop's, whole length."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(PHONE)


def test_a_reporter_submits_and_the_coordinator_sees_the_unit_on_time(
    transactional_db, live_server, today_at_ten, browser
):
    today = today_at_ten
    start, target, end = (today + timedelta(days=n) for n in (-3, 3, 10))
    campaign, _stats = load_campaign(
        campaign_data(slug="bluezone-live", start=start, target_date=target, end=end)
    )
    lan = make_user("lan", "reporter", "870-TTT")
    minh = make_user("minh", "coordinator", "870")
    # Yesterday's figures: the form is prefilled with them, the history shows the increase.
    yesterday = today - timedelta(days=1)
    submit_report(
        campaign=campaign,
        unit=Unit.objects.get(code="870-TTT"),
        day=yesterday,
        user=lan,
        figures=figures(staff=(41, 36), residents=(5200, 2700)),
        activities={"broadcasts": 2},
        at=datetime.combine(yesterday, time(9, 40), tzinfo=VN),
    )
    submit_report(
        campaign=campaign,
        unit=Unit.objects.get(code="870-LKA"),
        day=today,
        user=minh,
        figures=figures(staff=(30, 30), residents=(4100, 1900)),
        activities={"broadcasts": 1},
        on_behalf=True,
        source="phone",
    )
    base = live_server.url

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    problems = watch(context)
    page = context.new_page()
    log_in(page, base, "lan")
    # The one running campaign: straight to the unit's report page, in Vietnamese.
    assert page.url == f"{base}/c/bluezone-live/report/"
    assert page.locator("h1").inner_text().startswith("Báo cáo hằng ngày")
    page.fill("#id_870-TTT-staff__with_smartphone", "41")
    page.fill("#id_870-TTT-staff__installed", "39")
    page.fill("#id_870-TTT-residents__with_smartphone", "5.200")
    page.fill("#id_870-TTT-residents__installed", "2.950")
    page.fill("#id_870-TTT-activity__broadcasts", "2")
    screenshot(page, "report-form")
    page.click("#u-870-TTT form button[type=submit]")
    page.wait_for_load_state()

    result = page.locator("#u-870-TTT .result")
    assert result.locator(".badge").inner_text() == "Đúng hạn"
    assert "95,1%" in result.inner_text()
    assert "Đúng hạn" in page.locator(".messages").inner_text()
    screenshot(page, "report-result")

    page.click("form[action='/logout/'] button")
    page.wait_for_load_state()
    log_in(page, base, "minh")
    assert page.url == f"{base}/c/bluezone-live/status/"
    row = page.locator("#u-870-TTT")
    assert row.locator(".badge").inner_text() == "Đúng hạn"
    assert "10:0" in row.inner_text()  # sent a moment after 10:00
    assert page.locator("#u-870-NV .badge").inner_text() == "Chưa báo cáo"
    screenshot(page, "status")

    # The filter and the search without diacritics, as a coordinator uses them.
    page.fill("#f-q", "thuong thoi")
    page.click("form.toolbar button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("table.units tbody tr[id^=u-]").count() == 1  # (and its block's head)

    # English on request.
    page.click("form.lang button[value=en]")
    page.wait_for_load_state()
    assert page.locator("#u-870-TTT .badge").inner_text() == "On time"
    assert problems == []  # no console error, no CSP violation on any page
    context.close()


def test_a_suggestion_below_the_latest_figures_is_not_sent_without_a_note(
    transactional_db, live_server, today_at_ten, browser
):
    """#13: one tap on "Dùng" replaced a commune's 5.200 / 2.700 with its visits' few
    households, and "Gửi" stored them. The script now makes the note required first."""
    import uuid

    from uptake.fieldwork.actions import record_visit
    from uptake.fieldwork.tests.base import fieldwork_campaign
    from uptake.reports.models import Report

    today = today_at_ten
    start, target, end = (today + timedelta(days=n) for n in (-3, 3, 10))
    campaign, _stats = load_campaign(
        fieldwork_campaign(slug="bluezone-live", start=start, target_date=target, end=end)
    )
    lan = make_user("lan", "reporter", "870-TTT")
    town = Unit.objects.get(code="870-TTT")
    yesterday = today - timedelta(days=1)
    submit_report(
        campaign=campaign,
        unit=town,
        day=yesterday,
        user=lan,
        figures=figures(staff=(41, 36), residents=(5200, 2700)),
        at=datetime.combine(yesterday, time(9, 40), tzinfo=VN),
    )
    record_visit(
        visit_id=uuid.uuid4(),
        campaign=campaign,
        hamlet=Unit.objects.get(code="870-TTT-K1"),
        user=lan,
        visited_at=datetime.combine(today, time(8, 30), tzinfo=VN),
        outcome="installed",
        household="Số 5",
        smartphones=3,
        already_had=1,
        installed_now=2,
    )
    base = live_server.url

    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    problems = watch(context)
    page = context.new_page()
    log_in(page, base, "lan")
    offer = page.locator("#u-870-TTT .suggestion[data-source=visits]").first
    assert "chỉ gồm 1 hộ đã đến trên tổng số 1.100 hộ" in offer.inner_text()
    assert "Thấp hơn số liệu đã gửi gần nhất (5.200" in offer.inner_text()
    note = page.locator("#id_870-TTT-note")
    assert not note.evaluate("n => n.required")

    offer.locator("a.use").click()
    assert page.input_value("#id_870-TTT-residents__installed") == "3"
    assert note.evaluate("n => n.required")
    assert note.evaluate("n => document.activeElement === n")
    assert page.locator("#id_870-TTT-note_lowered").is_visible()
    screenshot(page, "report-suggestion-lower")
    url = page.url
    page.click("#u-870-TTT form button[type=submit]")
    page.wait_for_timeout(300)
    assert page.url == url
    assert not Report.objects.filter(unit=town, date=today).exists()

    page.fill("#id_870-TTT-note", "Chỉ tính các hộ đã đến, để đối chiếu")
    page.click("#u-870-TTT form button[type=submit]")
    page.wait_for_load_state()
    report = Report.objects.get(unit=town, date=today)
    assert report.figures["residents"] == {"with_smartphone": 3, "installed": 3}
    assert report.note == "Chỉ tính các hộ đã đến, để đối chiếu"
    assert problems == []
    context.close()
