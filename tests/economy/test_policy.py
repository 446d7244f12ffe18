"""Procurement rules as versioned data, and the policy's answer for a purchase request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from saram.core.errors import SaramError
from saram.core.models import AuditEntry, Role
from saram.economy import explanations
from saram.economy.engine.policy import BidScope, Layer
from saram.economy.models import PolicyRevision
from saram.economy.services import policy
from saram.economy.services import rules as rule_service

pytestmark = pytest.mark.django_db

REFORM = dt.date(2025, 1, 1)


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user(Role.CITY_ADMIN)


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user(Role.PROCUREMENT_OFFICER)


def _check(officer: Any, categories: Any, amount_krw: int, on: dt.date, **kw: Any) -> Any:
    return policy.check_purchase(
        by=officer,
        category=categories["books"],
        amount_krw=amount_krw,
        department=None,
        requested_on=on,
        **kw,
    )


@pytest.mark.parametrize(
    ("amount_krw", "method", "scope"),
    [
        (19_999_999, "private_contract_single", "city"),
        (20_000_000, "private_contract_single", "city"),
        (20_000_001, "restricted_bid", "city"),
        (49_999_999, "restricted_bid", "city"),
        (50_000_000, "restricted_bid", "city"),
        (50_000_001, "restricted_bid", "province"),
        (229_999_999, "restricted_bid", "province"),
        (230_000_000, "open_bid", "national"),
    ],
)
def test_thresholds_after_the_reform(
    rules: None, officer: Any, categories: Any, amount_krw: int, method: str, scope: str
) -> None:
    decision = _check(officer, categories, amount_krw, dt.date(2025, 6, 1))
    assert (decision.method.value, decision.scope.value) == (method, scope)


def test_the_city_rule_starts_on_its_effective_date(
    rules: None, officer: Any, categories: Any
) -> None:
    before = _check(officer, categories, 45_000_000, REFORM - dt.timedelta(days=1))
    after = _check(officer, categories, 45_000_000, REFORM)

    assert before.scope.value == "province"
    assert after.scope.value == "city"
    assert {c.rule_id for c in after.citations} >= {
        "jeonju.city_bid",
        "law.regional.goods_services",
    }
    assert all(c.source for c in after.citations)


def test_the_remainder_goes_to_a_local_firm_by_private_contract(
    rules: None, officer: Any, categories: Any
) -> None:
    decision = _check(officer, categories, 5_000_000, dt.date(2025, 11, 1), is_remainder=True)
    assert decision.scope.value == "city"
    assert decision.method.value.startswith("private_contract")
    assert "jeonju.remainder" in {c.rule_id for c in decision.citations}


def test_eligible_local_suppliers_are_those_registered_for_the_category(
    rules: None, officer: Any, categories: Any, make_supplier: Any
) -> None:
    local = make_supplier("in_city", categories_=("books",))
    make_supplier("in_city", categories_=("uniforms",))
    make_supplier("outside", categories_=("books",))
    make_supplier("in_province", categories_=("books",))

    city_bid = _check(officer, categories, 45_000_000, dt.date(2025, 6, 1))
    province_bid = _check(officer, categories, 60_000_000, dt.date(2025, 6, 1))

    assert [s.business_number for s in city_bid.eligible_suppliers] == [local.business_number]
    assert len(province_bid.eligible_suppliers) == 2


def test_a_firm_waiting_for_review_is_not_offered(
    rules: None, officer: Any, categories: Any, make_supplier: Any
) -> None:
    make_supplier("in_city", needs_review=True)
    decision = _check(officer, categories, 45_000_000, dt.date(2025, 6, 1))
    assert not decision.eligible_suppliers and decision.notes


def test_a_check_reads_the_rules_and_the_registry_in_two_queries(
    rules: None,
    officer: Any,
    categories: Any,
    make_supplier: Any,
    django_assert_num_queries: Any,
) -> None:
    for _i in range(12):
        make_supplier("in_city", categories_=("books", "uniforms"))
    _check(officer, categories, 45_000_000, dt.date(2025, 6, 1))  # the role read once
    with django_assert_num_queries(2):  # the latest revision's id, the category's firms
        decision = _check(officer, categories, 45_000_000, dt.date(2025, 6, 1))
    assert len(decision.eligible_suppliers) == 12
    assert all(s.categories == {"books", "uniforms"} for s in decision.eligible_suppliers)


def test_a_check_sees_a_firm_changed_just_before(
    rules: None, officer: Any, categories: Any, make_supplier: Any
) -> None:
    firm = make_supplier("in_city", categories_=("books",))
    assert len(_check(officer, categories, 45_000_000, dt.date(2025, 6, 1)).eligible_suppliers)
    firm.locality = "outside"
    firm.save()
    assert not _check(officer, categories, 45_000_000, dt.date(2025, 6, 1)).eligible_suppliers


def _city(effective_from: str, effective_to: str | None) -> dict[str, Any]:
    return {
        "layer": "city",
        "version_id": "x",
        "effective_from": effective_from,
        "effective_to": effective_to,
    }


def test_the_administrator_adds_a_version_and_it_applies_from_its_date(
    rules: None, admin: Any, officer: Any, categories: Any
) -> None:
    _law, city, _revision = rule_service.current_rules()
    current = next(v for v in city["versions"] if v["version_id"] == "jeonju-2025")
    rule_service.save_version(
        by=admin,
        layer="city",
        version_id="jeonju-2025",
        effective_from=dt.date(2025, 1, 1),
        effective_to=dt.date(2025, 12, 31),
        source=current["source"],
        rules=current["rules"],
        note="2026 개정 준비",
        replaces="jeonju-2025",
    )
    new_rules = [dict(r) for r in current["rules"]]
    for r in new_rules:
        if r["rule_id"] == "jeonju.city_bid":
            r["limit_krw"] = 80_000_000  # stays within the law's province limit
    revision = rule_service.save_version(
        by=admin,
        layer="city",
        version_id="jeonju-2026",
        effective_from=dt.date(2026, 1, 1),
        effective_to=None,
        source="전주시 방침 2026",
        rules=new_rules,
        note="시내 제한 8천만 원",
    )

    assert revision.number == 3
    assert _check(officer, categories, 70_000_000, dt.date(2025, 12, 31)).scope.value == "province"
    assert _check(officer, categories, 70_000_000, dt.date(2026, 1, 1)).scope.value == "city"
    assert AuditEntry.objects.filter(target_type="economy.policy").count() == 3


def test_overlapping_versions_are_refused_with_the_reason(rules: None, admin: Any) -> None:
    with pytest.raises(SaramError) as exc:
        rule_service.save_version(
            by=admin,
            layer="city",
            version_id="jeonju-2026",
            effective_from=dt.date(2026, 1, 1),
            effective_to=None,
            source="겹침",
            rules=[],
            note="겹치는 버전",
        )
    assert exc.value.code == "rules_refused"
    assert any("겹칩니다" in p for p in exc.value.params["problems"])
    assert PolicyRevision.objects.count() == 1


def test_a_gap_between_versions_is_refused_with_the_reason(rules: None, admin: Any) -> None:
    _law, city, _revision = rule_service.current_rules()
    old = next(v for v in city["versions"] if v["version_id"] == "jeonju-2023")
    with pytest.raises(SaramError) as exc:
        rule_service.save_version(
            by=admin,
            layer="city",
            version_id="jeonju-2023",
            effective_from=dt.date(2023, 1, 1),
            effective_to=dt.date(2024, 6, 30),
            source=old["source"],
            rules=old["rules"],
            note="틈",
            replaces="jeonju-2023",
        )
    problems = " ".join(exc.value.params["problems"])
    assert "2024-07-01" in problems and "2024-12-31" in problems
    assert PolicyRevision.objects.count() == 1


def test_a_city_rule_wider_than_the_law_is_refused(rules: None, admin: Any) -> None:
    _law, city, _revision = rule_service.current_rules()
    current = next(v for v in city["versions"] if v["version_id"] == "jeonju-2025")
    wide = [dict(r) for r in current["rules"]]
    for r in wide:
        if r["rule_id"] == "jeonju.city_bid":
            r["limit_krw"] = 500_000_000
    with pytest.raises(SaramError) as exc:
        rule_service.save_version(
            by=admin,
            layer="city",
            version_id="jeonju-2025",
            effective_from=dt.date(2025, 1, 1),
            effective_to=None,
            source=current["source"],
            rules=wide,
            note="너무 넓음",
            replaces="jeonju-2025",
        )
    assert "법령" in exc.value.message


def test_a_stale_edit_is_refused(rules: None, admin: Any) -> None:
    _law, city, _revision = rule_service.current_rules()
    current = next(v for v in city["versions"] if v["version_id"] == "jeonju-2025")
    kwargs = {
        "by": admin,
        "layer": "city",
        "version_id": "jeonju-2025",
        "effective_from": dt.date(2025, 1, 1),
        "effective_to": None,
        "source": current["source"],
        "rules": current["rules"],
        "note": "같은 내용",
        "replaces": "jeonju-2025",
        "base_number": 1,
    }
    rule_service.save_version(**kwargs)
    with pytest.raises(SaramError) as exc:
        rule_service.save_version(**kwargs)
    assert exc.value.code in ("rules_changed", "rules_changed_meanwhile")


def test_only_the_administrator_edits_rules(rules: None, officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        rule_service.remove_version(by=officer, layer="city", version_id="jeonju-2025", note="x")


def test_removing_a_version_that_leaves_a_gap_is_refused(rules: None, admin: Any) -> None:
    with pytest.raises(SaramError):
        rule_service.remove_version(by=admin, layer="law", version_id="law-2023", note="법령 삭제")


def test_the_rules_page_edits_a_version_and_shows_refusals(rules: None, client_as: Any) -> None:
    client = client_as(Role.CITY_ADMIN)
    page = client.get("/economy/policy/city/jeonju-2025/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    formset = page.context["formset"]
    data = {
        "version_id": "jeonju-2025",
        "effective_from": "2024-06-01",  # overlaps jeonju-2023
        "effective_to": "",
        "source": form.initial["source"],
        "note": "시행일 당김",
        "base_number": "1",
        "rules-TOTAL_FORMS": str(len(formset.forms)),
        "rules-INITIAL_FORMS": str(formset.initial_form_count()),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for i, f in enumerate(formset.forms):
        for name, value in (f.initial or {}).items():
            key = f"rules-{i}-{name}"
            if isinstance(value, list):
                data[key] = value
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = str(value)
    refused = client.post("/economy/policy/city/jeonju-2025/edit/", data)
    assert refused.status_code == 200
    assert "겹칩니다" in refused.content.decode()

    data["effective_from"] = "2025-01-01"
    data["note"] = "그대로 저장"
    saved = client.post("/economy/policy/city/jeonju-2025/edit/", data)
    assert saved.status_code == 302
    assert PolicyRevision.objects.count() == 2
    latest = PolicyRevision.objects.order_by("-number").first()
    assert latest is not None
    assert latest.city == PolicyRevision.objects.get(number=1).city


def test_the_check_page_shows_method_scope_suppliers_and_citations(
    rules: None, client_as: Any, categories: Any, make_supplier: Any
) -> None:
    firm = make_supplier("in_city", name="전주 책마루")
    client = client_as(Role.PROCUREMENT_OFFICER)
    body = client.get(
        "/economy/policy/check/",
        {
            "category": categories["books"].pk,
            "estimated_amount_krw": 45_000_000,
            "requested_on": "2025-03-02",
        },
    ).content.decode()
    assert "제한경쟁입찰" in body and "시내 업체로 제한" in body
    assert firm.name in body
    # The city rule cited by its layer and its source in words, not by its id.
    assert "[시 방침: 전주시 방침: 물품·용역" in body and "jeonju.city_bid" not in body
    assert "50,000,000" in body


def test_a_revision_reads_as_korean_rules_not_data(rules: None, client_as: Any) -> None:
    body = client_as(Role.CITY_ADMIN).get("/economy/policy/revisions/1/").content.decode()
    assert "수의계약 한도" in body and "청년창업" in body and "20,000,000원 이하" in body
    assert "합산 기간: 회계연도" in body and "지방계약법 시행령 제25조" in body
    for raw in ('"effect"', "youth_startup", "private_contract", "window_days", "{"):
        assert raw not in body.split("<main", 1)[1], raw


def test_the_rules_page_names_kinds_firms_and_reach_in_words_not_the_rule_books_codes() -> None:
    from django.utils import translation

    from saram.economy.presenters import rule_layers

    rule = {
        "rule_id": "law.private.youth_startup",
        "effect": "private_contract",
        "kinds": ["goods", "services"],
        "firm_class": "youth_startup",
        "limit_krw": 50_000_000,
    }
    city = {"rule_id": "jeonju.city_bid", "effect": "regional_restriction", "scope": "city"}
    lots = {"rule_id": "jeonju.lots", "effect": "lot_boundary", "dimensions": ["library"]}
    book = {"versions": [{"version_id": "v", "effective_from": "2024-01-01"}]}
    law = {"versions": [book["versions"][0] | {"rules": [rule]}]}
    mine = {"versions": [book["versions"][0] | {"rules": [city, lots]}]}
    with translation.override("ko"):
        shown = [r for layer in rule_layers(law, mine) for r in layer["versions"][0]["rules_shown"]]
        assert [(r["kinds_label"], r["applies_label"]) for r in shown] == [
            ("물품, 용역", "청년창업"),
            ("", "시 안의 업체"),
            ("", "도서관"),
        ]
    with translation.override("en"):
        shown = rule_layers(law, mine)[0]["versions"][0]["rules_shown"]
        assert shown[0]["kinds_label"] == "Goods, Services"


def test_a_rule_layer_and_a_bid_reach_of_the_same_code_keep_their_own_words() -> None:
    """Layer.CITY and BidScope.CITY are both "city": the rules page and a decision's grounds
    must still say 시 방침 for the layer and 시 안의 업체 for the reach."""
    with translation.override("ko"):
        assert explanations.label(Layer.CITY) == "시 방침"
        assert explanations.label(BidScope.CITY) == "시 안의 업체"
        assert explanations.label(Layer.LAW) == "법령"
