"""Staff keep the discounts, the city keeps the device budgets: each as versioned data with its
source and dates, changed as a new version from a day, ended with a confirmation, every problem
shown beside its field; refused roles get nothing and change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from saram.core.models import AuditEntry, Role
from saram.making.models import DeviceBudget, Discount, DiscountBasis
from saram.making.services import print_charges

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)
NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
PUPIL = {
    "basis": "pupil",
    "name": "초·중·고 학생 할인",
    "name_en": "Pupil discount",
    "rate_percent": "50",
    "min_age": "8",
    "max_age": "19",
    "layer": "city",
    "source": "이용요금 규정 제5조",
    "is_uncertain": "on",
    "valid_from": "2026-12-07",
    "valid_until": "",
}


@pytest.fixture(autouse=True)
def _now() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff_client(client_as: Any) -> Any:
    return client_as(Role.MAKING_STAFF)


@pytest.fixture
def pupil(db: None) -> Discount:
    return Discount.objects.create(
        basis=DiscountBasis.PUPIL,
        name="초·중·고 학생 할인",
        name_en="Pupil discount",
        rate_percent=50,
        min_age=8,
        max_age=19,
        source="이용요금 규정 제5조",
        valid_from=dt.date(2026, 1, 1),
    )


def _discounts() -> list[tuple[Any, ...]]:
    return list(
        Discount.objects.order_by("pk").values_list(
            "basis", "rate_percent", "valid_from", "valid_until", "source"
        )
    )


def _budgets() -> list[tuple[Any, ...]]:
    return list(
        DeviceBudget.objects.order_by("pk").values_list(
            "dong", "amount_krw", "valid_from", "valid_until", "source"
        )
    )


# --- Discounts -----------------------------------------------------------------------------------


def test_staff_add_a_discount_and_see_it_in_force(staff_client: Any) -> None:
    response = staff_client.post(reverse("making:print_discount_new"), PUPIL)
    assert response.status_code == 302
    discount = Discount.objects.get()
    assert (discount.rate_percent, discount.min_age, discount.max_age) == (50, 8, 19)
    assert discount.is_uncertain and discount.source == "이용요금 규정 제5조"
    assert print_charges.in_force(DiscountBasis.PUPIL, TODAY) == discount
    page = staff_client.get(reverse("making:print_discounts")).content.decode()
    assert "이용요금 규정 제5조" in page and "8~19세" in page and "확인 필요" in page
    assert AuditEntry.objects.filter(target_type="making.discount").exists()


def test_each_bad_field_is_named_beside_it_and_nothing_is_written(staff_client: Any) -> None:
    bad = {
        **PUPIL,
        "min_age": "19",
        "max_age": "8",
        "valid_from": "2026-12-01",
        "valid_until": "2026-11-01",
    }
    page = staff_client.post(reverse("making:print_discount_new"), bad).content.decode()
    assert 'id="error-max_age"' in page and "최소 나이(19세)가 최대 나이(8세)보다" in page
    blank = staff_client.post(reverse("making:print_discount_new"), {**PUPIL, "source": " "})
    assert 'id="error-source"' in blank.content.decode()
    assert 'id="error-valid_from"' in page and "시행일은 오늘(2026-12-07) 이후" in page
    assert 'id="error-valid_until"' in page and "종료일이 시행일보다 빠릅니다" in page
    assert not Discount.objects.exists()
    over = staff_client.post(reverse("making:print_discount_new"), {**PUPIL, "rate_percent": "0"})
    assert 'id="error-rate_percent"' in over.content.decode()
    ages = staff_client.post(reverse("making:print_discount_new"), {**PUPIL, "basis": "incubator"})
    assert "나이 범위는 초·중·고 학생 할인에만" in ages.content.decode()
    assert not Discount.objects.exists()


def test_a_second_discount_of_the_same_kind_may_not_overlap(
    staff_client: Any, pupil: Discount
) -> None:
    page = staff_client.post(reverse("making:print_discount_new"), PUPIL).content.decode()
    assert 'id="error-valid_from"' in page and "기간이 겹칩니다" in page
    assert Discount.objects.count() == 1


def test_changing_a_discount_in_force_makes_a_new_version(
    staff_client: Any, pupil: Discount
) -> None:
    url = reverse("making:print_discount_edit", args=[pupil.pk])
    form = staff_client.get(url).content.decode()
    assert 'value="2026-12-08"' in form  # a new version from tomorrow, unless said
    response = staff_client.post(
        url, {**PUPIL, "rate_percent": "60", "valid_from": "2027-01-01", "source": "제5조 개정"}
    )
    assert response.status_code == 302
    old, new = Discount.objects.order_by("valid_from")
    assert (old.pk, old.rate_percent, old.valid_until) == (pupil.pk, 50, dt.date(2026, 12, 31))
    assert (new.rate_percent, new.valid_from, new.source) == (60, dt.date(2027, 1, 1), "제5조 개정")
    assert print_charges.in_force(DiscountBasis.PUPIL, TODAY) == old
    assert print_charges.in_force(DiscountBasis.PUPIL, dt.date(2027, 1, 2)) == new
    # The kind of a discount cannot change; a coming version may not overlap the one before.
    before = _discounts()
    edit_new = reverse("making:print_discount_edit", args=[new.pk])
    page = staff_client.post(
        edit_new, {**PUPIL, "basis": "incubator", "min_age": "", "max_age": ""}
    ).content.decode()
    assert 'id="error-basis"' in page
    page = staff_client.post(edit_new, {**PUPIL, "valid_from": "2026-12-10"}).content.decode()
    assert 'id="error-valid_from"' in page and "기간이 겹칩니다" in page
    assert _discounts() == before


def test_a_discount_not_yet_in_force_is_changed_in_place(staff_client: Any) -> None:
    staff_client.post(reverse("making:print_discount_new"), {**PUPIL, "valid_from": "2027-03-01"})
    coming = Discount.objects.get()
    staff_client.post(
        reverse("making:print_discount_edit", args=[coming.pk]),
        {**PUPIL, "valid_from": "2027-03-01", "rate_percent": "40"},
    )
    assert list(Discount.objects.values_list("pk", "rate_percent")) == [(coming.pk, 40)]


def test_ending_a_discount_asks_then_stops_it_after_the_last_day(
    staff_client: Any, pupil: Discount
) -> None:
    url = reverse("making:print_discount_end", args=[pupil.pk])
    assert "되돌릴 수 없습니다" in staff_client.get(url).content.decode()
    past = staff_client.post(url, {"last_day": "2026-12-01"}).content.decode()
    assert 'id="error-last_day"' not in past and "마지막 날은 오늘(2026-12-07) 이후" in past
    assert Discount.objects.get().valid_until is None
    staff_client.post(url, {"last_day": "2026-12-20"})
    pupil.refresh_from_db()
    assert pupil.valid_until == dt.date(2026, 12, 20)
    assert print_charges.in_force(DiscountBasis.PUPIL, dt.date(2026, 12, 21)) is None
    page = staff_client.get(reverse("making:print_discounts")).content.decode()
    assert "2026-01-01 ~ 2026-12-20" in page


@pytest.mark.parametrize(
    "role", [None, Role.CITIZEN, Role.INSTRUCTOR, Role.CITY_ADMIN, Role.WELFARE_OFFICER]
)
def test_other_roles_get_no_discount_page_and_change_nothing(
    role: Any, client_as: Any, client: Any, pupil: Discount
) -> None:
    who = client if role is None else client_as(role)
    before = _discounts()
    assert who.get(reverse("making:print_discounts")).status_code in (302, 403)
    for name, args in (
        ("making:print_discount_new", []),
        ("making:print_discount_edit", [pupil.pk]),
        ("making:print_discount_end", [pupil.pk]),
    ):
        url = reverse(name, args=args)
        for answer in (who.get(url), who.post(url, {**PUPIL, "last_day": "2026-12-08"})):
            refused = answer.status_code in (403, 404) or (
                answer.status_code == 302 and "/accounts/login/" in answer["Location"]
            )
            assert refused, (name, role, answer.status_code)
    assert _discounts() == before


def test_the_discount_list_refuses_writes(staff_client: Any) -> None:
    assert staff_client.post(reverse("making:print_discounts"), PUPIL).status_code == 405
    assert not Discount.objects.exists()


# --- Device budgets ------------------------------------------------------------------------------


@pytest.fixture
def city_client(client_as: Any) -> Any:
    return client_as(Role.CITY_ADMIN)


def test_the_city_revises_a_budget_as_a_new_version_and_the_old_stays(
    city_client: Any, dong: Any
) -> None:
    budget = DeviceBudget.objects.create(year=2026, dong=dong, amount_krw=500_000, source="본예산")
    assert budget.valid_from == dt.date(2026, 1, 1)
    url = reverse("making:device_budget_edit", args=[budget.pk])
    answer = city_client.post(
        url, {"amount_krw": "800000", "source": "1회 추경", "valid_from": "2026-12-08"}
    )
    assert answer.status_code == 302
    old, new = DeviceBudget.objects.order_by("valid_from")
    assert (old.amount_krw, old.valid_until) == (500_000, dt.date(2026, 12, 7))
    assert (new.amount_krw, new.valid_from, new.valid_until) == (
        800_000,
        dt.date(2026, 12, 8),
        None,
    )
    assert print_charges.budget_for(dong_id=dong.pk, year=2026, on=TODAY) == old
    assert print_charges.budget_for(dong_id=dong.pk, year=2026, on=dt.date(2026, 12, 9)) == new
    page = city_client.get(reverse("making:device_budgets")).content.decode()
    assert 'id="budget-history"' in page and "본예산" in page
    # The old version is history: it can be neither changed nor ended again.
    assert city_client.get(url).status_code == 404
    assert city_client.post(reverse("making:device_budget_end", args=[old.pk])).status_code == 404


def test_budget_errors_are_shown_beside_their_fields(city_client: Any, dong: Any) -> None:
    page = city_client.post(
        reverse("making:device_budgets"),
        {"dong": dong.pk, "amount_krw": "-5", "source": " ", "valid_from": "2027-02-01"},
    ).content.decode()
    assert 'id="error-amount_krw"' in page and 'id="error-source"' in page
    page = city_client.post(
        reverse("making:device_budgets"),
        {"dong": dong.pk, "amount_krw": "5000", "source": "본예산", "valid_from": "2027-02-01"},
    ).content.decode()
    assert 'id="error-valid_from"' in page and "2026년 안의 날짜" in page
    assert not DeviceBudget.objects.exists()


def test_ending_a_dong_budget_sends_its_devices_to_the_city_pool(
    city_client: Any, dong: Any
) -> None:
    pool = DeviceBudget.objects.create(year=2026, amount_krw=2_000_000, source="시 예산")
    own = DeviceBudget.objects.create(year=2026, dong=dong, amount_krw=500_000, source="동 예산")
    url = reverse("making:device_budget_end", args=[own.pk])
    assert "시 전체 예산에서 나갑니다" in city_client.get(url).content.decode()
    city_client.post(url, {"last_day": "2026-12-10"})
    own.refresh_from_db()
    assert own.valid_until == dt.date(2026, 12, 10)
    assert print_charges.budget_for(dong_id=dong.pk, year=2026, on=dt.date(2026, 12, 11)) == pool


@pytest.mark.parametrize(
    "role", [None, Role.CITIZEN, Role.MAKING_STAFF, Role.WELFARE_OFFICER, Role.INSTRUCTOR]
)
def test_only_the_city_changes_budgets(role: Any, client_as: Any, client: Any, dong: Any) -> None:
    budget = DeviceBudget.objects.create(year=2026, dong=dong, amount_krw=500_000, source="본예산")
    who = client if role is None else client_as(role, dong)
    before = _budgets()
    values = {
        "amount_krw": "1",
        "source": "x",
        "valid_from": "2026-12-08",
        "last_day": "2026-12-08",
    }
    for name in ("making:device_budget_edit", "making:device_budget_end"):
        url = reverse(name, args=[budget.pk])
        for answer in (who.get(url), who.post(url, values)):
            refused = answer.status_code in (403, 404) or (
                answer.status_code == 302 and "/accounts/login/" in answer["Location"]
            )
            assert refused, (name, role, answer.status_code)
    answer = who.post(reverse("making:device_budgets"), {"dong": dong.pk, **values})
    assert answer.status_code == 403 or "/accounts/login/" in answer.get("Location", "")
    assert _budgets() == before
