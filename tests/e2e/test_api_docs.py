"""The API docs viewer works with no internet: swagger-ui comes from our own static files."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from saram.core.models import Role


def test_the_api_docs_render_their_operations_offline(
    logged_in_page: Any, live_server: Any
) -> None:
    page = logged_in_page(Role.WELFARE_OFFICER)
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/api/docs")
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible(timeout=15_000)
    expect(page.locator("#swagger-ui")).to_contain_text("/api/people")
    assert not [u for u in outside if u.startswith("http")], outside
