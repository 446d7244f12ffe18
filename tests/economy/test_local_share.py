"""Local share and leakage by department, programme, category and month, with drill-down."""

from __future__ import annotations

import json
from typing import Any

import pytest
import tablib

from saram.core.imports import keep_upload
from saram.core.models import AuditEntry, Role
from saram.economy import selectors
from saram.economy.models import Department, LedgerImport
from saram.economy.selectors import LedgerFilter
from saram.economy.services import ledger, ledger_totals

pytestmark = pytest.mark.django_db


@pytest.fixture
def spending(make_user: Any, make_supplier: Any, ledger_csv: Any) -> Any:
    officer = make_user(Role.PROCUREMENT_OFFICER)
    local = make_supplier("in_city").business_number
    province = make_supplier("in_province").business_number
    outside = make_supplier("outside", categories_=("uniforms",)).business_number
    rows = [
        ("S-1", "2024-01-10", "가과", "도서", "books", local, "", 600, ""),
        ("S-2", "2024-01-20", "가과", "도서", "books", province, "", 100, ""),
        ("S-3", "2024-02-05", "가과", "교복", "uniforms", outside, "", 300, ""),
        ("S-4", "2024-02-06", "나과", "교복", "uniforms", outside, "", 1000, "일반경쟁"),
    ]
    # The fixture's programmes are new to the register: accept them, as the user would.
    ledger.import_ledger(
        by=officer,
        upload=keep_upload(ledger_csv(rows), "s.csv"),
        fiscal_year=2024,
        accept_new_programmes=True,
    )
    return officer


def test_local_share_and_leakage_by_department(spending: Any) -> None:
    rows = {
        r.label: r for r in selectors.local_share(spending, LedgerFilter(2024), by="department")
    }
    a, b = rows["가과"], rows["나과"]
    assert (a.total_krw, a.in_city_krw, a.in_province_krw, a.outside_krw) == (1000, 600, 100, 300)
    assert (a.leakage_krw, a.local_share, a.row_count) == (400, 0.6, 3)
    assert (b.total_krw, b.leakage_krw, b.local_share) == (1000, 1000, 0.0)


def test_local_share_by_month_category_and_programme(spending: Any) -> None:
    months = selectors.local_share(spending, LedgerFilter(2024), by="month")
    assert [(r.label, r.total_krw, r.in_city_krw) for r in months] == [
        ("2024-01", 700, 600),
        ("2024-02", 1300, 0),
    ]
    categories = {r.label: r.local_share for r in selectors.local_share(
        spending, LedgerFilter(2024), by="category")}  # fmt: skip
    assert categories == {"도서": pytest.approx(600 / 700), "교복": 0.0}
    total = selectors.local_share_total(spending, LedgerFilter(2024))
    assert total is not None and (total.total_krw, total.local_share) == (2000, 0.3)


def test_the_page_has_the_chart_data_and_each_bar_drills_down(
    spending: Any, client_as: Any
) -> None:
    client = client_as(Role.CITY_ADMIN)
    page = client.get("/economy/ledger/?year=2024&by=department")
    chart = page.context["chart"]
    assert chart["labels"] == ["가과", "나과"] or chart["labels"] == ["나과", "가과"]
    assert sum(sum(s["data"]) for s in chart["series"]) == 2000
    assert 'id="local-share">30.0%' in page.content.decode()

    department = Department.objects.get(name="가과")
    rows = client.get(f"/economy/ledger/rows/?year=2024&department={department.pk}&locality=2")
    assert [e.payment_id for e in rows.context["page"]] == ["S-3"]
    month = client.get("/economy/ledger/rows/?year=2024&month=2024-01-01")
    assert [e.payment_id for e in month.context["page"]] == ["S-1", "S-2"]


def test_every_table_exports_as_csv_and_xlsx(spending: Any, client_as: Any) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    shares = client.get("/economy/ledger/?year=2024&by=month&format=csv")
    data = tablib.Dataset().load(
        b"".join(shares.streaming_content).decode("utf-8-sig"), format="csv"
    )
    assert data.headers[0] == "구분" and data.height == 2
    rows = client.get("/economy/ledger/rows/?year=2024&format=xlsx")
    sheet = tablib.Dataset().load(b"".join(rows.streaming_content), format="xlsx")
    assert sheet.height == 4 and sheet.headers[0] == "지급번호"
    assert AuditEntry.objects.filter(target_type="economy.ledger", action="export").count() == 2


