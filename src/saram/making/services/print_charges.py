"""What a print job costs and who pays: the quote's figures, the discounts in force (pupils,
incubator credits drawn from the tenant's ledger) and the welfare budget for assistive devices.

Discounts and budgets are data (`Discount`, `DeviceBudget`) with their source and layer; the
centre's charges below are city policy with demo figures, said to be uncertain on the quote.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum

from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.making.models import (
    CreditEntry,
    CreditReason,
    DeviceBudget,
    Discount,
    DiscountBasis,
    Founder,
    Funding,
    JobStatus,
    Machine,
    PrintJob,
    Tenant,
)
from saram.making.services._common import SEOUL

SETUP_FEE_KRW = 3_000
VAT_RATE = Decimal("0.10")  # 부가가치세법 제30조: 10 %, included in the total
#: Jobs whose charge no longer counts against a budget (nothing will be printed or paid).
NOT_CHARGED = (JobStatus.DECLINED, JobStatus.REFUSED, JobStatus.CANCELLED, JobStatus.FAILED)


@dataclass(frozen=True)
class Price:
    material_krw: int
    machine_krw: int
    setup_krw: int
    discount_krw: int
    discount: Discount | None
    credit_tenant: Tenant | None
    credit_minutes: int
    total_krw: int
    vat_krw: int


def _rate_krw(job: PrintJob) -> int:
    rates = Machine.objects.filter(
        accepted_materials=job.material, code__in=job.mesh_check.get("fits", [])
    ).values_list("hourly_rate_krw", flat=True)
    return min(rates, default=0)


def in_force(basis: str, on: dt.date) -> Discount | None:
    """The discount of `basis` in force on a day (the latest to start), if any."""
    return (
        Discount.objects.filter(basis=basis, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("-valid_from", "-id")
        .first()
    )


def school_age(discount: Discount, birth_year: int | None, on: dt.date) -> bool:
    """Whether a birth year is within the discount's ages (연 나이: the year minus birth year)."""
    if birth_year is None:
        return False
    age = on.year - birth_year
    return (discount.min_age is None or age >= discount.min_age) and (
        discount.max_age is None or age <= discount.max_age
    )


def tenant_of(user: Any, on: dt.date) -> Tenant | None:
    """The incubator tenant a founder belongs to while its term runs."""
    founder = (
        Founder.objects.filter(
            user=user, tenant__term_starts_on__lte=on, tenant__term_ends_on__gte=on
        )
        .select_related("tenant__organisation")
        .first()
    )
    return founder.tenant if founder else None


def credit_balance(tenant: Tenant) -> int:
    last = CreditEntry.objects.filter(tenant=tenant).order_by("-at", "-id").first()
    return last.balance_minutes if last else 0


def price(job: PrintJob, *, now: dt.datetime) -> Price:
    """Material + machine time × rate + setup fee, less the best discount the requester
    qualifies for (discounts do not add up), VAT included. Welfare jobs get no discount."""
    grams = job.sliced_grams if job.sliced_grams is not None else job.estimate_grams
    seconds = job.sliced_seconds if job.sliced_seconds is not None else job.estimate_seconds
    material_krw = math.ceil(Decimal(grams or 0) * job.material.price_per_kg_krw / 1000)
    machine_krw = math.ceil(Decimal(seconds or 0) / 3600 * _rate_krw(job))
    today = now.astimezone(SEOUL).date()
    best: tuple[int, Discount | None, Tenant | None, int] = (0, None, None, 0)
    if job.funding == Funding.CITIZEN:
        pupil = in_force(DiscountBasis.PUPIL, today)
        if pupil is not None and school_age(pupil, job.pupil_birth_year, today):
            amount = math.floor((material_krw + machine_krw) * pupil.rate_percent / 100)
            best = max(best, (amount, pupil, None, 0), key=lambda b: b[0])
        incubator = in_force(DiscountBasis.INCUBATOR, today)
        tenant = tenant_of(job.requester, today) if incubator is not None else None
        if incubator is not None and tenant is not None and seconds:
            job_minutes = math.ceil(seconds / 60)
            minutes = min(credit_balance(tenant), job_minutes)
            amount = math.floor(machine_krw * minutes / job_minutes * incubator.rate_percent / 100)
            if minutes > 0:
                best = max(best, (amount, incubator, tenant, minutes), key=lambda b: b[0])
    discount_krw, discount, tenant, minutes = best
    total = material_krw + machine_krw + SETUP_FEE_KRW - discount_krw
    return Price(
        material_krw=material_krw,
        machine_krw=machine_krw,
        setup_krw=SETUP_FEE_KRW,
        discount_krw=discount_krw,
        discount=discount,
        credit_tenant=tenant,
        credit_minutes=minutes,
        total_krw=total,
        vat_krw=total - math.floor(Decimal(total) / (1 + VAT_RATE)),
    )


# --- incubator credits -------------------------------------------------------------------------


def draw_credits(*, job: PrintJob, now: dt.datetime) -> CreditEntry | None:
    """Draw the quote's credit minutes from the tenant's ledger (inside the caller's
    transaction); refuse when the balance no longer covers them."""
    if not job.credit_minutes or job.credit_tenant_id is None:
        return None
    tenant = Tenant.objects.select_for_update().get(pk=job.credit_tenant_id)
    balance = credit_balance(tenant)
    if balance < job.credit_minutes:
        raise SaramError("print_credit_changed", balance=balance, planned=job.credit_minutes)
    return CreditEntry.objects.create(
        tenant=tenant,
        at=now,
        minutes=-job.credit_minutes,
        balance_minutes=balance - job.credit_minutes,
        reason=CreditReason.PRINT_JOB,
        print_job=job,
    )


