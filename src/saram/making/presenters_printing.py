"""View-models of the print service: plain values a template shows, messages already rendered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saram.core.errors import render
from saram.core.home_notices import HomeNotice
from saram.making import selectors_printing as selectors
from saram.making.models import PrintJob


@dataclass(frozen=True)
class CheckView:
    size: str
    volume_cm3: str
    area_cm2: str
    triangles: int
    is_printable: bool
    problems: list[str]
    repair_before: list[str] | None
    repair_actions: list[str]


_ACTIONS = {
    "merge_vertices": gettext_lazy("겹친 꼭짓점 합치기"),
    "remove_degenerate": gettext_lazy("넓이 없는 면 지우기"),
    "fill_holes": gettext_lazy("구멍 메우기"),
    "fix_normals": gettext_lazy("면 방향 바로잡기"),
}


def _problems(findings: list[dict[str, Any]]) -> list[str]:
    return [render(f"print_finding_{f['code']}", f.get("params") or {}) for f in findings]


def check_view(job: PrintJob) -> CheckView:
    c = job.mesh_check or {}
    size = c.get("size_mm") or [0, 0, 0]
    repair = c.get("repair")
    return CheckView(
        size=" × ".join(f"{s:g}" for s in size),
        volume_cm3=f"{(c.get('volume_mm3') or 0) / 1000:.1f}",
        area_cm2=f"{(c.get('area_mm2') or 0) / 100:.1f}",
        triangles=int(c.get("triangles") or 0),
        is_printable=bool(c.get("is_printable")),
        problems=_problems(c.get("findings") or []),
        repair_before=_problems(repair["before"]["findings"]) if repair else None,
        repair_actions=[
            str(_ACTIONS[a]) for a in (repair or {}).get("actions", []) if a in _ACTIONS
        ],
    )


def failure_text(job: PrintJob) -> str:
    f = job.failure or {}
    return render(f["code"], f.get("params") or {}) if f.get("code") else ""


def minutes(seconds: int | None) -> str:
    if not seconds:
        return "-"
    hours, rest = divmod(int(seconds) // 60, 60)
    return _("%(h)d시간 %(m)d분") % {"h": hours, "m": rest} if hours else _("%(m)d분") % {"m": rest}


def orientation_text(job: PrintJob) -> str:
    down = (job.mesh_check or {}).get("down") or [0, 0, -1]
    names = {
        (0, 0, -1): _("지금 방향 그대로(아랫면이 출력판에)"),
        (0, 0, 1): _("위아래를 뒤집어서"),
        (1, 0, 0): _("+X 쪽 면이 출력판에 닿게"),
        (-1, 0, 0): _("-X 쪽 면이 출력판에 닿게"),
        (0, 1, 0): _("+Y 쪽 면이 출력판에 닿게"),
        (0, -1, 0): _("-Y 쪽 면이 출력판에 닿게"),
    }
    key = tuple(round(d) for d in down)
    if key in names and abs(sum(abs(d) for d in down) - 1) < 1e-3:
        return str(names[key])
    return _("가장 넓은 평면이 출력판에 닿게")


def discount_text(job: PrintJob) -> str:
    """The quote's discount line: which discount, and for credits how many minutes."""
    if not job.discount_krw or job.discount is None:
        return ""
    if job.credit_minutes:
        return _("%(name)s: 장비 크레딧 %(minutes)s분 사용") % {
            "name": job.discount,
            "minutes": job.credit_minutes,
        }
    return _("%(name)s (%(rate)s%%)") % {"name": job.discount, "rate": job.discount.rate_percent}


@dataclass(frozen=True)
class BudgetRow:
    area: str
    amount_krw: int
    spent_krw: int
    remaining_krw: int
    percent: int
    source: str
    is_over: bool
    pk: int = 0
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


def budget_rows(uses: list[Any]) -> list[BudgetRow]:
    return [
        BudgetRow(
            area=budget_area(u.budget),
            amount_krw=u.budget.amount_krw,
            spent_krw=u.spent_krw,
            remaining_krw=u.remaining_krw,
            percent=u.percent,
            source=u.budget.source,
            is_over=u.remaining_krw < 0,
            pk=u.budget.pk,
            valid_from=u.budget.valid_from,
            valid_until=u.budget.valid_until,
        )
        for u in uses
    ]


def budget_area(budget: Any) -> str:
    return str(budget.dong.display_name if budget.dong else _("시 전체 (자체 예산이 없는 동)"))


@dataclass(frozen=True)
class DiscountGroup:
    key: str
    title: str
    rows: list[Any]


def discount_groups(rows: Any, *, today: dt.date) -> list[DiscountGroup]:
    """Discounts as staff read them: in force today, coming, ended (each version a row)."""
    now: list[Any] = []
    coming: list[Any] = []
    ended: list[Any] = []
    for row in rows:
        if row.valid_until is not None and row.valid_until < today:
            ended.append(row)
        elif row.valid_from > today:
            coming.append(row)
        else:
            now.append(row)
    return [
        DiscountGroup("in-force", str(_("지금 적용 중")), now),
        DiscountGroup("coming", str(_("시행 예정")), coming),
        DiscountGroup("ended", str(_("끝난 판")), ended),
    ]


# --- Materials: what a printer has loaded now ----------------------------------------------------


def material_label(material: Any) -> str:
    """A material in the upload form's list, saying whether a printer has it loaded now (from
    `is_loaded`, annotated by `selectors_printing.printable_materials`)."""
    if getattr(material, "is_loaded", False):
        return _("%(material)s — 지금 장착됨, 바로 출력") % {"material": material}
    return _("%(material)s — 장착 후 출력 (더 오래 기다림)") % {"material": material}


MATERIAL_HELP = gettext_lazy(
    "'지금 장착됨'인 소재는 프린터에 이미 걸려 있어 바로 출력할 수 있습니다. "
    "다른 소재는 센터에서 프린터에 장착한 뒤 출력하므로 더 오래 기다립니다."
)

# Before the job is on a printer, the material's state on the printers matters to its wait.
BEFORE_PRINTER = ("checked", "slicing", "quoted", "accepted", "interrupted")


def material_wait(job: PrintJob, state: Any) -> str:
    """What the job's material means for its wait (`state`: selectors_printing.MaterialState,
    None once the job is past waiting): nothing when loaded now, a longer wait when a printer
    takes it but none has it loaded, no printer at all (the quote cannot be accepted)."""
    if state is None or (state.is_printable and state.is_loaded):
        return ""
    if not state.is_printable:
        return render("print_no_machine_for_material", {"material": str(job.material)})
    return _(
        "지금 %(material)s을(를) 장착한 프린터가 없습니다. 센터에서 소재를 장착한 뒤 "
        "출력하므로 평소보다 오래 기다릴 수 있습니다."
    ) % {"material": job.material}


def ready_notices(user: Any) -> list[HomeNotice]:
    """The home page's notice for each of the user's jobs printed and waiting to be collected
    (a source of `saram.core.home_notices`, registered in the app's ready())."""
    if not selectors.may_print(user):
        return []
    return [
        HomeNotice(
            text=render("print_done", {"title": job.title}),
            url=reverse("making:print_job", args=[job.pk]),
            kind="print_ready",
        )
        for job in selectors.ready_to_collect(user).only("pk", "title")
    ]
