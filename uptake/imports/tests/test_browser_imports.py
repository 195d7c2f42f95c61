"""In Chromium: the import page's upload, preview (errors in place, focus on the summary) and
confirmation at 360 px; and the offline daily form: 20 reports queued offline on two phones,
some of whose answers are lost on the way back, exactly 20 stored once the network returns.
No console error or CSP violation on any page."""

from __future__ import annotations

from datetime import timedelta

from uptake.browser import has_focus, log_in, marks, watch
from uptake.campaigns.loader import load_campaign
from uptake.imports.models import QueuedReceipt
from uptake.imports.tests.base import filled
from uptake.reports.models import Report, Revision
from uptake.test import campaign_data, make_user

SLUG = "bluezone-imports"
pytestmark = marks()


def a_campaign(today):
    campaign, _stats = load_campaign(
        campaign_data(
            slug=SLUG,
            start=today - timedelta(days=3),
            target_date=today + timedelta(days=3),
            end=today + timedelta(days=10),
        )
    )
    return campaign


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_workbook_is_previewed_with_its_errors_then_stored(
    transactional_db, live_server, today_at_ten, browser, tmp_path
):
    today = today_at_ten
    campaign = a_campaign(today)
    minh = make_user("minh", "coordinator", "870")
    base = live_server.url
    good = {
        "figures.staff.with_smartphone": 41,
        "figures.staff.installed": 39,
        "figures.residents.with_smartphone": 5200,
        "figures.residents.installed": 2950,
    }
    bad = {**good, "figures.staff.installed": 45}
    path = tmp_path / "ngay.xlsx"
    path.write_bytes(filled(minh, campaign, {"870-TTT": good, "870-LKA": bad}, day=today))
    context = browser.new_context(viewport={"width": 360, "height": 740})
    problems = watch(context)
    page = context.new_page()
    log_in(page, base, "minh")
    page.goto(f"{base}/c/{SLUG}/imports/")
    assert no_sideways_scroll(page)
    page.set_input_files("#f-file", str(path))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert has_focus(page, "error-summary")
    assert page.locator("#row-5 .state.error").count() == 1
    assert "D" in page.locator("#row-5 .row-errors").inner_text()
    assert page.locator("#row-7 .state.ok").count() == 1
    assert page.locator("button:has-text('Lưu')").count() == 0  # nothing can be confirmed
    assert no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / "preview-360.png"), full_page=True)
    assert Report.objects.count() == 0

    path.write_bytes(filled(minh, campaign, {"870-TTT": good, "870-LKA": good}, day=today))
    page.set_input_files("#f-file", str(path))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("form.confirm button")
    page.click("form.confirm button")
    page.wait_for_url(f"**/c/{SLUG}/status/**")
    assert Report.objects.filter(campaign=campaign).count() == 2
    assert "2" in page.locator(".messages").inner_text()
    assert problems == []
    context.close()


def test_twenty_reports_queued_offline_on_two_phones_are_stored_exactly_once(
    transactional_db, live_server, today_at_ten, browser
):
    a_campaign(today_at_ten)
    make_user("lan", "reporter", "870-TTT")
    make_user("khanh", "reporter", "870-LKA")
    base = live_server.url
    phones = []
    for username in ("lan", "khanh"):
        context = browser.new_context(viewport={"width": 360, "height": 740})
        problems = watch(context)
        page = context.new_page()
        log_in(page, base, username)
        page.goto(f"{base}/c/{SLUG}/send/")
        page.wait_for_selector("html[data-offline=ready]", timeout=15000)
        assert no_sideways_scroll(page)
        phones.append((context, page, problems))

    lost = {"n": 0}

    def lose_some_answers(route):
        # The server stores the report, but its answer never reaches the phone (a weak
        # network): the phone sends it again with the same key, and it is not stored twice.
        response = route.fetch()
        if lost["n"] < 3 and response.status == 201:
            lost["n"] += 1
            route.abort()
        else:
            route.fulfill(response=response)

    for context, page, _problems in phones:
        context.set_offline(True)
        for n in range(10):
            page.fill("input[name='staff.with_smartphone']", "50")
            page.fill("input[name='staff.installed']", str(30 + n))
            page.fill("input[name='residents.with_smartphone']", "6000")
            page.fill("input[name='residents.installed']", str(3000 + n))
            page.fill("#s-note", f"lần {n + 1}")
            page.click("#s-send")
            page.wait_for_selector(f"html[data-waiting='{n + 1}']")
        assert "đang chờ gửi" in page.locator("#queue").inner_text()
    assert Revision.objects.count() == 0

    for context, _page, _problems in phones:
        # Playwright's routes go around its offline mode: set only once the network is back.
        context.route("**/reports/queued", lose_some_answers)
        context.set_offline(False)
    for _context, page, _problems in phones:
        page.wait_for_selector("html[data-waiting='0']", timeout=60000)
        assert page.locator("#queue li.sent").count() == 10
        assert "nhận lúc" in page.locator("#queue").inner_text()
    assert lost["n"] == 3
    assert Revision.objects.filter(via="offline").count() == 20
    assert QueuedReceipt.objects.count() == 20
    assert Report.objects.get(unit__code="870-TTT").revision == 10
    for context, _page, problems in phones:
        context.unroute_all(behavior="ignoreErrors")
        # Sending with no network, or an answer lost, is a failed load on the console: that
        # is the test's network; any other error (a script's, the CSP's) fails it.
        assert [p for p in problems if "Failed to load resource: net::ERR_" not in p] == []
        context.close()
