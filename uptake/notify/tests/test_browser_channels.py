"""In Chromium at 360 px and at 1280 px: the notification settings (phone number, channels,
tests) and the account page's channels fit without sideways scrolling; a wrong number brings
the error summary with the focus; the admin's deliveries with a dead letter. No console error
or CSP violation. UPTAKE_SHOTS=/some/dir keeps screenshots to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from uptake.accounts.models import Profile
from uptake.browser import has_focus, log_in, marks, watch
from uptake.notify.models import Delivery, Kind, Notification
from uptake.test import PASSWORD

pytestmark = marks()
SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}
SMS_ON = {
    "SMS_PROVIDER": "esms",
    "ESMS_API_KEY": "k",
    "ESMS_SECRET_KEY": "s",
    "ESMS_BRANDNAME": "UPTAKE",
}


def shoot(page, name: str) -> None:
    folder = os.environ.get("UPTAKE_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@override_settings(**SMS_ON)
@pytest.mark.parametrize("size", SIZES)
def test_the_settings_and_account_pages_fit_and_a_wrong_number_is_summarised(
    transactional_db, live_server, browser, size
):
    lan = get_user_model().objects.create_user(
        "lan", email="lan.nguyen.thi.thuong.thoi.tien@example.org", password=PASSWORD
    )
    Profile.objects.create(user=lan, role="reporter", phone="0912345678")
    context = browser.new_context(viewport=SIZES[size], locale="vi-VN")
    problems = watch(context)
    page = context.new_page()
    log_in(page, live_server.url, "lan")

    page.goto(f"{live_server.url}/notifications/preferences/")
    assert page.locator("text=091••••678").count() >= 1
    assert "0912345678" not in page.content()
    shoot(page, f"preferences-{size}")
    assert fits(page), f"/notifications/preferences/ scrolls sideways at {size}: " + page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth).map(e => e.tagName + '.' + e.className + '#' + e.id).join(' ')"
    )

    page.fill("#id_phone", "0241234567")
    page.click("#phone button[type=submit]:not([name])")
    page.wait_for_load_state()
    assert has_focus(page, "error-summary")
    assert fits(page)
    shoot(page, f"preferences-error-{size}")

    page.click("text=Gửi tin thử qua SMS")
    page.wait_for_load_state()
    assert Delivery.objects.filter(user=lan, kind=Kind.TEST, channel="sms").exists()

    page.goto(f"{live_server.url}/account/")
    assert page.locator("#notifications").count() == 1
    assert page.locator("#channel-tests li").count() == 2
    shoot(page, f"account-{size}")
    assert fits(page), f"/account/ scrolls sideways at {size}"
    assert problems == []
    context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_admin_shows_the_dead_letters(transactional_db, live_server, browser, size):
    root = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    Profile.objects.create(user=root, role="admin")
    notification = Notification.objects.create(user=root, kind=Kind.TEST, params={})
    Delivery.objects.create(
        channel="sms",
        notification=notification,
        user=root,
        kind=Kind.TEST,
        address="0912345678",
        state=Delivery.State.FAILED,
        attempts=5,
        last_error="eSMS: the account's balance is too low (103: Khong du tien)",
    )
    context = browser.new_context(viewport=SIZES[size], locale="vi-VN")
    problems = watch(context)
    page = context.new_page()
    log_in(page, live_server.url, "root")
    page.goto(f"{live_server.url}/admin/notify/delivery/?dead=yes")
    assert page.locator("text=1 tin bỏ cuộc").count() == 1
    assert page.locator("text=balance is too low").count() == 1
    shoot(page, f"admin-deliveries-{size}")
    assert problems == []
    context.close()
