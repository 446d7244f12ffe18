"""Each economy list and detail page answers in a fixed number of queries, whatever the number
of rows: no query per purchase, lot, supplier or citation (the demo economy holds hundreds)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saram.core.models import Role
from saram.economy.models import Programme, PurchasePlan, Supplier

pytestmark = pytest.mark.django_db

# The most queries each page may make (session, user and role reads included, and the
# session's save on every request that keeps the idle timeout running).
PAGES: dict[str, int] = {
    "/economy/": 14,
    "/economy/suppliers/": 10,
    "/economy/ledger/?year=2024": 11,
    "/economy/ledger/rows/?year=2024": 14,
    "/economy/ledger/imports/": 8,
    "/economy/ledger/splits/?year=2024": 12,
    "/economy/policy/": 8,
    "/economy/policy/check/?category={books}&estimated_amount_krw=60000000"
    "&requested_on=2025-05-01": 14,
    "/economy/plans/": 9,
    "/economy/plans/{plan}/": 13,
    "/economy/suppliers/{supplier}/": 10,
    "/economy/lots/?programme={programme}&fiscal_year=2026&bid_award_ratio_percent=90": 22,
    "/economy/policy/revisions/1/": 9,
    # The welfare programmes and the referrals social-economy firms served (Part D): +2, +1.
    "/economy/multiplier/?year=2024": 17,
    "/economy/social/?year=2024": 14,
}


def test_every_list_and_detail_page_has_a_fixed_query_count(
    demo_economy: Any, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_as(Role.CITY_ADMIN)
    books = Programme.objects.get(code="library-books")
    ids = {
        "plan": PurchasePlan.objects.get(programme=books, fiscal_year=2025).pk,
        "supplier": Supplier.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
        "programme": books.pk,
        "books": books.category_id,
    }
    counts: dict[str, int] = {}
    for template, limit in PAGES.items():
        url = template.format(**ids)
        client.get(url)  # warm caches that live longer than a request (rule books, city)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts[url] = len(queries)
        assert response.status_code == 200, url
        with django_assert_max_num_queries(limit):
            client.get(url)
