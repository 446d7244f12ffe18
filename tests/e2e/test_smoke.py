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


def test_korean_is_drawn_with_real_glyphs(page: Any) -> None:
    """Without a Korean font (fonts-nanum) every syllable is the same empty box."""
    page.set_content('<canvas id="c" width="120" height="60"></canvas>')
    drawings = page.evaluate(
        """(texts) => texts.map((text) => {
            const ctx = document.getElementById("c").getContext("2d");
            ctx.clearRect(0, 0, 120, 60);
            ctx.font = "40px sans-serif";
            ctx.fillText(text, 10, 45);
            return ctx.getImageData(0, 0, 120, 60).data.join(",");
        })""",
        ["가", "힣", "복"],
    )

    assert len(set(drawings)) == 3
