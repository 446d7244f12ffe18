"""A nutritionist uploads a term's menus, runs the school-meal optimiser, reads the cost /
local-share curve and issues the year's orders, in a real Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from saram.core.models import Role
from saram.economy.demo_meals import Size, load_meals_demo
from saram.economy.models import MealOrder, MenuItem
from saram.economy.services.rules import install_shipped_rules

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
YEAR = 2026

MENUS = (
    "월,학교급,메뉴코드,메뉴,식재료코드,1인분g,급식일당횟수\n"
    "3,초등학교,potato-soup,감자국,potato,80,0.25\n"
    "3,초등학교,potato-soup,감자국,onion,20,0.25\n"
    "4,초등학교,bibimbap,전주비빔밥,rice,90,0.2\n"
    "4,초등학교,bibimbap,전주비빔밥,bean-sprout,30,0.2\n"
)


def test_upload_menus_optimise_read_the_curve_and_order(logged_in_page: Any, city: Any) -> None:
    install_shipped_rules(by=None)
    load_meals_demo(city=city, year=YEAR, seed=7, size=Size(ingredients=60, farms=60))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = logged_in_page(Role.NUTRITIONIST)

    # 1. The term's menus, checked in the worker: the months they name are replaced.
    page.goto("/economy/meals/")
    page.click("text=식단 올리기")
    page.fill("input[name=year]", str(YEAR))
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "menus.csv", "mimeType": "text/csv", "buffer": MENUS.encode()}],
    )
    page.click("form.stack button[type=submit]")
    expect(page.locator("#meals-job[data-status=succeeded]")).to_be_attached(timeout=20_000)
    expect(page.locator("#job-result")).to_contain_text("4행을 가져왔습니다")
    assert MenuItem.objects.filter(year=YEAR, month=3).count() == 1

    # 2. The optimiser, with a goal that weighs cost as well as the local share.
    page.click("text=학교급식으로 돌아가기")
    page.click("text=조달 계획 새로 계산하기")
    page.fill("input[name=cost_weight]", "40")
    page.click("#run-form button[type=submit]")
    expect(page.locator("#run-state")).to_have_text("최적 계획", timeout=60_000)
    expect(page.locator("#tradeoff-chart[data-ready='1']")).to_be_attached(timeout=10_000)
    expect(page.locator("#marginal tbody tr").first).to_be_visible()
    expect(page.locator("#supplier-table tbody tr").first).to_be_visible()
    assert "%" in page.locator("#local-share").inner_text()
    page.screenshot(path=str(SHOTS / "economy-meals-plan.png"), full_page=True)

    # 3. Orders: one per supplier for the year, each with its contract method; asked first.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#issue-orders")
    expect(page.locator("#order-table tbody tr").first).to_be_visible()
    assert MealOrder.objects.count() == page.locator("#order-table tbody tr").count()
    methods = page.locator("#order-table tbody tr td:nth-child(4)").all_inner_texts()
    assert all(any(word in m for word in ("입찰", "수의계약")) for m in methods), methods
    expect(page.locator("#order-table details.why").first).to_contain_text("근거")
