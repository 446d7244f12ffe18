"""School meals: menus in, a plan out, orders through the rule book, deliveries tracked."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saram.core.imports import keep_upload
from saram.core.models import Job, JobStatus, Role
from saram.economy.models import (
    FarmOffer,
    FarmProfile,
    FoodGroup,
    Ingredient,
    MealOrder,
    MenuItem,
    Recipe,
    RecipeIngredient,
    School,
    SchoolKind,
    SchoolMonth,
    SourcingLine,
    SourcingRun,
)
from saram.economy.services import meals

YEAR = 2026


@pytest.fixture
def world(city: Any, categories: dict, make_supplier: Any, rules: None) -> dict[str, Any]:
    """One school of 100 pupils with 20 meal days in March and April; potato soup served every
    other day (100 g of potato a serving): 100 kg of potato a month. A local farm can give
    60 kg in March and 200 kg in April at 1,000 won; a wholesaler anything at 800 won."""
    school = School.objects.create(
        code="E0001", name="가온초등학교", kind=SchoolKind.ELEMENTARY, pupils=100
    )
    for month in range(1, 13):
        SchoolMonth.objects.create(
            school=school, year=YEAR, month=month, meal_days=20 if month in (3, 4) else 0
        )
    potato = Ingredient.objects.create(
        code="potato", name="감자", name_en="Potato", group=FoodGroup.VEGETABLE
    )
    soup = Recipe.objects.create(code="soup", name="감자국")
    RecipeIngredient.objects.create(recipe=soup, ingredient=potato, grams_per_serving=100)
    for month in (3, 4):
        MenuItem.objects.create(
            year=YEAR,
            month=month,
            school_kind=SchoolKind.ELEMENTARY,
            recipe=soup,
            servings_per_meal_day="0.5",
        )
    farm = make_supplier("in_city", categories_=("produce",), name="가온 영농조합")
    wholesale = make_supplier("outside", categories_=("produce",), name="먼곳 유통")
    FarmProfile.objects.create(supplier=farm, distance_km=8)
    FarmProfile.objects.create(supplier=wholesale, distance_km=230)
    capacity = [0.0] * 12
    capacity[2], capacity[3] = 60.0, 200.0
    FarmOffer.objects.create(
        supplier=farm, ingredient=potato, year=YEAR, price_krw_per_kg=1000, capacity_kg=capacity
    )
    FarmOffer.objects.create(
        supplier=wholesale,
        ingredient=potato,
        year=YEAR,
        price_krw_per_kg=800,
        capacity_kg=[1e6] * 12,
    )
    return {
        "school": school,
        "potato": potato,
        "farm": farm,
        "wholesale": wholesale,
        "produce": categories["produce"],
    }


def _solve(client: Any, capture: Any, world: dict[str, Any], **goal: Any) -> SourcingRun:
    data = {
        "year": YEAR,
        "category": str(world["produce"].pk),
        "local_weight": 100,
        "cost_weight": 0,
        "distance_weight": 0,
        **goal,
    }
    with capture(execute=True):
        response = client.post("/economy/meals/runs/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return SourcingRun.objects.latest("id")


@pytest.fixture
def officer(client_as: Any) -> Any:
    return client_as(Role.PROCUREMENT_OFFICER)


def test_demand_comes_from_menus_pupils_and_meal_days(world: dict) -> None:
    demand = meals.demand_kg(YEAR)
    assert demand["potato"][2] == pytest.approx(100.0)  # 100 pupils × 20 days × ½ × 0.1 kg
    assert demand["potato"][3] == pytest.approx(100.0)
    assert demand["potato"][0] == 0


def test_the_officer_runs_the_plan_and_reads_it(
    world: dict, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run = _solve(officer, django_capture_on_commit_callbacks, world)
    assert run.status == "optimal"
    job = Job.objects.get(pk=run.job_id)
    assert job.status == JobStatus.SUCCEEDED and job.percent == 100
    for month in (3, 4):
        kg = sum(SourcingLine.objects.filter(run=run, month=month).values_list("kg", flat=True))
        assert kg == pytest.approx(100.0)  # the plan's totals equal demand
    local = SourcingLine.objects.filter(run=run, supplier=world["farm"])
    assert {(line.month, round(line.kg)) for line in local} == {(3, 60), (4, 100)}
    page = officer.get(f"/economy/meals/runs/{run.pk}/").content.decode()
    assert "가온 영농조합" in page
    # The page that polled while it ran loads again whole when it is done (plan, curve, orders).
    polled = officer.get(f"/economy/meals/runs/{run.pk}/", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"
    assert "감자 3월 공급 가능량 60kg을 모두 씁니다" in page  # what holds the local share back
    assert 'id="tradeoff-data"' in page


def test_an_infeasible_plan_says_what_is_missing(
    world: dict, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    FarmOffer.objects.filter(supplier=world["wholesale"]).delete()
    run = _solve(officer, django_capture_on_commit_callbacks, world)
    assert run.status == "infeasible"
    page = officer.get(f"/economy/meals/runs/{run.pk}/").content.decode()
    assert "감자 3월 수요 100kg, 공급 가능 60kg" in page
    assert 'id="issue-orders"' not in page  # nothing to order from an impossible plan


def test_a_local_share_floor_out_of_reach_is_explained_in_english(
    world: dict, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run = _solve(officer, django_capture_on_commit_callbacks, world, min_local_share_pct=95)
    assert run.status == "infeasible"
    officer.cookies["django_language"] = "en"
    page = officer.get(f"/economy/meals/runs/{run.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "cannot be reached" in page
    assert "감자" not in page


def test_orders_are_one_per_supplier_for_the_year_decided_by_the_rules(
    world: dict, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run = _solve(officer, django_capture_on_commit_callbacks, world)
    assert officer.get(f"/economy/meals/runs/{run.pk}/orders/").status_code == 405
    response = officer.post(f"/economy/meals/runs/{run.pk}/orders/")
    assert response.status_code == 302
    orders = {o.supplier_id: o for o in MealOrder.objects.filter(run=run)}
    assert set(orders) == {world["farm"].pk, world["wholesale"].pk}
    assert orders[world["farm"].pk].amount_krw == 160 * 1000
    assert orders[world["farm"].pk].method == "private_contract_single"
    assert orders[world["farm"].pk].citations  # the rules it rests on
    officer.post(f"/economy/meals/runs/{run.pk}/orders/")
    assert MealOrder.objects.filter(run=run).count() == 2  # a second click adds nothing
    page = officer.get(f"/economy/meals/runs/{run.pk}/").content.decode()
    assert "수의계약 (1인 견적)" in page
    # Each order's grounds are said in words with the layer and the law, not by rule id.
    assert "법령" in page and not re.search(r"\b(law|jeonju)\.[a-z_.]+", page)


@time_machine.travel(dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC))
def test_deliveries_show_the_local_share_achieved(
    world: dict, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run = _solve(officer, django_capture_on_commit_callbacks, world)
    orders = meals.issue_orders(by=officer.user, run=run, on=dt.date(2026, 2, 1))
    farm_order = next(o for o in orders if o.supplier_id == world["farm"].pk)
    meals.record_delivery(
        by=officer.user,
        order=farm_order,
        school=world["school"],
        ingredient=world["potato"],
        month=3,
        kg=60,
        amount_krw=60_000,
        delivered_on=dt.date(2026, 3, 20),
    )
    wholesale_order = next(o for o in orders if o.supplier_id == world["wholesale"].pk)
    meals.record_delivery(
        by=officer.user,
        order=wholesale_order,
        school=world["school"],
        ingredient=world["potato"],
        month=4,
        kg=10,
        amount_krw=8_000,
        delivered_on=dt.date(2026, 4, 20),
        paid_on=dt.date(2026, 4, 30),
    )
    rows = {r.month: r for r in meals.tracking(run)}
    assert rows[3].achieved_share == 1.0
    # Paid is counted apart from delivered: March's local delivery is not paid yet.
    assert (rows[3].paid_krw, rows[4].paid_krw, rows[4].paid_local_krw) == (0, 8_000, 0)
    assert rows[3].planned_share == pytest.approx(60_000 / (60_000 + 40 * 800))
    page = officer.get(f"/economy/meals/runs/{run.pk}/tracking/?school={world['school'].pk}")
    assert page.status_code == 200
    assert "100.0%" in page.content.decode()


def test_a_menu_file_with_bad_rows_is_refused_whole(
    world: dict, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    body = (
        "월,학교급,메뉴코드,메뉴,식재료코드,1인분g,급식일당횟수\n"
        "5,초등학교,stew,감자조림,potato,80,0.2\n"
        "5,초등학교,stew,감자조림,truffle,10,0.2\n"
        "13,초등학교,rice,밥,potato,-5,0\n"
    ).encode()
    upload = SimpleUploadedFile("menus.csv", body, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post("/economy/meals/upload/menus/", {"year": YEAR, "file": upload})
    assert response.status_code == 302
    page = officer.get(response["Location"]).content.decode()
    assert "등록되지 않은 식재료 코드입니다." in page
    assert "월은 1부터 12 사이의 숫자여야 합니다." in page
    assert "0보다 커야 합니다." in page
    assert not MenuItem.objects.filter(year=YEAR, month=5).exists()
    # The page offers the error file it speaks of: the bad rows whole, to fix and send again.
    link = page.split('id="error-file"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert "truffle" in b"".join(officer.get(link).streaming_content).decode()


def test_a_capacity_in_tonnes_is_refused(world: dict, officer: Any) -> None:
    header = "사업자등록번호,식재료코드,kg당가격," + ",".join(f"{m}월kg" for m in range(1, 13))
    number = world["farm"].organisation.business_number
    body = f"{header}\n{number},potato,1000,3t,0,0,0,0,0,0,0,0,0,0,0\n".encode()
    with pytest.raises(meals.SaramError) as caught:
        meals.import_offers(by=officer.user, upload=keep_upload(body, "o.csv"), year=YEAR)
    assert "kg 단위" in caught.value.row_errors[0].message


def test_the_pages_keep_to_their_query_budget(
    world: dict,
    officer: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    run = _solve(officer, django_capture_on_commit_callbacks, world)
    officer.post(f"/economy/meals/runs/{run.pk}/orders/")
    for path, budget in (
        ("/economy/meals/", 14),
        (f"/economy/meals/runs/{run.pk}/", 16),
        (f"/economy/meals/runs/{run.pk}/tracking/", 12),
    ):
        with django_assert_max_num_queries(budget):
            assert officer.get(path).status_code == 200


def test_people_outside_the_economy_see_nothing(
    world: dict, officer: Any, client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run = _solve(officer, django_capture_on_commit_callbacks, world)
    citizen = client_as(Role.CITIZEN)
    for path in (
        "/economy/meals/",
        f"/economy/meals/runs/{run.pk}/",
        f"/economy/meals/runs/{run.pk}/tracking/",
        "/economy/uniforms/",
    ):
        assert citizen.get(path).status_code == 404, path
    assert citizen.post(f"/economy/meals/runs/{run.pk}/orders/").status_code == 404
    assert not MealOrder.objects.exists()
    admin = client_as(Role.CITY_ADMIN)  # reads the reports, may not order
    assert admin.get(f"/economy/meals/runs/{run.pk}/").status_code == 200
    assert admin.post(f"/economy/meals/runs/{run.pk}/orders/").status_code in (403, 404)
    assert not MealOrder.objects.exists()


@time_machine.travel(dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC))
def test_a_deliveries_file_is_checked_against_the_plans_orders(
    world: dict, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run = _solve(officer, django_capture_on_commit_callbacks, world)
    meals.issue_orders(by=officer.user, run=run, on=dt.date(2026, 2, 1))
    farm = world["farm"].organisation.business_number
    header = "사업자등록번호,학교코드,식재료코드,월,kg,금액,배송일,지급일\n"
    bad = (
        f"{header}{farm},E0001,potato,3,60,60000,2026-03-20,2026-03-10\n"
        f"9999999999,E0001,potato,3,10,8000,2026-06-01,\n"
    ).encode()
    with pytest.raises(meals.SaramError) as caught:
        meals.import_deliveries(by=officer.user, upload=keep_upload(bad, "d.csv"), run=run)
    messages = {(e.row, e.field): e.message for e in caught.value.row_errors}
    assert messages[(2, "지급일")] == "지급일이 배송일보다 앞섭니다."
    assert messages[(3, "사업자등록번호")] == "이 계획에서 발주하지 않은 업체입니다."
    assert messages[(3, "배송일")] == "배송일이 미래입니다."
    good = f"{header}{farm},E0001,potato,3,60,60000,2026-03-20,2026-04-10\n".encode()
    assert meals.import_deliveries(by=officer.user, upload=keep_upload(good, "d.csv"), run=run) == 1
    assert {r.month: r.achieved_share for r in meals.tracking(run)}[3] == 1.0


def test_a_solve_cut_short_by_its_time_limit_says_so(world: dict) -> None:
    from saram.economy.engine import sourcing

    problem = meals.build_problem(YEAR, meals.GoalInput())
    plan = sourcing.solve(problem, time_limit_s=0.0)
    assert plan.status in (sourcing.PlanStatus.TIME_LIMIT, sourcing.PlanStatus.OPTIMAL)
    if plan.status is sourcing.PlanStatus.TIME_LIMIT:
        assert plan.size.columns > 0  # a plan object with its note, not an exception


def test_uniform_lots_name_their_method_and_the_local_firms_able_to_bid(
    world: dict, officer: Any, make_supplier: Any
) -> None:
    from saram.economy.models import UniformDemand, UniformOffer

    middle = School.objects.create(
        code="M0001", name="가온중학교", kind=SchoolKind.MIDDLE, pupils=300
    )
    UniformDemand.objects.create(
        school=middle,
        year=YEAR,
        new_pupils=100,
        sizes={"95": 60, "100": 40},
        purchase_on=dt.date(2025, 11, 20),
        budget_per_set_krw=300_000,
    )
    local = make_supplier("in_city", categories_=("uniforms",), name="전주 교복")
    small = make_supplier("in_city", categories_=("uniforms",), name="작은 교복")
    UniformOffer.objects.create(
        supplier=local, year=YEAR, capacity_sets=500, price_per_set_krw=280_000
    )
    UniformOffer.objects.create(
        supplier=small, year=YEAR, capacity_sets=50, price_per_set_krw=250_000
    )
    page = officer.get(f"/economy/uniforms/?year={YEAR}").content.decode()
    assert "가온중학교" in page
    assert "30,000,000" in page  # 100 pupils × the 300,000 won cap
    assert "시내 업체로 제한" in page  # 30M is within the city's 50M restricted-bid rule
    assert "전주 교복" in page.split('id="uniform-lots"')[1].split("</table>")[0]
    assert "작은 교복" not in page.split('id="uniform-lots"')[1].split("</table>")[0]


def test_substitutions_stay_within_a_food_group(world: dict, officer: Any) -> None:
    sweet = Ingredient.objects.create(code="sweet", name="고구마", group=FoodGroup.VEGETABLE)
    pork = Ingredient.objects.create(code="pork", name="돼지고기", group=FoodGroup.MEAT)
    response = officer.post(
        "/economy/meals/substitutions/",
        {"original": world["potato"].pk, "substitute": pork.pk, "max_share_pct": 30},
        follow=True,
    )
    assert "감자와 돼지고기는 식품군이 달라 서로 대체할 수 없습니다." in response.content.decode()
    officer.post(
        "/economy/meals/substitutions/",
        {"original": world["potato"].pk, "substitute": sweet.pk, "max_share_pct": 30},
    )
    problem = meals.build_problem(YEAR, meals.GoalInput())
    assert [(s.original, s.substitute, s.max_share) for s in problem.substitutions] == [
        ("potato", "sweet", 0.3)
    ]


def test_the_deliveries_template_lists_the_school_and_ingredient_codes_by_name(
    world: dict[str, Any], client_as: Any
) -> None:
    """A nutritionist fills the deliveries file from its template alone: the codes it accepts
    are listed there with their names, in the reader's language."""
    client = client_as(Role.NUTRITIONIST)
    url = reverse("import_template", args=["economy_meal_deliveries"])
    for language, school, ingredient in (
        ("ko", "가온초등학교", "감자"),
        ("en", "가온초등학교", "Potato"),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        notes = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[1]
        allowed = {row[0].value: row[2].value or "" for row in notes.iter_rows(min_row=2)}
        assert f"E0001 ({school})" in allowed["학교코드"]
        assert f"potato ({ingredient})" in allowed["식재료코드"]