def test_a_year_of_payments_streams_as_csv_audited_once(spending: Any, client_as: Any) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    response = client.get("/economy/ledger/rows/?year=2024&format=csv")
    assert response.streaming and response["Cache-Control"] == "no-store"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    data = tablib.Dataset().load(text, format="csv")
    assert data.height == 4 and data.headers[0] == "지급번호"
    # The contract method by its name, as the page shows it (and the import reads it back).
    methods = dict(zip(data.get_col(0), data.get_col(data.headers.index("계약방법")), strict=True))
    assert methods["S-4"] == "일반경쟁입찰" and methods["S-1"] == ""
    assert AuditEntry.objects.filter(target_type="economy.ledger", action="export").count() == 1


def test_a_changed_ledger_is_shown_at_once_though_the_sums_are_kept(
    spending: Any, client_as: Any
) -> None:
    client = client_as(Role.CITY_ADMIN)
    first = client.get("/economy/ledger/?year=2024&by=department").content.decode()
    assert 'id="local-share">30.0%' in first
    ledger.remove_import(
        by=client_as(Role.PROCUREMENT_OFFICER).user,
        ledger_import=LedgerImport.objects.get(),
        purpose="test",
    )
    again = client.get("/economy/ledger/?year=2024&by=department").content.decode()
    assert 'id="local-share"' not in again  # no stale sums from before the removal


def test_the_api_answers_with_the_same_figures(spending: Any, client_as: Any) -> None:
    client = client_as(Role.SOCIAL_ECONOMY_OFFICER)
    body = client.get("/api/economy/ledger/local-share", {"year": 2024, "by": "month"}).json()
    assert body["total"]["local_share"] == 0.3
    assert [r["key"] for r in body["rows"]] == ["2024-01-01", "2024-02-01"]
    assert json.dumps(body)


def test_the_demo_programmes_leak_to_outside_firms(demo_economy: Any, make_user: Any) -> None:
    user = make_user(Role.CITY_ADMIN)
    shares = {
        r.label: r.local_share
        for r in selectors.local_share(user, LedgerFilter(2023), by="programme")
    }
    assert shares["도서관 도서 구입"] < 0.3
    assert shares["교복 지원"] < 0.3
    assert shares["학교급식 식재료"] < 0.3
    after = {
        r.label: r.local_share
        for r in selectors.local_share(user, LedgerFilter(2025), by="programme")
    }
    assert after["도서관 도서 구입"] > 0.6  # the reform of 2025 kept the books at home


def _direct(user: Any, year: int, by: str) -> dict[Any, tuple[int, int, int]]:
    """The report computed from the ledger rows themselves (a supplier filter forces it)."""
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncMonth

    from saram.economy.models import LedgerEntry

    qs = LedgerEntry.objects.filter(fiscal_year=year).order_by()
    key = "month" if by == "month" else f"{by}_id"
    if by == "month":
        qs = qs.annotate(month=TruncMonth("paid_on"))
    out: dict[Any, list[int]] = {}
    for k, locality, n, amount in qs.values_list(key, "locality").annotate(
        n=Count("id"), s=Sum("amount_krw")
    ):
        row = out.setdefault(k, [0, 0, 0])
        row[0] += n
        row[1] += amount
        row[2] += amount if locality == 0 else 0
    return {k: tuple(v) for k, v in out.items()}


def _report(user: Any, year: int, by: str) -> dict[Any, tuple[int, int, int]]:
    return {
        r.key: (r.row_count, r.total_krw, r.in_city_krw)
        for r in selectors.local_share(user, LedgerFilter(year), by=by)
    }


def test_the_totals_agree_with_the_ledger_through_imports_moves_and_removals(
    spending: Any, make_supplier: Any, ledger_csv: Any, dong: Any
) -> None:
    from saram.economy.models import LedgerImport, Supplier
    from saram.economy.services import suppliers

    officer = spending
    second = ledger.import_ledger(
        by=officer,
        upload=keep_upload(ledger_csv(
            [("T-1", "2024-03-03", "가과", "도서", "books",
              Supplier.objects.filter(locality="outside").first().business_number, "", 777, "")]
        ), "t.csv"),
        fiscal_year=2024,
    )  # fmt: skip
    outsider = Supplier.objects.filter(locality="outside").first()
    suppliers.update_supplier(
        by=officer,
        supplier=outsider,
        name=outsider.name,
        address="전북특별자치도 전주시",
        dong=dong,
    )
    for by in ("department", "programme", "category", "month"):
        assert _report(officer, 2024, by) == _direct(officer, 2024, by), by

    ledger.remove_import(
        by=officer, ledger_import=LedgerImport.objects.get(pk=second.ledger_import_id), purpose="x"
    )
    for by in ("department", "month"):
        assert _report(officer, 2024, by) == _direct(officer, 2024, by), by
    assert ledger_totals.rebuild_totals(fiscal_year=2024) > 0
    assert _report(officer, 2024, "category") == _direct(officer, 2024, "category")
