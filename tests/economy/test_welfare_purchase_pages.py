"""Recording a welfare purchase (a service bought for cases from a social-economy provider)
from the page, changing and removing it: the ledger, its totals and the audit log follow, the
ledger's checks name the field, and only procurement may write."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from saram.core.models import AuditEntry, Role
from saram.economy.models import Category, LedgerEntry, Programme
from saram.economy.selectors import LedgerFilter, local_share

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_user: Any, make_supplier: Any, departments: Any) -> dict[str, Any]:
    Category.objects.create(
        code="social_services", name="사회복지 서비스", name_en="Social services", kind="services"
    )
    return {
        "officer": make_user(Role.PROCUREMENT_OFFICER),
        "coop": make_supplier(
            "in_city", social_economy_type="cooperative", name="행복돌봄협동조합"
        ),
        "department": departments["library"],
    }


def _client(user: Any, language: str = "ko") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _form(setup: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "paid_on": "2025-05-12",
        "programme": "emergency",
        "business_number": setup["coop"].pk,
        "amount_krw": "1200000",
        "vat_basis": "exempt",
        "method": "",
        "department": setup["department"].pk,
        "category": Category.objects.get(code="social_services").pk,
        "payment_id": "2025-복지-0001",
    } | changes


def _share(user: Any) -> list[tuple[str, int, int]]:
    return [
        (r.label, r.in_city_krw, r.total_krw)
        for r in local_share(user, LedgerFilter(fiscal_year=2025), by="programme")
    ]


def test_a_purchase_recorded_changed_and_removed_moves_local_share_and_is_audited(
    setup: dict[str, Any],
) -> None:
    officer = setup["officer"]
    client = _client(officer)
    form = client.get("/economy/welfare/new/").content.decode()
    assert "행복돌봄협동조합 (협동조합)" in form and "emergency" not in form.split("<option")[0]

    answer = client.post("/economy/welfare/new/", _form(setup))
    assert answer.status_code == 302 and answer["Location"].endswith("?year=2025")
    assert _share(officer) == [("동네복지: 긴급 지원", 1_200_000, 1_200_000)]
    listed = client.get(answer["Location"]).content.decode()
    assert "행복돌봄협동조합" in listed and "1,200,000" in listed and "data-confirm" in listed

    entry = LedgerEntry.objects.get()
    client.post(f"/economy/welfare/{entry.pk}/edit/", _form(setup, amount_krw="900000"))
    assert _share(officer) == [("동네복지: 긴급 지원", 900_000, 900_000)]
    changed = LedgerEntry.objects.get()
    assert changed.payment_id == "2025-복지-0001" and changed.amount_krw == 900_000
    update = AuditEntry.objects.get(action="update", target_type="economy.ledger_entry")
    assert update.detail["before"]["amount_krw"] == 1_200_000
    assert update.detail["after"]["amount_krw"] == 900_000

    assert client.get(f"/economy/welfare/{changed.pk}/remove/").status_code == 405
    client.post(f"/economy/welfare/{changed.pk}/remove/")
    assert not LedgerEntry.objects.exists() and _share(officer) == []
    assert AuditEntry.objects.filter(action="delete", target_type="economy.ledger_entry").exists()


def test_bad_input_is_named_at_its_field_in_the_layout_and_nothing_is_written(
    setup: dict[str, Any],
) -> None:
    client = _client(setup["officer"])
    client.post("/economy/welfare/new/", _form(setup))

    again = client.post("/economy/welfare/new/", _form(setup, paid_on="2025-06-01"))
    page = again.content.decode()
    assert again.status_code == 200 and "<nav" in page  # the site's layout
    errors = page[page.index('id="id_payment_id_error"') : page.index('name="payment_id"')]
    assert "이미" in errors  # at the payment number, in Korean
    assert LedgerEntry.objects.count() == 1
    english = _client(setup["officer"], "en").post(
        "/economy/welfare/new/", _form(setup, amount_krw="-5")
    )
    text = english.content.decode()
    assert english.status_code == 200 and "greater than or equal to 1" in text
    assert LedgerEntry.objects.count() == 1


def test_only_procurement_writes_and_other_ledger_rows_are_not_welfare_purchases(
    setup: dict[str, Any], make_user: Any, make_supplier: Any
) -> None:
    _client(setup["officer"]).post("/economy/welfare/new/", _form(setup))
    entry = LedgerEntry.objects.get()
    social = _client(make_user(Role.SOCIAL_ECONOMY_OFFICER))
    assert social.get("/economy/welfare/").status_code == 200
    assert social.get("/economy/welfare/new/").status_code == 403
    assert social.post("/economy/welfare/new/", _form(setup, payment_id="X")).status_code == 403
    assert social.post(f"/economy/welfare/{entry.pk}/remove/").status_code == 403
    assert (
        social.post(f"/economy/welfare/{entry.pk}/edit/", _form(setup, amount_krw="1")).status_code
        == 403
    )
    nutritionist = _client(make_user(Role.NUTRITIONIST))
    assert nutritionist.get("/economy/welfare/").status_code == 403
    assert nutritionist.post(f"/economy/welfare/{entry.pk}/remove/").status_code in (403, 404)
    assert LedgerEntry.objects.get().amount_krw == 1_200_000
    # A ledger row of another programme is not found here.
    entry.programme = Programme.objects.create(code="books", name="도서 구입")
    entry.save(update_fields=["programme"])
    assert _client(setup["officer"]).get(f"/economy/welfare/{entry.pk}/edit/").status_code == 404
