"""In Chromium at 360 px: a refused daily report opens on the error summary (templates/
error_summary.html), which has the focus, links to the field in error, and the pair of inputs
(with a smartphone / installed) stays on one line although only one of them carries an error.
Screenshots at 360 px and 1280 px go to /tmp/shots (not asserted: for people to look)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model

from uptake.accounts.models import Profile
from uptake.browser import DESKTOP, PHONE, SHOTS, has_focus, log_in, marks, watch
from uptake.campaigns.loader import load_campaign
from uptake.test import PASSWORD, campaign_data
from uptake.units.models import Unit

pytestmark = marks()


def test_a_refused_report_opens_on_its_error_summary_with_the_pair_aligned(
    transactional_db, live_server, today_at_ten, browser
):
    today = today_at_ten
    start, target, end = (today + timedelta(days=n) for n in (-3, 3, 10))
    load_campaign(campaign_data(slug="bluezone-errors", start=start, target_date=target, end=end))
    lan = get_user_model().objects.create_user("lan", password=PASSWORD)
    Profile.objects.create(user=lan, role="reporter").units.set(Unit.objects.filter(code="870-TTT"))
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    problems = watch(context)
    page = context.new_page()
    log_in(page, live_server.url, "lan")

    # More installed than with a smartphone: refused on the "installed" field alone.
    page.fill("#id_870-TTT-staff__with_smartphone", "41")
    page.fill("#id_870-TTT-staff__installed", "45")
    page.fill("#id_870-TTT-residents__with_smartphone", "5.200")
    page.fill("#id_870-TTT-residents__installed", "2.950")
    page.click("#u-870-TTT form button[type=submit]")
    page.wait_for_load_state()

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert has_focus(page, "error-summary")
    # Above the fold: the top of the summary is within the phone's first screen.
    assert summary.bounding_box()["y"] < PHONE["height"]
    link = summary.locator("a[href='#id_870-TTT-staff__installed']")
    assert link.count() == 1
    assert "Cán bộ" in link.inner_text() or "staff" in link.inner_text().lower()

    pair = page.locator("#u-870-TTT fieldset.group").first.locator(".pair")
    assert pair.locator(".field.invalid").count() == 1
    tops = [
        pair.locator(f"#id_870-TTT-staff__{name}").bounding_box()["y"]
        for name in ("with_smartphone", "installed")
    ]
    assert abs(tops[0] - tops[1]) < 1, tops

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report-refused-360.png"), full_page=True)

    # The summary's link puts the focus in its field.
    link.click()
    assert has_focus(page, "id_870-TTT-staff__installed")

    page.set_viewport_size(DESKTOP)
    tops = [
        pair.locator(f"#id_870-TTT-staff__{name}").bounding_box()["y"]
        for name in ("with_smartphone", "installed")
    ]
    assert abs(tops[0] - tops[1]) < 1, tops
    page.screenshot(path=str(SHOTS / "report-refused-1280.png"), full_page=True)
    assert problems == []
