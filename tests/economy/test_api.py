"""The economy API: the same answers as the pages, for programs."""

from __future__ import annotations

from typing import Any

import pytest

from saram.core.models import Job, Role
from saram.economy.models import LedgerEntry, Programme

pytestmark = pytest.mark.django_db


def test_policy_check_answers_with_method_scope_firms_and_citations(
    demo_economy: Any, client_as: Any
) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    body = client.get(
        "/api/economy/policy/check",
        {"category": "books", "estimated_amount_krw": 50_000_000, "requested_on": "2025-05-01"},
    ).json()
    assert (body["method"], body["scope"]) == ("restricted_bid", "city")
    assert body["eligible_suppliers"] and all(
        s["locality"] == "in_city" for s in body["eligible_suppliers"]
    )
    assert "jeonju.city_bid" in {c["rule_id"] for c in body["citations"]}
    above = client.get(
        "/api/economy/policy/check",
        {"category": "books", "estimated_amount_krw": 50_000_001, "requested_on": "2025-05-01"},
    ).json()
    assert above["scope"] == "province"


def test_a_bad_request_is_a_400_with_the_reason(demo_economy: Any, client_as: Any) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    response = client.get(
        "/api/economy/policy/check",
        {"category": "books", "estimated_amount_krw": 0, "requested_on": "2025-05-01"},
    )
    assert response.status_code == 400 and response.json()["code"] == "non_positive_amount"


def test_lots_rules_plans_lm3_and_social_economy(demo_economy: Any, client_as: Any) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    lots = client.get("/api/economy/lots", {"programme": "library-books", "fiscal_year": 2026})
    assert lots.status_code == 200
    body = lots.json()
    assert body["expected_local_krw"] > body["status_quo_local_krw"]
    assert all(lot["reasons"] for lot in body["lots"])
    assert client.get("/api/economy/policy/rules").json()["revision"] == 1
    plans = client.get("/api/economy/plans", {"year": 2025}).json()
    detail = client.get(f"/api/economy/plans/{plans[0]['id']}").json()
    assert detail["purchases"][0]["reasons"]
    lm3 = client.get("/api/economy/lm3", {"year": 2024}).json()
    assert lm3["city"]["lm3"] > 1
    social = client.get("/api/economy/social-economy", {"year": 2025}).json()
    assert social["target_bp"] == 1000 and social["organisations"]
    suppliers = client.get("/api/economy/suppliers", {"category": "books"}).json()
    assert suppliers["count"] >= 10
    assert Programme.objects.filter(code=body["programme"]).exists()


def test_a_ledger_file_is_imported_through_the_api_as_a_job(
    rules: None,
    client_as: Any,
    make_supplier: Any,
    ledger_csv: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    firm = make_supplier("in_city")
    raw = ledger_csv(
        [("API-1", "2024-02-01", "회계과", "", "books", firm.business_number, "", 5000, "")]
    )
    client = client_as(Role.PROCUREMENT_OFFICER)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/economy/ledger/imports",
            {"fiscal_year": 2024, "file": SimpleUploadedFile("l.csv", raw, "text/csv")},
        )
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == "succeeded" and job.result["imported"] == 1
    assert LedgerEntry.objects.filter(payment_id="API-1").exists()
    assert client.get("/api/economy/ledger/imports").json()["count"] == 1
