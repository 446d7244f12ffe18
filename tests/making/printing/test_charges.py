"""Who pays what: the pupil discount for a requester of school age, incubator credits drawn
from the tenant's ledger when the quote is accepted and given back on cancellation, and the
welfare budget that assistive devices are charged to (refused or held when it runs short)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import trimesh
from django.urls import reverse

from saram.core.errors import SaramError
from saram.core.models import Organisation, OrganisationKind, Role
from saram.making.models import (
    CreditEntry,
    CreditReason,
    DeviceBudget,
    Discount,
    DiscountBasis,
    Founder,
    JobStatus,
    Machine,
    Material,
    PrintJob,
    Tenant,
)
from saram.making.services import print_charges, printing
from saram.welfare.services import cases

from .conftest import stl_upload
from .test_routing import small  # noqa: F401

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
START = dt.date(2026, 1, 1)


@pytest.fixture
def pupil_discount(db: None) -> Discount:
    return Discount.objects.create(
        basis=DiscountBasis.PUPIL,
        name="초·중·고 학생 할인",
        name_en="Pupil discount",
        rate_percent=50,
        min_age=8,
        max_age=19,
        source="이용요금 규정 제5조",
        valid_from=START,
    )


@pytest.fixture
def incubator_discount(db: None) -> Discount:
    return Discount.objects.create(
        basis=DiscountBasis.INCUBATOR,
        name="창업보육 장비 크레딧",
        name_en="Incubator credits",
        rate_percent=100,
        source="입주기업 지원 규정 제12조",
        valid_from=START,
    )


def _tenant_with_credit(user: Any, minutes: int) -> Tenant:
    org = Organisation.objects.create(name="메이커스튜디오", kind=OrganisationKind.FIRM)
    tenant = Tenant.objects.create(
        organisation=org,
        field="시제품",
        term_starts_on=dt.date(2026, 1, 1),
        term_ends_on=dt.date(2027, 12, 31),
    )
    Founder.objects.create(tenant=tenant, name="김창업", user=user)
    CreditEntry.objects.create(
        tenant=tenant, at=NOW, minutes=minutes, balance_minutes=minutes, reason=CreditReason.GRANT
    )
    return tenant


def _quoted(user: Any, pla: Material, *, birth_year: int | None = None) -> PrintJob:
    job = printing.submit_model(
        by=user,
        upload=stl_upload(trimesh.creation.box((30, 30, 20))),
        title="시제품 케이스",
        material=pla,
        layer_height_mm=Decimal("0.30"),
        infill_percent=20,
        quantity=1,
        now=NOW,
        pupil_birth_year=birth_year,
    )
    printing.request_slice(by=user, job=job)
    job = printing.run_slice(job.pk, now=NOW)  # the task's body (queued on commit)
    assert job.status == JobStatus.QUOTED, job.failure
    return job


def test_a_pupil_gets_the_pupil_discount_and_an_adult_does_not(
    citizen: Any,
    pla: Material,
    small: Machine,  # noqa: F811
    pupil_discount: Discount,
) -> None:
    pupil_job = _quoted(citizen, pla, birth_year=2012)  # 14 this year
    full = pupil_job.material_krw + pupil_job.machine_krw
    assert pupil_job.discount == pupil_discount
    assert pupil_job.discount_krw == full * 50 // 100
    assert pupil_job.total_krw == full + pupil_job.setup_krw - pupil_job.discount_krw
    adult_job = _quoted(citizen, pla, birth_year=1990)
    assert adult_job.discount is None and adult_job.discount_krw == 0
    undeclared = _quoted(citizen, pla)
    assert undeclared.discount_krw == 0


def test_no_discount_outside_its_dates(
    citizen: Any,
    pla: Material,
    small: Machine,  # noqa: F811
    pupil_discount: Discount,
) -> None:
    Discount.objects.filter(pk=pupil_discount.pk).update(valid_until=dt.date(2026, 6, 30))
    assert _quoted(citizen, pla, birth_year=2012).discount_krw == 0


def test_incubator_credits_cover_machine_time_and_are_drawn_on_acceptance(
    citizen: Any,
    pla: Material,
    small: Machine,  # noqa: F811
    incubator_discount: Discount,
) -> None:
    tenant = _tenant_with_credit(citizen, minutes=10_000)
    job = _quoted(citizen, pla)
    minutes = -(-job.sliced_seconds // 60)
    assert job.credit_tenant == tenant and job.credit_minutes == minutes
    assert job.discount_krw == job.machine_krw  # every minute covered, at 100 %
    # Nothing is drawn by the quote itself.
    assert print_charges.credit_balance(tenant) == 10_000
    printing.accept_quote(by=citizen, job=job, now=NOW)
    assert print_charges.credit_balance(tenant) == 10_000 - minutes
    entry = CreditEntry.objects.get(print_job=job)
    assert entry.minutes == -minutes and entry.reason == CreditReason.PRINT_JOB
    # Cancelled before printing: the minutes come back, on the ledger.
    printing.cancel_job(by=citizen, job=job, now=NOW)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert print_charges.credit_balance(tenant) == 10_000
    assert CreditEntry.objects.filter(print_job=job, reason=CreditReason.PRINT_REFUND).exists()


def test_a_small_balance_covers_only_part_of_the_machine_time(
    citizen: Any,
    pla: Material,
    small: Machine,  # noqa: F811
    incubator_discount: Discount,
) -> None:
    _tenant_with_credit(citizen, minutes=3)
    job = _quoted(citizen, pla)
    minutes = -(-job.sliced_seconds // 60)
    assert minutes > 3
    assert job.credit_minutes == 3
    assert 0 < job.discount_krw < job.machine_krw
    assert job.discount_krw == job.machine_krw * 3 // minutes


def test_credits_spent_elsewhere_meanwhile_requote_instead_of_going_negative(
    citizen: Any,
    pla: Material,
    small: Machine,  # noqa: F811
    incubator_discount: Discount,
) -> None:
    tenant = _tenant_with_credit(citizen, minutes=10_000)
    job = _quoted(citizen, pla)
    CreditEntry.objects.create(
        tenant=tenant, at=NOW, minutes=-9_999, balance_minutes=1, reason=CreditReason.RESERVATION
    )
    with pytest.raises(SaramError) as refused:
        printing.accept_quote(by=citizen, job=job, now=NOW)
    assert refused.value.code == "print_credit_changed"
    job.refresh_from_db()
    assert job.status == JobStatus.QUOTED and job.credit_minutes == 1
    assert print_charges.credit_balance(tenant) == 1
    printing.accept_quote(by=citizen, job=job, now=NOW)
    assert print_charges.credit_balance(tenant) == 0


def test_the_better_discount_applies_not_both(
    citizen: Any,
    pla: Material,
    small: Machine,  # noqa: F811
    pupil_discount: Discount,
    incubator_discount: Discount,
) -> None:
    _tenant_with_credit(citizen, minutes=10_000)
    job = _quoted(citizen, pla, birth_year=2010)
    pupil = (job.material_krw + job.machine_krw) * 50 // 100
    assert job.discount_krw == max(pupil, job.machine_krw)


def test_the_quote_names_the_discount_and_its_source(
    client_as: Any,
    pla: Material,
    small: Machine,  # noqa: F811
    pupil_discount: Discount,
) -> None:
    client = client_as(Role.CITIZEN)
    job = _quoted(client.user, pla, birth_year=2012)
    page = client.get(reverse("making:print_job", args=[job.pk])).content.decode()
    assert "초·중·고 학생 할인 (50%)" in page
    assert f"-{job.discount_krw:,}원" in page
    assert "이용요금 규정 제5조" in page and "학생증" in page


# --- the welfare budget ------------------------------------------------------------------------


@pytest.fixture
def case_need(make_user: Any, make_person: Any, dong: Any) -> tuple[Any, Any]:
    officer = make_user(Role.WELFARE_OFFICER, dong)
    case = cases.open_case(
        by=officer,
        person=make_person(dong),
        programme="integrated",
        needs=[("health", "손 떨림")],
        now=NOW,
    )
    return officer, case.needs.get()


def _ask(officer: Any, need: Any, pla: Material, capture: Any) -> Any:
    with capture(execute=True):
        return printing.request_device(
            by=officer,
            need=need,
            design="key_turner",
            params={},
            material=pla,
            has_consent=True,
            now=NOW,
        )


def test_no_budget_refuses_the_device_and_writes_nothing(
    case_need: tuple[Any, Any],
    pla: Material,
    small: Machine,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer, need = case_need
    with pytest.raises(SaramError) as refused:
        _ask(officer, need, pla, django_capture_on_commit_callbacks)
    assert refused.value.code == "device_no_budget"
    assert "2026년 보조기구 예산" in refused.value.message
    assert not PrintJob.objects.exists()


def test_a_device_over_the_dongs_budget_is_refused_with_what_remains(
    case_need: tuple[Any, Any],
    pla: Material,
    small: Machine,  # noqa: F811
    dong: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer, need = case_need
    DeviceBudget.objects.create(year=2026, dong=dong, amount_krw=1_000, source="사업 예산")
    # The city pool is not drawn on while the dong has its own budget.
    DeviceBudget.objects.create(year=2026, dong=None, amount_krw=10**9, source="시 예산")
    with pytest.raises(SaramError) as refused:
        _ask(officer, need, pla, django_capture_on_commit_callbacks)
    assert refused.value.code == "device_over_budget"
    assert "남은 예산은 1,000원" in refused.value.message
    assert not PrintJob.objects.exists()


def test_devices_draw_on_the_budget_until_it_is_spent(
    case_need: tuple[Any, Any],
    pla: Material,
    small: Machine,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer, need = case_need
    budget = DeviceBudget.objects.create(year=2026, amount_krw=10**6, source="시 예산")
    first = _ask(officer, need, pla, django_capture_on_commit_callbacks).job
    first.refresh_from_db()
    assert first.status == JobStatus.ACCEPTED
    assert print_charges.spent_krw(budget, now=NOW) == first.total_krw
    # A second request fits when asked; the budget is cut before its slicing finishes, so the
    # sliced quote no longer fits: the job waits, quoted, with the reason, for the officer.
    with django_capture_on_commit_callbacks(execute=False):
        second = printing.request_device(
            by=officer,
            need=need,
            design="key_turner",
            params={},
            material=pla,
            has_consent=True,
            now=NOW,
        ).job
    DeviceBudget.objects.filter(pk=budget.pk).update(amount_krw=first.total_krw)
    second = printing.run_slice(second.pk, now=NOW)
    assert second.status == JobStatus.QUOTED
    assert second.failure["code"] == "device_over_budget"
    with pytest.raises(SaramError):
        printing.accept_quote(by=officer, job=second, now=NOW)
    # The city raises the budget; the officer accepts the waiting job.
    DeviceBudget.objects.filter(pk=budget.pk).update(amount_krw=10**6)
    printing.accept_quote(by=officer, job=second, now=NOW)
    second.refresh_from_db()
    assert second.status == JobStatus.ACCEPTED and second.failure == {}


def test_budget_page_shows_spending_and_only_the_city_sets_it(
    client_as: Any,
    case_need: tuple[Any, Any],
    pla: Material,
    small: Machine,  # noqa: F811
    dong: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer, need = case_need
    DeviceBudget.objects.create(year=2026, dong=dong, amount_krw=500_000, source="사업 예산")
    job = _ask(officer, need, pla, django_capture_on_commit_callbacks).job
    job.refresh_from_db()
    url = reverse("making:device_budgets")
    admin = client_as(Role.CITY_ADMIN)
    page = admin.get(url).content.decode()
    assert "500,000원" in page and f"{job.total_krw:,}원" in page
    assert f"{500_000 - job.total_krw:,}원" in page
    answer = admin.post(url, {"dong": "", "amount_krw": 2_000_000, "source": "2026년 사업"})
    assert answer.status_code == 302
    assert DeviceBudget.objects.get(dong=None).amount_krw == 2_000_000
    # An officer sees the budgets but cannot set them; a citizen sees nothing.
    officer_client = client_as(Role.WELFARE_OFFICER, dong)
    assert officer_client.get(url).status_code == 200
    refused = officer_client.post(url, {"dong": "", "amount_krw": 1, "source": "x"})
    assert refused.status_code == 403
    assert DeviceBudget.objects.get(dong=None).amount_krw == 2_000_000
    assert client_as(Role.CITIZEN).get(url).status_code == 403
    assert client_as(Role.CITIZEN).post(url, {"amount_krw": 1, "source": "x"}).status_code == 403
