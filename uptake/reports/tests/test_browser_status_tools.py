"""In Chromium at 360 px and 1280 px: the status page's tools for a coordinator (#17): the day
typed as dd/mm/yyyy in an English browser, the two exports with the page's filters, and
"Nhắc đơn vị chưa báo cáo". Screenshots go to /tmp/shots (not asserted: for people to look)."""

from __future__ import annotations

from datetime import timedelta

from uptake.browser import DESKTOP, PHONE, SHOTS, log_in, marks, watch
from uptake.campaigns.loader import load_campaign
from uptake.notify.models import Notification
from uptake.test import campaign_data, make_user

pytestmark = marks()


def test_the_coordinators_tools_on_the_status_page(
    transactional_db, live_server, today_at_ten, browser
):
    today = today_at_ten
    start, target, end = (today + timedelta(days=n) for n in (-3, 3, 10))
    load_campaign(campaign_data(slug="bluezone-tools", start=start, target_date=target, end=end))
    make_user("minh", "coordinator", "870")
    make_user("lka", "reporter", "870-LKA")
    base = live_server.url

    # An English browser (the site answers in Vietnamese): the day reads and types as dd/mm/yyyy.
    context = browser.new_context(viewport=PHONE, locale="en-US", accept_downloads=True)
    problems = watch(context)
    page = context.new_page()
    log_in(page, base, "minh")
    page.goto(f"{base}/c/bluezone-tools/status/")
    day = page.locator("#f-date")
    assert day.get_attribute("type") == "text"
    assert day.input_value() == today.strftime("%d/%m/%Y")
    yesterday = today - timedelta(days=1)
    day.fill(yesterday.strftime("%d/%m/%Y"))
    page.click("form.toolbar button[type=submit]")
    page.wait_for_load_state()
    assert yesterday.strftime("%d/%m/%Y") in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Another day: no reminder to send.
    assert page.locator("form.remind").count() == 0

    page.goto(f"{base}/c/bluezone-tools/status/?show=missing")
    xlsx = page.locator("a[href*='status.xlsx']")
    assert "show=missing" in xlsx.get_attribute("href")
    with page.expect_download() as download:
        page.click("a[href*='status.csv']")
    assert download.value.suggested_filename.endswith("-missing.csv")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "status-tools-360.png"), full_page=False)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / "status-tools-1280.png"), full_page=False)
    page.set_viewport_size(PHONE)

    page.click("form.remind button")
    page.wait_for_load_state()
    assert "Đã gửi lời nhắc" in page.locator(".messages").inner_text()
    assert Notification.objects.filter(user__username="lka").count() == 1
    page.click("form.remind button")
    page.wait_for_load_state()
    assert "chưa đầy một giờ" in page.locator(".messages").inner_text()
    assert Notification.objects.filter(user__username="lka").count() == 1
    page.screenshot(path=str(SHOTS / "status-remind-360.png"), full_page=False)
    assert problems == []
