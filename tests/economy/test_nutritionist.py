"""The nutritionist (급식 영양사) plans school meals: menus, substitutions, the optimiser, the
orders and the deliveries; the city's ledger, supplier registry, rules and uniforms are not
theirs."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.economy.test_meals import YEAR, _solve, world  # noqa: F401  (the meals' world)

from saram.core.models import Job, Role
from saram.core.navigation import start_page_for
from saram.economy.models import MealOrder, SourcingRun, Substitution

pytestmark = pytest.mark.django_db


@pytest.fixture
def nutritionist(client_as: Any) -> Any:
    return client_as(Role.NUTRITIONIST)


def test_the_nutritionist_lands_on_school_meals_and_has_it_in_the_menu(nutritionist: Any) -> None:
    assert start_page_for(nutritionist.user) == "/economy/meals/"
    page = nutritionist.get("/economy/meals/").content.decode()
    assert 'href="/economy/meals/runs/new/' in page
    assert 'href="/economy/meals/upload/menus/"' in page
    assert 'href="/economy/meals/upload/offers/"' not in page  # the farms' offers: procurement
    assert 'href="/economy/ledger/"' not in page  # no economy tabs they cannot open


def test_the_nutritionist_runs_the_plan_and_issues_the_orders(
    world: dict,  # noqa: F811
    nutritionist: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    run = _solve(nutritionist, django_capture_on_commit_callbacks, world)
    assert run.status == "optimal" and run.created_by == nutritionist.user
    page = nutritionist.get(f"/economy/meals/runs/{run.pk}/").content.decode()
    assert 'id="tradeoff-data"' in page and 'id="issue-orders"' in page
    assert nutritionist.post(f"/economy/meals/runs/{run.pk}/orders/").status_code == 302
    assert MealOrder.objects.filter(run=run, issued_by=nutritionist.user).count() == 2
    csv = b"".join(nutritionist.get(f"/economy/meals/runs/{run.pk}/?format=csv")).decode()
    assert csv.startswith("\ufeff월,식재료코드") and "가온 영농조합" in csv


def test_the_nutritionist_sets_substitutions_and_uploads_menus(
    world: dict,  # noqa: F811
    nutritionist: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sweet = world["potato"].__class__.objects.create(
        code="sweet", name="고구마", group=world["potato"].group
    )
    response = nutritionist.post(
        "/economy/meals/substitutions/",
        {"original": world["potato"].pk, "substitute": sweet.pk, "max_share_pct": 30},
    )
    assert response.status_code == 302
    assert Substitution.objects.get().max_share_pct == 30
    body = (
        "월,학교급,메뉴코드,메뉴,식재료코드,1인분g,급식일당횟수\n"
        "5,초등학교,soup,감자국,potato,90,0.5\n"
    )
    upload = SimpleUploadedFile("menus.csv", body.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = nutritionist.post("/economy/meals/upload/menus/", {"year": YEAR, "file": upload})
    assert response.status_code == 302
    assert Job.objects.get(created_by=nutritionist.user).status == "succeeded"


def test_the_nutritionist_is_refused_the_rest_of_the_economy(
    world: dict,  # noqa: F811
    nutritionist: Any,
) -> None:
    for path in (
        "/economy/",
        "/economy/ledger/",
        "/economy/suppliers/",
        "/economy/policy/check/",
        "/economy/multiplier/",
        "/economy/meals/upload/offers/",
    ):
        assert nutritionist.get(path).status_code == 403, path
    assert nutritionist.get("/economy/uniforms/").status_code == 404
    upload = SimpleUploadedFile("offers.csv", b"x\n", content_type="text/csv")
    response = nutritionist.post("/economy/meals/upload/offers/", {"year": YEAR, "file": upload})
    assert response.status_code == 403
    assert not Job.objects.exists()
    assert not SourcingRun.objects.exists()
