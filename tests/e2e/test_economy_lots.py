"""The procurement officer imports a ledger, sees the local share, plans the library-book lots
and exports them, in a real Chromium."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from saram.core.models import Role
from saram.economy.demo import load_demo
from saram.economy.models import PurchasePlan, Supplier

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _ledger_file() -> bytes:
    """Fiscal year 2026: 600,000 KRW to bookstores in Jeonju, 400,000 KRW to outside firms."""
    local = Supplier.objects.filter(locality="in_city", categories__code="books").order_by("id")
    outside = Supplier.objects.filter(locality="outside", categories__code="books").order_by("id")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["지급번호", "지급일", "부서", "사업", "품목", "사업자등록번호", "금액"])
    rows = [
        ("E2E-1", "2026-02-03", "전주시립 완산도서관", "library-books", local[0], 350_000),
        ("E2E-2", "2026-02-10", "전주시립 송천도서관", "library-books", local[1], 250_000),
        ("E2E-3", "2026-03-02", "도서관정책과", "library-books", outside[0], 400_000),
    ]
    for pid, day, department, programme, supplier, amount in rows:
        writer.writerow(
            [pid, day, department, programme, "books", supplier.business_number, amount]
        )
    return out.getvalue().encode("utf-8")


def test_import_a_ledger_see_the_local_share_plan_and_export_the_lots(
    logged_in_page: Any, city: Any
) -> None:
    load_demo(city=city, seed=20150215)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = logged_in_page(Role.PROCUREMENT_OFFICER)

    # 1. Import the ledger: a job with a progress bar, then the result.
    page.click("nav.mainnav >> text=자립경제")
    page.click("text=지출 자료 가져오기")
    page.fill("input[name=fiscal_year]", "2026")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "ledger-2026.csv", "mimeType": "text/csv", "buffer": _ledger_file()}],
    )
    page.click("form.stack button[type=submit]")
    expect(page.locator("#ledger-job[data-status=succeeded]")).to_be_attached(timeout=20_000)
    expect(page.locator("#job-result")).to_contain_text("3행을 가져왔습니다")

    # 2. The local share of 2026, with its chart; a bar's table row drills down to payments.
    page.click("text=지역 지출 보기")
    expect(page.locator("#local-share")).to_have_text("60.0%")
    expect(page.locator("#share-chart[data-ready='1']")).to_be_attached(timeout=10_000)
    page.screenshot(path=str(SHOTS / "economy-local-share.png"), full_page=True)
    page.select_option("select[name=by]", "programme")
    page.locator("#share-table a", has_text="도서관 도서 구입").click()
    expect(page.locator("#ledger-rows tbody tr")).to_have_count(3)

    # 3. Plan the library books of 2026 in lots: each lawful, with its reasons.
    page.click("nav.tabs >> text=분할 발주 설계")
    page.fill("input[name=fiscal_year]", "2026")
    page.click("#propose")
    lots = page.locator("#lots tbody tr.lot")
    expect(lots.first).to_be_visible()
    count = lots.count()
    assert count > 8
    expect(lots.first.locator("ul.reasons li").first).to_be_visible()
    expected = page.locator("#expected-local").inner_text()
    status_quo = page.locator("#status-quo-local").inner_text()
    assert int(expected.rstrip("%")) > int(status_quo.rstrip("%"))
    page.screenshot(path=str(SHOTS / "economy-lots.png"))

    # 4. Save them as a plan: the split check says lawful.
    page.click("#save-lots button")
    expect(page.locator("#plan-flags")).to_have_text("적법")
    expect(page.locator("#purchases tbody tr.lot")).to_have_count(count)
    plan = PurchasePlan.objects.get(programme__code="library-books", fiscal_year=2026)

    # 5. Export the lots: a spreadsheet with every lot and why it is lawful, and OCDS.
    with page.expect_download() as download:
        page.click("#export-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "번호" and "적법한이유" in table[0]
    assert len(table) - 1 == count == plan.purchases.count()
    with page.expect_download() as ocds_download:
        page.click("#export-ocds")
    package = json.loads(Path(ocds_download.value.path()).read_text(encoding="utf-8"))
    assert len(package["releases"]) == count
    assert {r["tag"][0] for r in package["releases"]} == {"planning"}
