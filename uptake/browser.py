"""What every browser test shares: Chromium's arguments, the viewports, the module's marks, the
log-in with its second step, and a watch on the console that fails the test on any error or
Content-Security-Policy violation.

    pytestmark = marks()           # marked ``browser``, skipped where Chromium is missing
    context = browser.new_context(viewport=PHONE)
    problems = watch(context)      # before the first page of the context
    log_in(page, base, "minh")     # the password, then the authenticator's code if asked
    assert has_focus(page, "error-summary")   # waits for the browser's autofocus
    ...
    assert problems == []          # no console error, no CSP violation on any page visited
"""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from uptake.test import PASSWORD

# Playwright's sync API runs an event loop in the thread that drives it; the ORM calls made
# beside it (a test's own) are safe there, and Django is told so.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path("/tmp/shots")  # screenshots the tests leave to look at
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# Injected before any script of the page (Playwright's init scripts are not under the CSP):
# each violation is kept on window and said on the console, where watch() hears it.
_LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var text = "CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " in " + e.documentURI + (e.lineNumber ? ":" + e.lineNumber : "");
  window.__cspViolations.push(text);
  console.error(text);
});
"""


def marks() -> list:
    """A browser test module's ``pytestmark``: marked ``browser``, skipped without Chromium."""
    import pytest

    return [
        pytest.mark.browser,
        pytest.mark.skipif(
            not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"
        ),
    ]


def watch(context) -> list[str]:
    """Console errors, uncaught exceptions and CSP violations of every page of ``context``,
    as a list that grows while the test runs."""
    problems: list[str] = []
    context.add_init_script(_LISTEN)

    def on_page(page):
        page.on(
            "console",
            lambda msg: problems.append(f"{page.url}: {msg.text}") if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))

    for page in context.pages:
        on_page(page)
    context.on("page", on_page)
    return problems


def has_focus(page, element_id: str, timeout: float = 5000) -> bool:
    """Whether the element ``element_id`` gets the focus within ``timeout`` ms. The browser
    moves it (``autofocus``) at its next rendering after the element appears, not at once:
    asking right after ``wait_for_selector`` raced it on a loaded machine."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "id => document.activeElement && document.activeElement.id === id",
            arg=element_id,
            timeout=timeout,
        )
    except PlaywrightTimeout:
        return False
    return True


def code_now(key: bytes, last_t: int = -1, step: int = 30) -> str:
    """The authenticator's code for ``key`` now; the next step's if this one's was used
    (a second log-in within 30 seconds: the server accepts one step ahead, never a replay)."""
    t = int(time.time()) // step
    drift = 1 if last_t >= t else 0
    return f"{totp(key, step=step, drift=drift):06d}"


def device_code(username: str) -> str:
    """The code of ``username``'s confirmed authenticator, as their phone would show it."""
    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return code_now(device.bin_key, device.last_t, device.step)


def log_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the form; then, for a coordinator or admin, the second step: set-up
    (the secret read from the page, as an app would scan it) or the code of their device."""
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_load_state()
    if "/account/two-factor/setup/" in page.url:
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        page.fill("#id_code", code_now(base64.b32decode(secret)))
        page.click("main form button.primary")
        page.wait_for_load_state()
        assert page.locator("#recovery-codes li").count() == 10
        page.click("main a.button.primary")
        page.wait_for_load_state()
    elif "/account/two-factor/" in page.url:
        page.fill("#id_code", device_code(username))
        page.click("main form button.primary")
        page.wait_for_load_state()
