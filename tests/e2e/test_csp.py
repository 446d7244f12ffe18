"""Every page passes the Content Security Policy in a real Chromium: no inline script or
handler is blocked, the map and charts still draw, and the shared behaviours (a select that
sends its form, a confirmation before a destructive action) work from the static script."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from saram.core.models import Role


def _watch(page: Any) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return violations


def test_pages_run_without_a_csp_violation(logged_in_page: Any, dong: Any) -> None:
    page = logged_in_page(Role.WELFARE_OFFICER, dong)
    violations = _watch(page)
    for path in ("/", f"/dongs/{dong.code}/", "/people/", "/account/tokens/", "/welfare/"):
        response = page.goto(path)
        assert (
            response is not None
            and "script-src 'self'" in response.headers["content-security-policy"]
        )
        page.wait_for_load_state("networkidle")
    page.goto("/")
    expect(page.locator("#map .leaflet-pane").first).to_be_attached()
    assert violations == []


def test_the_language_menu_still_switches_without_inline_handlers(
    logged_in_page: Any, dong: Any
) -> None:
    page = logged_in_page(Role.WELFARE_OFFICER, dong)
    violations = _watch(page)
    page.goto("/people/")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []


def test_revoking_a_token_asks_first_on_its_own_page(logged_in_page: Any, dong: Any) -> None:
    from saram.core.models import ApiToken
    from saram.core.tokens import issue_token

    page = logged_in_page(Role.WELFARE_OFFICER, dong)
    issue_token(user=page.user, name="스크립트")
    page.goto("/account/tokens/")
    page.click("text=폐기…")
    expect(page.locator("h1")).to_have_text("토큰 폐기")
    assert ApiToken.objects.get().revoked_at is None
    page.click("button:has-text('폐기하기')")
    expect(page.locator("td", has_text="폐기됨")).to_be_visible()
