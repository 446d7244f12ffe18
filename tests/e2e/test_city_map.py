"""A citizen logs in, sees Jeonju's dongs on the map with its legend, clicks one, and reads its
page in English."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from saram.core.models import Dong, Role


def test_login_map_click_dong_switch_language(
    logged_in_page: Any, city: Any, make_person: Any
) -> None:
    songcheon = Dong.objects.get(name="송천1동")
    make_person(songcheon)
    page = logged_in_page(Role.CITIZEN)

    expect(page.locator("h1")).to_have_text("전주시")
    expect(page.locator("#map[data-ready='1']")).to_be_attached(timeout=10_000)
    expect(page.locator("path.dong")).to_have_count(35)
    legend = page.locator("#map-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("주민 수 (명)")
    expect(legend.locator(".legend-row")).to_have_count(5)

    page.locator(f"path.dong-{songcheon.code}").click()
    page.wait_for_url(f"**/dongs/{songcheon.code}/")
    expect(page.locator("#dong-name")).to_have_text("송천1동")
    expect(page.locator("#population")).to_have_text("1")

    page.select_option("#lang-select", "en")
    page.wait_for_load_state()
    expect(page.locator("#dong-name")).to_have_text(songcheon.name_en)
    expect(page.locator("h2").first).to_have_text("Organisations")
    page.screenshot(path=str(_shots() / "dong-en.png"), full_page=True)


def _shots() -> Any:
    from pathlib import Path

    out = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out
