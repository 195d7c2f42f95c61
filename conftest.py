"""Project-wide pytest set-up."""

import pytest


def pytest_configure(config):
    from django.conf import settings

    # Tests log people in hundreds of times; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser():
    """Debian's Chromium, headless, driven by Playwright (the browser tests')."""
    from playwright.sync_api import sync_playwright

    from uptake.browser import ARGS, CHROMIUM

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()