def return_credits(*, job: PrintJob, now: dt.datetime) -> CreditEntry | None:
    """Give back what the job drew from the ledger (cancelled or failed before delivery)."""
    drawn = -(CreditEntry.objects.filter(print_job=job).aggregate(s=Sum("minutes"))["s"] or 0)
    if drawn <= 0 or job.credit_tenant_id is None:
        return None
    tenant = Tenant.objects.select_for_update().get(pk=job.credit_tenant_id)
    balance = credit_balance(tenant)
    return CreditEntry.objects.create(
        tenant=tenant,
        at=now,
        minutes=drawn,
        balance_minutes=balance + drawn,
        reason=CreditReason.PRINT_REFUND,
        print_job=job,
    )


# --- the welfare budget for assistive devices --------------------------------------------------


@dataclass(frozen=True)
class BudgetUse:
    budget: DeviceBudget
    spent_krw: int

    @property
    def remaining_krw(self) -> int:
        return self.budget.amount_krw - self.spent_krw

    @property
    def percent(self) -> int:
        amount = self.budget.amount_krw
        return min(round(100 * self.spent_krw / amount), 100) if amount else 100


def _in_force(rows: Any, on: dt.date) -> Any:
    return rows.filter(valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def budget_for(
    *, dong_id: int, year: int, lock: bool = False, on: dt.date | None = None
) -> DeviceBudget | None:
    """The dong's own budget for the year in force on a day (today), else the city pool's."""
    on = on or dt.datetime.now(SEOUL).date()
    # Ordered by id, not by the dong's name (Meta): PostgreSQL locks no outer-joined row.
    rows = _in_force(DeviceBudget.objects.filter(year=year), on).order_by("id")
    if lock:
        rows = rows.select_for_update()
    return rows.filter(dong_id=dong_id).first() or rows.filter(dong__isnull=True).first()


def _charged_jobs(budget: DeviceBudget) -> Any:
    jobs = PrintJob.objects.filter(
        funding=Funding.WELFARE, created_at__year=budget.year, device_request__isnull=False
    ).exclude(status__in=NOT_CHARGED)
    if budget.dong_id is not None:
        return jobs.filter(device_request__need__case__dong_id=budget.dong_id)
    # The city pool pays for the dongs that have no budget of their own in force.
    on = budget.valid_until or dt.datetime.now(SEOUL).date()
    own = _in_force(DeviceBudget.objects.filter(year=budget.year, dong__isnull=False), on).values(
        "dong_id"
    )
    return jobs.exclude(device_request__need__case__dong_id__in=own)


def spent_krw(budget: DeviceBudget, *, now: dt.datetime, excluding: PrintJob | None = None) -> int:
    """What the budget's device jobs cost: the quote where there is one, else the estimate."""
    total = 0
    jobs = _charged_jobs(budget).select_related("material", "requester")
    if excluding is not None:
        jobs = jobs.exclude(pk=excluding.pk)
    quoted = jobs.filter(total_krw__gt=0)
    total += quoted.aggregate(s=Sum("total_krw"))["s"] or 0
    for job in jobs.filter(total_krw=0):
        total += price(job, now=now).total_krw
    return total


def budget_use(budget: DeviceBudget, *, now: dt.datetime) -> BudgetUse:
    return BudgetUse(budget=budget, spent_krw=spent_krw(budget, now=now))


def charge_to_budget(*, job: PrintJob, dong_id: int, now: dt.datetime, amount_krw: int) -> None:
    """Refuse a device whose charge the dong's budget (or the city pool) can't cover.

    Call inside the transaction that writes the job: the budget row is locked, so two officers
    cannot both spend its last won.
    """
    today = now.astimezone(SEOUL).date()
    year = today.year
    budget = budget_for(dong_id=dong_id, year=year, lock=True, on=today)
    if budget is None:
        raise SaramError("device_no_budget", year=year)
    remaining = budget.amount_krw - spent_krw(budget, now=now, excluding=job)
    if amount_krw > remaining:
        raise SaramError(
            "device_over_budget",
            year=year,
            amount=f"{budget.amount_krw:,}",
            remaining=f"{max(remaining, 0):,}",
            charge=f"{amount_krw:,}",
        )


def budgets_for(user: Any, *, year: int, now: dt.datetime) -> list[BudgetUse]:
    """The year's budgets in force that the user may see (the city: all; an officer: their
    dongs' and the city pool), with what each has spent."""
    today = now.astimezone(SEOUL).date()
    rows = _in_force(visible_budgets(user, year=year), today)
    return [budget_use(b, now=now) for b in rows]


def visible_budgets(user: Any, *, year: int) -> Any:
    """Every version of the year's budgets the user may see, ended ones included."""
    scope = scope_of(user)
    rows = DeviceBudget.objects.filter(year=year).select_related("dong")
    if not scope.can(Can.CONFIGURE):
        dongs = scope.dong_ids(Can.MANAGE_PEOPLE)
        if not dongs:
            raise PermissionDenied
        rows = rows.filter(Q(dong_id__in=dongs) | Q(dong__isnull=True))
    return rows
