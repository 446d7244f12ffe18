"""The local multiplier LM3 from the ledger and re-spend surveys, on a hand-computed example."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from saram.core.errors import SaramError
from saram.core.imports import keep_upload
from saram.core.models import Role
from saram.economy import selectors
from saram.economy.models import Programme
from saram.economy.services import ledger, surveys

pytestmark = pytest.mark.django_db


@pytest.fixture
def example(make_user: Any, make_supplier: Any, departments: Any, ledger_csv: Any) -> Any:
    """Round 1: 1,000,000 KRW to a local firm A and 1,000,000 KRW to an outside firm B.

    A pays 40 % of its income to local staff and 20 % to local suppliers; B did not answer.
    Two employees spend 50 % and 70 % of their pay in the city (mean 60 %).

    round 2 = 1,000,000 × (0.4 + 0.2)                        =   600,000
    round 3 = 400,000 × 0.6 (staff) + 200,000 × 0.6 (suppliers) = 360,000
    LM3     = (2,000,000 + 600,000 + 360,000) / 2,000,000     = 1.48
    """
    officer = make_user(Role.PROCUREMENT_OFFICER)
    a = make_supplier("in_city", name="A")
    b = make_supplier("outside", name="B")
    rows = [
        ("M-1", "2024-04-01", "급식과", "학교급식", "books", a.business_number, "", 1_000_000, ""),
        ("M-2", "2024-04-02", "급식과", "학교급식", "books", b.business_number, "", 1_000_000, ""),
    ]
    # The fixture's programmes are new to the register: accept them, as the user would.
    ledger.import_ledger(
        by=officer,
        upload=keep_upload(ledger_csv(rows), "m.csv"),
        fiscal_year=2024,
        accept_new_programmes=True,
    )
    surveys.record_supplier_survey(
        by=officer,
        supplier=a,
        surveyed_on=dt.date(2024, 6, 1),
        local_staff_bp=4000,
        local_supplier_bp=2000,
    )
    for bp in (5000, 7000):
        surveys.record_employee_survey(
            by=officer, surveyed_on=dt.date(2024, 6, 1), local_spend_bp=bp, supplier=a
        )
    return officer


def test_lm3_of_the_hand_computed_example(example: Any) -> None:
    report = selectors.lm3_report(example, fiscal_year=2024)

    assert report.city is not None
    assert (report.city.round1_krw, report.city.round2_krw, report.city.round3_krw) == (
        2_000_000,
        600_000,
        360_000,
    )
    assert report.city.lm3 == pytest.approx(1.48)
    ((programme, result),) = report.per_programme
    assert programme is not None and programme.name == "학교급식"
    assert result.lm3 == pytest.approx(1.48)
    codes = {a.code.value for a in report.city.assumptions}
    assert "unsurveyed_outside_spends_nothing_locally" in codes


def test_a_later_survey_replaces_an_earlier_one(example: Any) -> None:
    from saram.economy.models import Supplier

    a = Supplier.objects.get(organisation__name="A")
    surveys.record_supplier_survey(
        by=example,
        supplier=a,
        surveyed_on=dt.date(2024, 9, 1),
        local_staff_bp=0,
        local_supplier_bp=0,
    )
    report = selectors.lm3_report(example, fiscal_year=2024)
    assert report.city is not None and report.city.round2_krw == 0


def test_shares_over_one_hundred_percent_are_refused(example: Any) -> None:
    from saram.economy.models import Supplier

    with pytest.raises(SaramError):
        surveys.record_supplier_survey(
            by=example,
            supplier=Supplier.objects.get(organisation__name="A"),
            surveyed_on=dt.date(2024, 9, 1),
            local_staff_bp=7000,
            local_supplier_bp=4000,
        )


def test_the_page_shows_lm3_local_share_and_assumptions(example: Any, client_as: Any) -> None:
    body = client_as(Role.CITY_ADMIN).get("/economy/multiplier/?year=2024").content.decode()
    assert 'id="city-lm3">1.48<' in body
    assert "50.0%" in body  # the programme's local share beside its LM3
    assert "보수적으로" in body


def test_the_demo_shows_the_three_programmes_side_by_side(
    demo_economy: Any, client_as: Any
) -> None:
    page = client_as(Role.SOCIAL_ECONOMY_OFFICER).get("/economy/multiplier/?year=2024")
    # The programmes the city plans purchases for (data, not codes in the view) come first.
    focus = [r for r in page.context["rows"] if r["focus"]]
    planned = {p.code for p in Programme.objects.filter(pk__in=selectors.programmes_with_demand())}
    assert "library-books" in planned
    assert {r["programme"].code for r in focus} == planned
    assert all(1 <= r["lm3"] < 2 for r in focus)
    assert page.context["rows"][: len(focus)] == focus


def test_supplier_surveys_import_all_or_nothing(example: Any, make_supplier: Any) -> None:
    firm = make_supplier("in_city")
    header = "사업자등록번호,조사일,지역인건비비율(%),지역구매비율(%)\n"
    good = f"{header}{firm.business_number},2025-02-01,35.5,20\n"
    assert (
        surveys.import_supplier_surveys(by=example, upload=keep_upload(good.encode(), "s.csv")) == 1
    )
    bad = (
        "사업자등록번호,조사일,지역인건비비율(%),지역구매비율(%)\n"
        f"{firm.business_number},2025-02-01,70,40\n"
        f"{firm.business_number},2025-13-01,10.555,20\n"
    )
    with pytest.raises(SaramError) as exc:
        surveys.import_supplier_surveys(by=example, upload=keep_upload(bad.encode(), "s.csv"))
    assert {(e.row, e.field) for e in exc.value.row_errors} == {
        (2, "지역구매비율(%)"),
        (3, "조사일"),
        (3, "지역인건비비율(%)"),
    }
