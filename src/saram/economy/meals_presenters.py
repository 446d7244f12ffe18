"""View-models of the school-meal and uniform pages: numbers and sentences, nothing raw."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from saram.core.errors import SaramError
from saram.core.models import Job, JobStatus
from saram.economy import explanations
from saram.economy import selectors_meals as sel
from saram.economy.models import (
    BidScope,
    ContractMethod,
    FoodGroup,
    Ingredient,
    Locality,
    RunStatus,
    SourcingRun,
    Supplier,
)
from saram.economy.services.meals import (
    DELIVERY_SPEC,
    MENU_SPEC,
    OFFER_SPEC,
    TrackRow,
)
from saram.economy.services.rules import rule_index
from saram.economy.services.uniforms import UniformPlan

SPEC_OF = {"menus": MENU_SPEC.kind, "offers": OFFER_SPEC.kind, "deliveries": DELIVERY_SPEC.kind}

IMPORT_KINDS = {
    "menus": {
        "title": gettext_lazy("식단 올리기"),
        "help": gettext_lazy(
            "한 행에 메뉴 하나의 식재료 하나를 적습니다. 같은 메뉴의 식재료는 메뉴코드가 같습니다. "
            "'급식일당횟수'는 한 달 급식일 가운데 그 메뉴가 나오는 비율입니다 "
            "(네 번에 한 번이면 0.25)."
        ),
    },
    "offers": {
        "title": gettext_lazy("농가 공급 계획 올리기"),
        "help": gettext_lazy(
            "농가·협동조합마다 식재료별 kg당 가격과 달마다 공급할 수 있는 양(kg)을 적습니다. "
            "제철이 아닌 달은 0입니다. 업체는 공급업체 등록부에 먼저 있어야 합니다."
        ),
    },
    "deliveries": {
        "title": gettext_lazy("배송 기록 올리기"),
        "help": gettext_lazy(
            "학교에 들어온 식재료를 한 행에 한 번씩 적습니다: 업체의 사업자등록번호, 학교 코드, "
            "식재료 코드, 월, kg, 금액, 배송일, 지급일 (아직 지급하지 않았으면 비워 둡니다). "
            "업체는 이 계획에서 발주한 곳이어야 합니다."
        ),
    },
}


def locality_label(value: str) -> str:
    try:
        return str(Locality(value).label)
    except ValueError:
        return str(Locality.UNKNOWN.label)


def _mass(kg: float) -> str:
    if kg >= 1000:
        return _("%(t)s톤") % {"t": f"{kg / 1000:,.1f}"}
    return _("%(kg)skg") % {"kg": f"{kg:,.0f}"}


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


@dataclass
class JobView:
    done: bool
    ok: bool
    message: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    imported: int = 0
    run_url: str = ""


def job_view(job: Job) -> JobView:
    """A job's outcome in the reader's language (codes rendered now, not when it ran)."""
    result = job.result or {}
    if job.status == JobStatus.FAILED:
        if result.get("code"):
            error = SaramError.from_dict(result)
            rows = [
                {"row": e.row, "field": e.field, "value": e.value, "message": e.message}
                for e in error.row_errors[:200]
            ]
            return JobView(done=True, ok=False, message=error.message, errors=rows)
        return JobView(done=True, ok=False, message=_("처리하지 못했습니다. 다시 시도해 주세요."))
    if job.status == JobStatus.SUCCEEDED:
        return JobView(
            done=True,
            ok=True,
            message=_("%(n)s행을 가져왔습니다.") % {"n": f"{result.get('imported', 0):,}"},
            imported=int(result.get("imported", 0)),
        )
    return JobView(done=False, ok=False, message="")


def run_row(run: SourcingRun) -> dict[str, Any]:
    return {
        "pk": run.pk,
        "created_at": run.created_at,
        "by": (run.created_by.get_full_name() or run.created_by.username) if run.created_by else "",
        "status": run.get_status_display(),
        "status_code": run.status,
        "total_krw": run.total_cost_krw,
        "local_share": _pct(run.local_share if run.total_cost_krw else None),
    }


def binding_sentences(run: SourcingRun) -> list[str]:
    """What decides or prevents the plan, in words: 감자 3월 수요 12톤, 공급 가능 4톤."""
    names = {
        code: (name_en if _is_english() and name_en else name)
        for code, name, name_en in Ingredient.objects.values_list("code", "name", "name_en")
    }
    suppliers = {
        str(pk): name
        for pk, name in Supplier.objects.filter(
            pk__in=[int(b["supplier"]) for b in run.binding if b.get("supplier")]
        ).values_list("pk", "organisation__name")
    }
    out = []
    for b in run.binding:
        code = b.get("code")
        month = b.get("month")
        if code == "short_supply":
            out.append(
                _("%(ingredient)s %(month)s월 수요 %(needed)s, 공급 가능 %(available)s")
                % {
                    "ingredient": names.get(b["ingredient"], b["ingredient"]),
                    "month": month,
                    "needed": _mass(b["needed"]),
                    "available": _mass(b["available"]),
                }
            )
        elif code == "budget":
            out.append(
                _("예산 %(budget)s원으로는 부족합니다: 수요를 채우는 계획은 %(needed)s원입니다.")
                % {"budget": f"{b['available']:,.0f}", "needed": f"{b['needed']:,.0f}"}
            )
        elif code == "local_share":
            out.append(
                _(
                    "지역 비중 목표 %(needed)s는 닿을 수 없습니다: "
                    "지역 농가가 모두 공급해도 %(available)s입니다."
                )
                % {"needed": _pct(b["needed"]), "available": _pct(b["available"])}
            )
        elif code == "capacity_full":
            out.append(
                _(
                    "%(supplier)s: %(ingredient)s %(month)s월 공급 가능량 %(available)s을 "
                    "모두 씁니다 (수요 %(needed)s)."
                )
                % {
                    "supplier": suppliers.get(str(b.get("supplier")), "—"),
                    "ingredient": names.get(b["ingredient"], b["ingredient"]),
                    "month": month,
                    "available": _mass(b["available"]),
                    "needed": _mass(b["needed"]),
                }
            )
    return out


def _is_english() -> bool:
    return (get_language() or "ko").startswith("en")


@dataclass
class RunView:
    finished: bool
    usable: bool
    status: str
    binding: list[str]
    chart: dict[str, Any]
    suppliers: list[dict[str, Any]]
    ingredients: list[dict[str, Any]]
    orders: list[dict[str, Any]]
    kpis: dict[str, str]


def run_view(run: SourcingRun) -> RunView:
    finished = run.status not in (RunStatus.QUEUED, RunStatus.RUNNING)
    usable = run.status in (RunStatus.OPTIMAL, RunStatus.TIME_LIMIT)
    curve = sel.curve_of(run) if finished else []
    chart = {
        "points": [
            {"x": p.total_cost_krw, "y": round(p.local_share * 100, 2), "local": p.local_cost_krw}
            for p in curve
            if p.feasible
        ],
        "current": {"x": run.total_cost_krw, "y": round(run.local_share * 100, 2)},
        "x_label": _("총비용 (원)"),
        "y_label": _("지역 비중 (%)"),
        "series_label": _("비용과 지역 비중의 관계"),
        "current_label": _("이 계획"),
        "marginal_label": _("추가 1원당 지역 구매"),
    }
    marginal = []
    for a, b in pairwise(curve):
        extra_cost = b.total_cost_krw - a.total_cost_krw
        extra_local = b.local_cost_krw - a.local_cost_krw
        if extra_cost > 0:
            marginal.append(
                {
                    "from": _pct(a.local_share),
                    "to": _pct(b.local_share),
                    "extra_cost": extra_cost,
                    "extra_local": extra_local,
                    "per_won": f"{extra_local / extra_cost:,.1f}",
                }
            )
    chart["marginal"] = marginal
    suppliers = [
        {
            "name": r["supplier__organisation__name"],
            "place": locality_label(r["supplier__locality"]),
            "is_local": r["is_local"],
            "mass": _mass(r["kg"] or 0),
            "krw": r["krw"] or 0,
        }
        for r in (sel.plan_by_supplier(run) if usable else [])
    ]
    english = _is_english()
    ingredients = [
        {
            "name": (
                r["ingredient__name_en"]
                if english and r["ingredient__name_en"]
                else r["ingredient__name"]
            ),
            "group": str(FoodGroup(r["ingredient__group"]).label),
            "mass": _mass(r["kg"] or 0),
            "krw": r["krw"] or 0,
            "local": _pct((r["local_krw"] or 0) / r["krw"] if r["krw"] else None),
        }
        for r in (sel.plan_by_ingredient(run) if usable else [])
    ]
    orders_of_run = sel.orders_of(run)
    rules = rule_index() if orders_of_run else {}
    orders = [
        {
            "supplier": o.supplier.organisation.name,
            "place": locality_label(o.supplier.locality),
            "amount_krw": o.amount_krw,
            "method": str(ContractMethod(o.method).label),
            "scope": str(BidScope(o.scope).label) if o.scope else "",
            "citations": explanations.citations_in_words(o.citations, rules),
        }
        for o in orders_of_run
    ]
    kpis = {
        "total": f"{run.total_cost_krw:,}",
        "local": f"{run.local_cost_krw:,}",
        "share": _pct(run.local_share if run.total_cost_krw else None),
        "demand": _mass(run.demand_kg),
        "size": _("%(rows)s행 × %(cols)s열, 계산 %(s)s초")
        % {
            "rows": f"{run.model_rows:,}",
            "cols": f"{run.model_columns:,}",
            "s": f"{run.seconds:.1f}",
        },
    }
    return RunView(
        finished=finished,
        usable=usable,
        status=run.get_status_display(),
        binding=binding_sentences(run) if finished else [],
        chart=chart,
        suppliers=suppliers,
        ingredients=ingredients,
        orders=orders,
        kpis=kpis,
    )


def tracking_view(rows: list[TrackRow]) -> dict[str, Any]:
    return {
        "rows": [
            {
                "month": r.month,
                "planned_krw": r.planned_krw,
                "delivered_krw": r.delivered_krw,
                "paid_krw": r.paid_krw,
                "paid_local_krw": r.paid_local_krw,
                "planned_share": _pct(r.planned_share),
                "achieved_share": _pct(r.achieved_share),
            }
            for r in rows
        ],
        "chart": {
            "labels": [_("%(m)s월") % {"m": r.month} for r in rows],
            "planned": [
                None if r.planned_share is None else round(r.planned_share * 100, 1) for r in rows
            ],
            "achieved": [
                None if r.achieved_share is None else round(r.achieved_share * 100, 1) for r in rows
            ],
            "planned_label": _("계획한 지역 비중 (%)"),
            "achieved_label": _("실제 지역 비중 (%)"),
        },
    }


def uniform_history(history: list[sel.UniformYear]) -> dict[str, Any]:
    return {
        "rows": [
            {
                "year": h.year,
                "pupils": h.pupils,
                "awarded_krw": h.awarded_krw,
                "local_krw": h.local_krw,
                "share": _pct(h.local_share),
            }
            for h in history
        ],
        "chart": {
            "labels": [str(h.year) for h in history],
            "share": [
                None if h.local_share is None else round(h.local_share * 100, 1) for h in history
            ],
            "label": _("시내 업체가 받은 교복비 비중 (%)"),
        },
    }


def uniform_plan(plan: UniformPlan) -> dict[str, Any]:
    rules = rule_index() if plan.lots else {}
    return {
        "year": plan.year,
        "sets_needed": plan.sets_needed,
        "local_capacity": plan.local_capacity_sets,
        "local_can_cover": plan.local_can_cover,
        "restricted": sum(1 for lot in plan.lots if lot.is_city_restricted),
        "lots": [
            {
                "school": lot.demand.school.display_name,
                "purchase_on": lot.demand.purchase_on,
                "pupils": lot.demand.new_pupils,
                "amount_krw": lot.amount_krw,
                "method": str(ContractMethod(lot.method).label),
                "scope": str(BidScope(lot.scope).label),
                "local_firms": lot.local_firms,
                "citations": explanations.citations_in_words(lot.citations, rules),
            }
            for lot in plan.lots
        ],
    }
