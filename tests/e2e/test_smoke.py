"""Chromium starts, reaches the live server and renders Saram's login page in Korean."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect


def test_login_page_opens_in_chromium(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")

    expect(page).to_have_title(re.compile("Saram|사람"))
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.locator("input[name=password]")).to_be_visible()
