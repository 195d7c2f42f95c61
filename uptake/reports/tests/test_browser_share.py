"""In Chromium at 360 px: the "Chia sẻ" button of the status page and the dashboard (#17). A
browser without file sharing downloads the day's picture; one with it (the Web Share API,
stood in for here, as headless Chromium has none) gets the picture as a PNG file to share."""

from __future__ import annotations

import os
from datetime import timedelta

from django.contrib.auth import get_user_model

from uptake.accounts.models import Profile
from uptake.browser import PHONE, SHOTS, log_in, marks, watch
from uptake.campaigns.loader import load_campaign
from uptake.test import PASSWORD, campaign_data
from uptake.units.models import Unit

pytestmark = marks()

# A phone's share sheet, as far as the page can tell: it takes files and remembers them.
SHARE_SHEET = """
window.__shared = new Promise(function (resolve) { window.__resolveShared = resolve; });
navigator.canShare = function (data) { return !!(data && data.files && data.files.length); };
navigator.share = function (data) {
  var f = data.files[0];
  window.__resolveShared({name: f.name, type: f.type, size: f.size, title: data.title});
  return Promise.resolve();
};
"""


def test_the_share_button_downloads_or_shares_the_days_picture(
    transactional_db, live_server, today_at_ten, browser
):
    today = today_at_ten
    start, target, end = (today + timedelta(days=n) for n in (-3, 3, 10))
    load_campaign(campaign_data(slug="bluezone-share", start=start, target_date=target, end=end))
    user = get_user_model().objects.create_user("hoa", password=PASSWORD)
    Profile.objects.create(user=user, role="viewer").units.set(Unit.objects.filter(code="870"))
    base = live_server.url

    context = browser.new_context(viewport=PHONE, locale="vi-VN", accept_downloads=True)
    problems = watch(context)
    page = context.new_page()
    log_in(page, base, "hoa")
    page.goto(f"{base}/c/bluezone-share/status/")
    with page.expect_download() as download:
        page.click("a[data-share]")
    assert download.value.suggested_filename.endswith(".png")
    assert os.path.getsize(download.value.path()) <= 300_000
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    sharing = browser.new_context(viewport=PHONE, locale="vi-VN")
    sharing.add_init_script(SHARE_SHEET)
    problems += watch(sharing)
    page = sharing.new_page()
    log_in(page, base, "hoa")
    page.goto(f"{base}/c/bluezone-share/dashboard/")
    button = page.locator("a[data-share]")
    assert button.inner_text() == "Chia sẻ"
    button.click()
    shared = page.evaluate("() => window.__shared")
    assert shared["type"] == "image/png"
    assert shared["name"].startswith("brief") or shared["name"].endswith(".png")
    assert 10_000 < shared["size"] <= 300_000
    assert "Huyện Hồng Ngự" in shared["title"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-share-360.png"))
    assert problems == []
