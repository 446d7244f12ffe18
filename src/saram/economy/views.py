"""Thin views of the economy: HTTP in, selectors and services called, pages and files out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, BinaryIO

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saram.core import imports as core_imports
from saram.core.access import Can, scope_of
from saram.core.bounds import checked_year, db_int
from saram.core.downloads import attachment, export_format, streamed_csv
from saram.core.errors import SaramError
from saram.core.models import JobStatus
from saram.core.selectors import job_for
from saram.core.services import jobs
from saram.economy import explanations, presenters, selectors
from saram.economy.engine import LotPlan
from saram.economy.engine.policy import Layer
from saram.economy.forms import (
    AwardForm,
    DemandImportForm,
    EmployeeSurveyForm,
    FileForm,
    LedgerFilterForm,
    LedgerImportForm,
    LotSettingsForm,
    PlanForm,
    PolicyCheckForm,
    PurchaseForm,
    RuleForm,
    RuleFormSet,
    RuleVersionForm,
    SupplierFilter,
    SupplierForm,
    SupplierSurveyForm,
    SupportForm,
    percent_to_bp,
    this_year,
)
from saram.economy.models import (
    LOCALITY_CODE_CHOICES,
    Category,
    ContractMethod,
    Department,
    Locality,
    PlanSource,
    Programme,
    SocialEconomyType,
)
from saram.economy.selectors import LedgerFilter
from saram.economy.services import (
    ledger,
    lots,
    plans,
    policy,
    suppliers,
    surveys,
)
from saram.economy.services import ocds as ocds_service
from saram.economy.services import rules as rules_service
from saram.economy.services import social_economy as support_service
from saram.economy.tasks import import_ledger_task, import_suppliers_task

PAGE_SIZE = 50
DIMENSION_LABELS = {
    "department": gettext_lazy("부서"),
    "programme": gettext_lazy("사업"),
    "category": gettext_lazy("품목"),
    "month": gettext_lazy("월"),
}


# --- Helpers -------------------------------------------------------------------------------


def _require_view(request: HttpRequest) -> None:
    if not selectors.can_view(request.user):
        raise PermissionDenied("economy")


def _fmt(request: HttpRequest) -> str:
    return export_format(request)


def _download(content: bytes | BinaryIO, fmt: str, stem: str) -> HttpResponse | FileResponse:
    return attachment(content, fmt, stem)


def _int(value: str | None) -> int | None:
    try:
        return db_int(int(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _year(request: HttpRequest, years: Sequence[int]) -> int:
    asked = request.GET.get("year", "")
    if asked.strip().lstrip("-").isdigit():
        return checked_year(int(asked))
    return years[0] if years else this_year()


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _error(request: HttpRequest, exc: SaramError) -> None:
    messages.error(request, exc.message)


# --- Overview ------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    years = selectors.fiscal_years(request.user)
    year = _year(request, years)
    selection = LedgerFilter(fiscal_year=year)
    by_programme = selectors.local_share(request.user, selection, by="programme")
    total = selectors.total_of(by_programme)
    return render(
        request,
        "economy/home.html",
        {
            "years": years,
            "year": year,
            "total": total,
            "by_programme": by_programme,
            "leaks": selectors.top_leakage(request.user, selection, limit=8),
            "suppliers": selectors.suppliers_for(request.user).count(),
            "review": selectors.suppliers_for(request.user, needs_review=True).count(),
            "can_manage": selectors.can_manage(request.user),
        },
    )


# --- Suppliers -----------------------------------------------------------------------------


def _supplier_filters(request: HttpRequest) -> dict[str, Any]:
    return SupplierFilter(request.GET).selection()


@require_GET
def supplier_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    filters = _supplier_filters(request)
    qs = selectors.suppliers_for(request.user, **filters)
    if request.GET.get("format"):
        fmt = _fmt(request)
        return _download(
            suppliers.export_suppliers(by=request.user, fmt=fmt, suppliers=qs), fmt, "suppliers"
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "economy/supplier_list.html",
        {
            "page": page,
            "filters": filters,
            "review": request.GET.get("review", ""),
            "localities": Locality.choices,
            "categories": selectors.categories(),
            "socials": [c for c in SocialEconomyType.choices if c[0]],
            "can_manage": selectors.can_manage_suppliers(request.user),
        },
    )


@require_GET
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = selectors.supplier_for(request.user, pk)
    return render(
        request,
        "economy/supplier_detail.html",
        {
            "supplier": supplier,
            "sales": selectors.supplier_sales(request.user, supplier),
            "support": selectors.support_for(request.user, supplier=supplier)[:20],
            "surveys": selectors.latest_surveys_of(request.user, supplier),
            "can_manage": selectors.can_manage_suppliers(request.user),
            "can_support": scope_of(request.user).can(Can.MANAGE_SOCIAL_ECONOMY),
        },
    )


def _supplier_values(form: SupplierForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "address": data["address"],
        "dong": data["dong"],
        "phone": data["phone"],
        "social_economy_type": data["social_economy_type"],
        "categories": list(data["categories"]),
        "is_sme": data["is_sme"],
        "is_small_firm": data["is_small_firm"],
        "is_women_owned": data["is_women_owned"],
        "is_disabled_owned": data["is_disabled_owned"],
        "is_youth_startup": data["is_youth_startup"],
    }


@require_http_methods(["GET", "POST"])
def supplier_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_manage_suppliers(request.user):
        raise PermissionDenied("economy")
    form = SupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supplier = suppliers.register_supplier(
                by=request.user,
                business_number=form.cleaned_data["business_number"],
                **_supplier_values(form),
            )
        except SaramError as exc:
            form.add_error("business_number" if exc.params.get("field") else None, exc.message)
        else:
            messages.success(request, _("공급업체를 등록했습니다."))
            return redirect("economy:supplier_detail", pk=supplier.pk)
    return render(request, "economy/supplier_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def supplier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = selectors.supplier_for(request.user, pk)
    if not selectors.can_manage_suppliers(request.user):
        raise PermissionDenied("economy")
    org = supplier.organisation
    initial = {
        "business_number": org.business_number,
        "name": org.name,
        "address": org.address,
        "dong": org.dong,
        "phone": org.phone,
        "social_economy_type": supplier.social_economy_type,
        "categories": list(supplier.categories.all()),
        "is_sme": supplier.is_sme,
        "is_small_firm": supplier.is_small_firm,
        "is_women_owned": supplier.is_women_owned,
        "is_disabled_owned": supplier.is_disabled_owned,
        "is_youth_startup": supplier.is_youth_startup,
        "review_note": supplier.review_note,
    }
    form = SupplierForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            suppliers.update_supplier(
                by=request.user,
                supplier=supplier,
                review_note=form.cleaned_data.get("review_note", ""),
                **_supplier_values(form),
            )
        except SaramError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("공급업체 정보를 고쳤습니다."))
            return redirect("economy:supplier_detail", pk=supplier.pk)
    return render(request, "economy/supplier_form.html", {"form": form, "supplier": supplier})


def _start(
    request: HttpRequest,
    *,
    form: Any,
    kind: str,
    label: str,
    task: Any,
    params: dict[str, Any],
    detail_url: str,
) -> HttpResponse:
    upload = form.cleaned_data["file"]
    job = jobs.start_job(
        by=request.user,
        kind=kind,
        label=label,
        params=params,
        enqueue=task.enqueue,
        upload=core_imports.keep_upload(upload, upload.name),
    )
    return redirect(detail_url, job_id=job.pk)


@require_http_methods(["GET", "POST"])
def supplier_import(request: HttpRequest) -> HttpResponse:
    if not selectors.can_manage_suppliers(request.user):
        raise PermissionDenied("economy")
    if request.method == "POST":
        core_imports.refuse_oversized(request)
    form = FileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _start(
            request,
            form=form,
            kind="economy.suppliers",
            label=_("공급업체 가져오기"),
            task=import_suppliers_task,
            params={},
            detail_url="job_detail",
        )
    return render(
        request,
        "economy/import_form.html",
        {
            "form": form,
            "label": _("공급업체 가져오기"),
            "columns": [c.name for c in suppliers.SUPPLIER_COLUMNS],
            "template_url": reverse("economy:supplier_list") + "?format=csv",
            "import_kind": "economy_suppliers",
        },
    )


@require_GET
def supplier_map(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return render(
        request,
        "economy/supplier_map.html",
        {"categories": selectors.categories(), "category": request.GET.get("category", "")},
    )


@require_GET
def supplier_map_geojson(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    data = selectors.supplier_map(request.user, category=request.GET.get("category", ""))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


# --- Ledger --------------------------------------------------------------------------------


def _selection(request: HttpRequest, year: int) -> LedgerFilter:
    return LedgerFilter(fiscal_year=year, **LedgerFilterForm(request.GET).values())


SHARE_HEADERS = (
    "구분",
    "건수",
    "합계(원)",
    "시내(원)",
    "도내(원)",
    "도외(원)",
    "확인필요(원)",
    "유출(원)",
    "지역비율(%)",
)


def _share_rows(rows: Sequence[selectors.ShareRow]) -> list[tuple[Any, ...]]:
    return [
        (
            r.label,
            r.row_count,
            r.total_krw,
            r.in_city_krw,
            r.in_province_krw,
            r.outside_krw,
            r.unknown_krw,
            r.leakage_krw,
            "" if r.local_percent is None else r.local_percent,
        )
        for r in rows
    ]


@require_GET
def local_share(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    years = selectors.fiscal_years(request.user)
    year = _year(request, years)
    by = request.GET.get("by", "department")
    if by not in selectors.DIMENSIONS:
        by = "department"
    selection = _selection(request, year)
    rows = selectors.local_share(request.user, selection, by=by)
    if request.GET.get("format"):
        fmt = _fmt(request)
        content = ledger.export_table(
            by=request.user,
            headers=SHARE_HEADERS,
            rows=_share_rows(rows),
            fmt=fmt,
            what=_("지역 지출 비율 내보내기"),
            detail={"year": year, "by": by},
        )
        return _download(content, fmt, f"local-share-{year}-{by}")
    total = selectors.total_of(rows)
    chart = {
        "labels": [r.label for r in rows],
        "keys": [r.key.isoformat() if isinstance(r.key, dt.date) else r.key for r in rows],
        "series": [
            {"label": _("시내"), "data": [r.in_city_krw for r in rows], "color": "#1f6f5c"},
            {
                "label": _("도내 (시 밖)"),
                "data": [r.in_province_krw for r in rows],
                "color": "#e0a030",
            },
            {"label": _("도 밖"), "data": [r.outside_krw for r in rows], "color": "#b3261e"},
            {"label": _("확인 필요"), "data": [r.unknown_krw for r in rows], "color": "#9aa3b2"},
        ],
        "drill": by,
        "rows_url": reverse("economy:ledger_rows"),
        "year": year,
        "money_label": _("원"),
    }
    base_query = request.GET.copy()
    base_query.pop("by", None)
    base_query.pop("format", None)
    return render(
        request,
        "economy/local_share.html",
        {
            "years": years,
            "year": year,
            "by": by,
            "dimension_labels": DIMENSION_LABELS,
            "table": presenters.share_table(rows, by=by, year=year),
            "total": total,
            "chart": chart,
            "query": base_query.urlencode(),
            "selection": selection,
            "can_manage": selectors.can_manage(request.user),
        },
    )


LEDGER_EXPORT_HEADERS = (
    "지급번호",
    "지급일",
    "부서",
    "사업",
    "품목",
    "사업자등록번호",
    "거래처명",
    "금액",
    "계약방법",
    "소재지",
)


@require_GET
def ledger_rows(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    years = selectors.fiscal_years(request.user)
    year = _year(request, years)
    selection = _selection(request, year)
    qs = selectors.ledger_for(request.user, selection)
    localities = dict(LOCALITY_CODE_CHOICES)
    methods = dict(ContractMethod.choices)
    if request.GET.get("format"):
        fmt = _fmt(request)
        rows = (
            (
                e.payment_id,
                e.paid_on.isoformat(),
                e.department.name,
                e.programme.name if e.programme else "",
                e.category.name,
                e.supplier.organisation.business_number,
                e.supplier.organisation.name,
                e.amount_krw,
                str(methods.get(e.method, e.method)),  # the method's name, not its code
                str(localities.get(e.locality, "")),
            )
            for e in qs.iterator(chunk_size=5000)
        )
        if fmt == "csv":
            lines = ledger.stream_export(
                by=request.user,
                headers=LEDGER_EXPORT_HEADERS,
                rows=rows,
                what=_("지출 내역 내보내기"),
                detail={"year": year},
            )
            return streamed_csv(lines, f"ledger-{year}")
        content = ledger.export_table(
            by=request.user,
            headers=LEDGER_EXPORT_HEADERS,
            rows=rows,
            fmt=fmt,
            what=_("지출 내역 내보내기"),
            detail={"year": year},
        )
        return _download(content, fmt, f"ledger-{year}")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    total_krw = selectors.ledger_total_krw(qs)
    names = selectors.selection_names(request.user, selection)
    return render(
        request,
        "economy/ledger_rows.html",
        {
            "years": years,
            "year": year,
            "page": page,
            "selection": selection,
            "names": names,
            "total_krw": total_krw,
            "query": request.GET.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def ledger_import(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_ECONOMY)
    if request.method == "POST":
        core_imports.refuse_oversized(request)
    form = LedgerImportForm(
        request.POST or None, request.FILES or None, initial={"fiscal_year": this_year()}
    )
    if request.method == "POST" and form.is_valid():
        return _start(
            request,
            form=form,
            kind="economy.ledger",
            label=_("지출 자료 가져오기"),
            task=import_ledger_task,
            params={
                "fiscal_year": form.cleaned_data["fiscal_year"],
                "exchange_rates": form.cleaned_data["exchange_rates"],
                "accept_new_programmes": form.cleaned_data["accept_new_programmes"],
            },
            detail_url="economy:ledger_job",
        )
    return render(
        request,
        "economy/import_form.html",
        {
            "form": form,
            "label": _("지출 자료 가져오기"),
            "import_kind": "economy_ledger",
            "columns": [h for h, _n, _r in ledger.LEDGER_COLUMNS],
            "optional": [h for h, _n, required in ledger.LEDGER_COLUMNS if not required],
            "ocds": True,
            "imports": selectors.ledger_imports_for(request.user)[:10],
        },
    )


@require_GET
def ledger_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = job_for(request.user, job_id)
    if not job.kind.startswith("economy."):
        raise selectors.not_found()
    finished = job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
    context = {"job": job, "finished": finished, "unmatched": job.params.get("unmatched", [])}
    if request.headers.get("HX-Request"):
        return render(request, "economy/_ledger_job.html", context)
    return render(request, "economy/ledger_job.html", context)


@require_POST
def ledger_job_review(request: HttpRequest, job_id: str) -> HttpResponse:
    job = job_for(request.user, job_id)
    scope_of(request.user).require(Can.MANAGE_ECONOMY)
    firms = [(u["business_number"], u.get("name", "")) for u in job.params.get("unmatched", [])]
    try:
        created = suppliers.register_for_review(by=request.user, firms=firms)
    except SaramError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("거래처 %(n)s곳을 검토 목록에 올렸습니다. 주소를 확인한 뒤 파일을 다시 가져오세요.")
            % {"n": created},
        )
    return redirect(reverse("economy:supplier_list") + "?review=1")


@require_GET
def ledger_imports(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    page = Paginator(selectors.ledger_imports_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "economy/ledger_imports.html",
        {"page": page, "can_manage": selectors.can_manage(request.user)},
    )


@require_POST
def ledger_import_remove(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.ledger_import_for(request.user, pk)
    scope_of(request.user).require(Can.MANAGE_ECONOMY)
    removed = ledger.remove_import(
        by=request.user, ledger_import=found, purpose=_("지출 자료 되돌리기")
    )
    messages.success(request, _("%(n)s행을 지출 자료에서 뺐습니다.") % {"n": f"{removed:,}"})
    return redirect("economy:ledger_imports")


@require_GET
def ledger_splits(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    years = selectors.fiscal_years(request.user)
    year = _year(request, years)
    flags = selectors.ledger_split_flags(request.user, fiscal_year=year)
    departments = selectors.display_names(Department)
    categories = selectors.display_names(Category)
    if request.GET.get("format"):
        fmt = _fmt(request)
        content = ledger.export_table(
            by=request.user,
            headers=("부서", "품목", "지급번호", "처음", "마지막", "합계(원)", "한도(원)", "근거"),
            rows=[
                (
                    departments.get(f.department, f.department),
                    categories.get(f.category, f.category),
                    " ".join(f.purchase_ids),
                    f.first_on.isoformat(),
                    f.last_on.isoformat(),
                    f.total_krw,
                    f.threshold.cap_krw,
                    f"{f.threshold.rule_id}: {f.threshold.source}",
                )
                for f in flags
            ],
            fmt=fmt,
            what=_("쪼개기 점검 내보내기"),
            detail={"year": year},
        )
        return _download(content, fmt, f"splits-{year}")
    payments = selectors.split_rows(request.user, flags[:200])
    shown = [
        {
            "flag": flag,
            "evidence": plans.describe_flag(flag, departments=departments, categories=categories),
            "rows": sorted(
                (e for pid in flag.purchase_ids for e in payments.get(pid, [])),
                key=lambda e: e.paid_on,
            ),
        }
        for flag in flags[:200]
    ]
    return render(
        request,
        "economy/ledger_splits.html",
        {"years": years, "year": year, "flags": shown, "count": len(flags)},
    )


# --- Policy --------------------------------------------------------------------------------


@require_GET
def policy_rules(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not (selectors.can_view(request.user) or scope.can(Can.CONFIGURE)):
        raise PermissionDenied("economy")
    law, city, revision = rules_service.current_rules()
    layers = presenters.rule_layers(law, city)
    return render(
        request,
        "economy/policy_rules.html",
        {
            "layers": layers,
            "revision": revision,
            "revisions": selectors.policy_revisions_for(request.user)[:20],
            "can_configure": scope.can(Can.CONFIGURE),
        },
    )


def _find_version(layer: str, version_id: str) -> dict[str, Any]:
    law, city, _revision = rules_service.current_rules()
    data = {Layer.LAW.value: law, Layer.CITY.value: city}.get(layer)
    if data is None:
        raise selectors.not_found()
    for v in data.get("versions", []):
        if v["version_id"] == version_id:
            return dict(v)
    raise selectors.not_found()


@require_http_methods(["GET", "POST"])
def policy_version_edit(
    request: HttpRequest, layer: str, version_id: str | None = None
) -> HttpResponse:
    scope_of(request.user).require(Can.CONFIGURE)
    if layer not in (Layer.LAW.value, Layer.CITY.value):
        raise selectors.not_found()
    current = _find_version(layer, version_id) if version_id else None
    revision = rules_service.current_revision()
    base = revision.number if revision else 0
    if current is not None:
        initial = {
            "version_id": current["version_id"],
            "effective_from": current["effective_from"],
            "effective_to": current.get("effective_to"),
            "source": current.get("source", ""),
            "base_number": base,
        }
        rule_initial = [RuleForm.initial_from(r) for r in current.get("rules", [])]
    else:
        initial = {"base_number": base}
        rule_initial = []
    form = RuleVersionForm(request.POST or None, initial=initial)
    formset = RuleFormSet(request.POST or None, initial=rule_initial, prefix="rules")
    problems: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rules = [
            f.rule()
            for f in formset.forms
            if f.has_changed() or f.initial
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        data = form.cleaned_data
        try:
            saved = rules_service.save_version(
                by=request.user,
                layer=layer,
                version_id=data["version_id"],
                effective_from=data["effective_from"],
                effective_to=data["effective_to"],
                source=data["source"],
                rules=rules,
                note=data["note"],
                replaces=version_id,
                base_number=data.get("base_number"),
            )
        except SaramError as exc:
            problems = exc.params.get("problems") or [exc.message]
        else:
            messages.success(request, _("규칙을 저장했습니다 (개정 %(n)s).") % {"n": saved.number})
            return redirect("economy:policy_rules")
    return render(
        request,
        "economy/policy_version_form.html",
        {
            "form": form,
            "formset": formset,
            "layer": layer,
            "layer_label": explanations.label(Layer(layer)),
            "version_id": version_id,
            "problems": problems,
        },
    )


@require_POST
def policy_version_delete(request: HttpRequest, layer: str, version_id: str) -> HttpResponse:
    scope_of(request.user).require(Can.CONFIGURE)
    _find_version(layer, version_id)
    try:
        saved = rules_service.remove_version(
            by=request.user,
            layer=layer,
            version_id=version_id,
            note=request.POST.get("note", "") or _("규칙 버전 삭제"),
        )
    except SaramError as exc:
        for problem in exc.params.get("problems") or [exc.message]:
            messages.error(request, problem)
    else:
        messages.success(request, _("규칙 버전을 지웠습니다 (개정 %(n)s).") % {"n": saved.number})
    return redirect("economy:policy_rules")


@require_GET
def policy_revision(request: HttpRequest, number: int) -> HttpResponse:
    revision = selectors.policy_revision_for(request.user, number)
    return render(request, "economy/policy_revision.html", presenters.revision_view(revision))


@require_GET
def policy_check(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    form = PolicyCheckForm(request.GET or None, initial={"requested_on": timezone.localdate()})
    decision = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            decision = policy.check_purchase(
                by=request.user,
                category=data["category"],
                amount_krw=data["estimated_amount_krw"],
                department=data["department"],
                requested_on=data["requested_on"],
                is_remainder=data["is_remainder"],
            )
        except SaramError as exc:
            form.add_error(None, exc.message)
    context: dict[str, Any] = {"form": form, "decision": decision}
    if decision is not None:
        context |= presenters.decision_view(decision)
    return render(request, "economy/policy_check.html", context)


# --- Plans ---------------------------------------------------------------------------------


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    page = Paginator(selectors.plans_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    years = selectors.plan_years(request.user)
    return render(
        request,
        "economy/plan_list.html",
        {"page": page, "years": years, "can_manage": selectors.can_manage(request.user)},
    )


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_ECONOMY)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = plans.create_plan(by=request.user, **form.cleaned_data)
        return redirect("economy:plan_detail", pk=plan.pk)
    return render(request, "economy/plan_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    can_manage = selectors.can_manage(request.user)
    form = PurchaseForm(
        request.POST or None,
        initial={"order_on": dt.date(plan.fiscal_year, timezone.localdate().month, 1)}
        if plan.fiscal_year == timezone.localdate().year
        else {"order_on": dt.date(plan.fiscal_year, 1, 15)},
    )
    evidence: list[str] = []
    if request.method == "POST":
        scope_of(request.user).require(Can.MANAGE_ECONOMY)
        if form.is_valid():
            try:
                plans.add_purchase(by=request.user, plan=plan, **form.cleaned_data)
            except SaramError as exc:
                evidence = exc.params.get("evidence") or []
                form.add_error(
                    None,
                    exc.message if not evidence else _("분할 발주가 되어 저장하지 않았습니다."),
                )
            else:
                messages.success(request, _("발주 계획을 추가했습니다."))
                return redirect("economy:plan_detail", pk=plan.pk)
    purchases = presenters.purchase_rows(list(selectors.purchases_of(plan)))
    flags = plans.plan_flags(plan)
    return render(
        request,
        "economy/plan_detail.html",
        {
            "plan": plan,
            "purchases": purchases,
            "form": form,
            "evidence": evidence,
            "flags": flags,
            "can_manage": can_manage,
            "is_lots": plan.source == PlanSource.LOTS,
            "assumptions": presenters.assumption_lines(plan.assumptions),
            "notes": [presenters.plan_note(n) for n in plan.notes],
        },
    )


@require_GET
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    fmt = _fmt(request)
    return _download(lots.export_lots(by=request.user, plan=plan, fmt=fmt), fmt, f"plan-{plan.pk}")


@require_GET
def plan_ocds(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    package = ocds_service.release_package(by=request.user, purchases=selectors.purchases_of(plan))
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="ocds-plan-{plan.pk}.json"'
    return response


@require_GET
def ocds_export(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    year = checked_year(_int(request.GET.get("year")) or this_year())
    package = ocds_service.release_package(
        by=request.user,
        purchases=selectors.purchases_for(request.user, fiscal_year=year),
        what=_("%(year)s년 발주 계획") % {"year": year},
    )
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="ocds-{year}.json"'
    return response


@require_POST
def purchase_tender(request: HttpRequest, pk: int) -> HttpResponse:
    purchase = selectors.purchase_for(request.user, pk)
    try:
        plans.record_tender(by=request.user, purchase=purchase)
    except SaramError as exc:
        _error(request, exc)
    return redirect("economy:plan_detail", pk=purchase.plan_id)


@require_POST
def purchase_delete(request: HttpRequest, pk: int) -> HttpResponse:
    purchase = selectors.purchase_for(request.user, pk)
    try:
        plans.remove_purchase(by=request.user, purchase=purchase)
    except SaramError as exc:
        _error(request, exc)
    return redirect("economy:plan_detail", pk=purchase.plan_id)


@require_http_methods(["GET", "POST"])
def purchase_award(request: HttpRequest, pk: int) -> HttpResponse:
    purchase = selectors.purchase_for(request.user, pk)
    scope_of(request.user).require(Can.MANAGE_ECONOMY)
    candidates = selectors.award_candidates(request.user, purchase)
    form = AwardForm(
        request.POST or None,
        suppliers=candidates,
        initial={"amount_krw": purchase.amount_krw, "awarded_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plans.record_award(
                by=request.user,
                purchase=purchase,
                supplier=form.cleaned_data["supplier"],
                amount_krw=form.cleaned_data["amount_krw"],
                awarded_at=form.awarded_at(),
            )
        except SaramError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("계약을 기록했습니다."))
            return redirect("economy:plan_detail", pk=purchase.plan_id)
    return render(request, "economy/award_form.html", {"form": form, "purchase": purchase})


# --- Lots ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lot_planner(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    data: Any = request.POST if request.method == "POST" else request.GET
    opening = selectors.default_lot_planning(request.user, today=timezone.localdate())
    default_programme = opening[0] if opening else None
    if "programme" not in data and opening is not None:
        # Open on a programme and year that has demand, with its proposal shown.
        data = {
            "programme": opening[0].pk,
            "fiscal_year": opening[1],
            "bid_award_ratio_percent": 90,
        }
    initial = {"bid_award_ratio_percent": 90, "fiscal_year": this_year() + 1}
    form = LotSettingsForm(data if "programme" in data else None, initial=initial)
    proposal: LotPlan | None = None
    lot_views: list[dict[str, Any]] = []
    history_bp: int | None = None
    demand_total = 0
    programme: Programme | None = None
    fiscal_year = None
    if form.is_bound and form.is_valid():
        programme = form.cleaned_data["programme"]
        fiscal_year = form.cleaned_data["fiscal_year"]
        history_bp = lots.open_bid_history_bp(programme)
        settings = lots.LotSettings(
            bid_award_ratio_bp=percent_to_bp(form.cleaned_data["bid_award_ratio_percent"]) or 1,
            open_bid_local_win_bp=percent_to_bp(
                form.cleaned_data.get("open_bid_local_win_percent")
            ),
        )
        try:
            if request.method == "POST":
                plan = lots.save_lot_plan(
                    by=request.user, programme=programme, fiscal_year=fiscal_year, settings=settings
                )
                messages.success(
                    request,
                    _("분할 발주 %(n)s건을 계획으로 저장했습니다.") % {"n": plan.purchases.count()},
                )
                return redirect("economy:plan_detail", pk=plan.pk)
            proposal = lots.propose_lots(
                by=request.user, programme=programme, fiscal_year=fiscal_year, settings=settings
            )
        except SaramError as exc:
            form.add_error(None, exc.message)
            for line in exc.params.get("evidence", []):
                messages.error(request, line)
        if proposal is not None:
            lot_views = presenters.lot_rows(proposal)
            demand_total = proposal.planned_krw
    elif default_programme is not None:
        programme = default_programme
    return render(
        request,
        "economy/lot_planner.html",
        {
            "form": form,
            "proposal": proposal,
            "lots": lot_views,
            "programme": programme,
            "fiscal_year": fiscal_year,
            "demand_total": demand_total,
            "demand_years": selectors.demand_years(programme) if programme else [],
            **presenters.lot_proposal_words(proposal, history_bp),
            "can_manage": selectors.can_manage(request.user),
            "query": request.GET.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def demand_import(request: HttpRequest, pk: int) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_ECONOMY)
    programme = selectors.programme_for(request.user, pk)
    if request.method == "POST":
        core_imports.refuse_oversized(request)
    form = DemandImportForm(
        request.POST or None, request.FILES or None, initial={"fiscal_year": this_year() + 1}
    )
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        kept = core_imports.keep_upload(form.cleaned_data["file"], form.cleaned_data["file"].name)
        try:
            count = lots.import_demand(
                by=request.user,
                programme=programme,
                fiscal_year=form.cleaned_data["fiscal_year"],
                upload=kept,
            )
        except SaramError as exc:
            form.add_error(None, exc.message)
            errors = exc.row_errors
        else:
            messages.success(request, _("수요 %(n)s행을 가져왔습니다.") % {"n": count})
            return redirect(
                reverse("economy:lot_planner")
                + f"?programme={programme.pk}&fiscal_year={form.cleaned_data['fiscal_year']}"
                + "&bid_award_ratio_percent=90"
            )
        finally:
            core_imports.discard(kept)
    return render(
        request,
        "economy/demand_import.html",
        {
            "form": form,
            "programme": programme,
            "errors": errors,
            "columns": [c.name for c in lots.DEMAND_COLUMNS],
        },
    )


# --- Local multiplier ----------------------------------------------------------------------


@require_GET
def multiplier(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    years = selectors.fiscal_years(request.user)
    year = _year(request, years)
    report = selectors.lm3_report(request.user, fiscal_year=year)
    shares = {
        r.key: r
        for r in selectors.local_share(request.user, LedgerFilter(fiscal_year=year), by="programme")
    }
    rows = presenters.multiplier_rows(report, shares, selectors.programmes_with_demand())
    if request.GET.get("format"):
        fmt = _fmt(request)
        content = ledger.export_table(
            by=request.user,
            headers=(
                "사업",
                "지역비율(%)",
                "LM3",
                "1차(원)",
                "2차(원)",
                "3차(원)",
                "조사된지출(원)",
            ),
            rows=presenters.multiplier_export_rows(rows),
            fmt=fmt,
            what=_("지역승수 내보내기"),
            detail={"year": year},
        )
        return _download(content, fmt, f"lm3-{year}")
    return render(
        request,
        "economy/multiplier.html",
        {
            "years": years,
            "year": year,
            "report": report,
            "rows": rows,
            "city_lm3": round(report.city.lm3, 2) if report.city else None,
            "assumptions": presenters.lm3_assumption_lines(report),
            "surveys": selectors.surveys_for(request.user)[:20],
            "welfare": selectors.welfare_circulation(
                request.user, fiscal_year=year, report=report, shares=shares
            ),
            "can_record": selectors.can_manage_suppliers(request.user),
            "can_manage": selectors.can_manage(request.user),
            "chart": presenters.multiplier_chart(rows),
        },
    )


@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_manage_suppliers(request.user):
        raise PermissionDenied("economy")
    form = SupplierSurveyForm(request.POST or None, initial={"surveyed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            surveys.record_supplier_survey(
                by=request.user,
                supplier=data["supplier"],
                surveyed_on=data["surveyed_on"],
                local_staff_bp=percent_to_bp(data["local_staff_percent"]) or 0,
                local_supplier_bp=percent_to_bp(data["local_supplier_percent"]) or 0,
                note=data["note"],
            )
        except SaramError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("조사 응답을 기록했습니다."))
            return redirect("economy:multiplier")
    return render(
        request, "economy/simple_form.html", {"form": form, "title": _("공급업체 재지출 조사")}
    )


@require_http_methods(["GET", "POST"])
def employee_survey_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_manage_suppliers(request.user):
        raise PermissionDenied("economy")
    form = EmployeeSurveyForm(request.POST or None, initial={"surveyed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            surveys.record_employee_survey(
                by=request.user,
                supplier=data["supplier"],
                surveyed_on=data["surveyed_on"],
                local_spend_bp=percent_to_bp(data["local_spend_percent"]) or 0,
            )
        except SaramError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("조사 응답을 기록했습니다."))
            return redirect("economy:multiplier")
    return render(
        request, "economy/simple_form.html", {"form": form, "title": _("종사자 지역 소비 조사")}
    )


@require_http_methods(["GET", "POST"])
def survey_import(request: HttpRequest) -> HttpResponse:
    if not selectors.can_manage_suppliers(request.user):
        raise PermissionDenied("economy")
    if request.method == "POST":
        core_imports.refuse_oversized(request)
    form = FileForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        kept = core_imports.keep_upload(form.cleaned_data["file"], form.cleaned_data["file"].name)
        try:
            count = surveys.import_supplier_surveys(by=request.user, upload=kept)
        except SaramError as exc:
            form.add_error(None, exc.message)
            errors = exc.row_errors
        else:
            messages.success(request, _("조사 응답 %(n)s건을 가져왔습니다.") % {"n": count})
            return redirect("economy:multiplier")
        finally:
            core_imports.discard(kept)
    return render(
        request,
        "economy/simple_form.html",
        {
            "form": form,
            "title": _("재지출 조사 가져오기"),
            "errors": errors,
            "columns": [c.name for c in surveys.SURVEY_COLUMNS],
            "multipart": True,
        },
    )


# --- Social economy ------------------------------------------------------------------------


@require_GET
def social_economy(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    years = selectors.fiscal_years(request.user)
    year = _year(request, years)
    rows = selectors.social_economy_rows(request.user, fiscal_year=year)
    progress = selectors.priority_purchase(request.user, fiscal_year=year)
    if request.GET.get("format"):
        fmt = _fmt(request)
        content = ledger.export_table(
            by=request.user,
            headers=(
                "조직",
                "유형",
                "소재지",
                "지원(원)",
                "지원 건수",
                "시 매출(원)",
                "복지 연계(건)",
            ),
            rows=[
                (
                    r.supplier.name,
                    r.supplier.get_social_economy_type_display(),
                    r.supplier.get_locality_display(),
                    r.support_krw,
                    r.support_count,
                    r.sales_krw,
                    r.welfare_referrals,
                )
                for r in rows
            ],
            fmt=fmt,
            what=_("사회적경제 현황 내보내기"),
            detail={"year": year},
        )
        return _download(content, fmt, f"social-economy-{year}")
    return render(
        request,
        "economy/social_economy.html",
        {
            "years": years,
            "year": year,
            "rows": rows,
            "progress": progress,
            "support": selectors.support_for(request.user)[:15],
            "can_record": scope_of(request.user).can(Can.MANAGE_SOCIAL_ECONOMY),
            "totals": {
                "support_krw": sum(r.support_krw for r in rows),
                "sales_krw": sum(r.sales_krw for r in rows),
                "welfare_referrals": sum(r.welfare_referrals for r in rows),
            },
        },
    )


@require_http_methods(["GET", "POST"])
def support_create(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_SOCIAL_ECONOMY)
    form = SupportForm(
        request.POST or None,
        initial={"given_on": timezone.localdate(), "supplier": request.GET.get("supplier")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            support_service.record_support(by=request.user, **form.cleaned_data)
        except SaramError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("지원 기록을 남겼습니다."))
            return redirect("economy:social_economy")
    return render(request, "economy/simple_form.html", {"form": form, "title": _("지원 기록")})
