"""Pages of the centre: thin views over selectors, services and presenters."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.middleware import public
from saram.making import forms, presenters, selectors
from saram.making.documents import annual_report_pdf, certificate_pdf
from saram.making.models import (
    Audience,
    MachineKind,
    MaterialKind,
    ReservationStatus,
    StockReason,
)
from saram.making.rules import RULES
from saram.making.services import courses, events, machines, reservations, stock
from saram.making.services._common import SEOUL


def _profile(user: Any) -> dict[str, Any]:
    """Dong and birth year copied onto a booking or enrolment for the statistics."""
    return selectors.profile_of(user)


def _bad_form(form: Any) -> SaramError:
    if not form.errors:
        return SaramError("making_bad_field", params={"field": "", "message": ""})
    field, errs = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else field
    return SaramError(
        # `message` is SaramError's own argument: the form's words travel as a parameter.
        "making_bad_field",
        params={"field": str(label or field), "message": str(errs[0])},
    )


# --- Home ----------------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    now = timezone.now()
    context: dict[str, Any] = {"now": now}
    if scope.can(Can.MANAGE_MAKING):
        context["machines"] = selectors.machines_for(request.user)
        context["reorder"] = selectors.materials_to_reorder(request.user)
        context["upcoming"] = selectors.upcoming_bookings(request.user, since=now, limit=20)
        context["staff"] = True
    if scope.can(Can.TEACH) or scope.can(Can.MANAGE_MAKING):
        context["sessions"] = selectors.sessions_to_teach(request.user, since=now)
    if not any(scope.can(c) for c in (Can.MANAGE_MAKING, Can.TEACH, Can.MANAGE_INCUBATOR)):
        if scope.can(Can.SELF_SERVICE):
            return redirect("making:mine")
        raise PermissionDenied
    if scope.can(Can.MANAGE_INCUBATOR) and not scope.can(Can.MANAGE_MAKING):
        return redirect("making:incubator")
    return render(request, "making/home.html", context)


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not scope.can(Can.SELF_SERVICE) and not scope.can(Can.MANAGE_MAKING):
        raise PermissionDenied
    now = timezone.now()
    return render(
        request,
        "making/mine.html",
        {
            "reservations": selectors.reservations_of(
                request.user, since=now - dt.timedelta(days=30)
            ),
            "enrolments": selectors.enrolments_of(request.user),
            "certificates": selectors.certificates_of(request.user),
            "registrations": selectors.registrations_to_show(request.user),
            "notices": presenters.notices(selectors.notices_of(request.user)),
            "tenants": selectors.tenants_of_founder(request.user),
            "now": now,
            "deadline_hours": RULES.cancel_deadline_hours,
        },
    )


# --- Machines, calendar, reservations -------------------------------------------------------------


@require_GET
def machine_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not any(
        scope.can(c) for c in (Can.SELF_SERVICE, Can.MANAGE_MAKING, Can.TEACH, Can.MANAGE_INCUBATOR)
    ):
        raise PermissionDenied
    return render(
        request,
        "making/machine_list.html",
        {
            "machines": selectors.machines_for(request.user),
            "rules": RULES,
            "staff": scope.can(Can.MANAGE_MAKING),
        },
    )


@require_GET
def machine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    machine = selectors.machine_for(request.user, pk)
    scope = scope_of(request.user)
    staff = scope.can(Can.MANAGE_MAKING)
    unlocking = reservations.unlocking_course(machine.kind)
    return render(
        request,
        "making/machine_detail.html",
        {
            "machine": machine,
            "staff": staff,
            "certified": staff or reservations.is_certified(request.user, machine.kind),
            "unlocking": unlocking,
            "booking_form": forms.BookingForm(),
            "maintenance_form": forms.MaintenanceForm(),
            "log_form": forms.MachineLogForm(),
            "tenants": presenters.credit_choices(
                list(selectors.tenants_of_founder(request.user)), selectors.credit_balances
            ),
            "rules": RULES,
            **selectors.machine_page(machine, staff=staff),
            "initial_date": _iso_day(request.GET.get("week", "")),
        },
    )


def _iso_day(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return ""


@require_GET
def machine_events(request: HttpRequest, pk: int) -> JsonResponse:
    machine = selectors.machine_for(request.user, pk)
    start = parse_datetime(request.GET.get("start", "") or "")
    end = parse_datetime(request.GET.get("end", "") or "")
    if start is None or end is None:
        now = timezone.now()
        start, end = reservations.week_bounds(now)
    # The calendar speaks Seoul wall-clock time whatever offset it writes.
    start = start.replace(tzinfo=SEOUL)
    end = end.replace(tzinfo=SEOUL)
    end = min(end, start + dt.timedelta(days=62))
    rows = selectors.calendar_rows(machine.pk, start, end)
    staff = scope_of(request.user).can(Can.MANAGE_MAKING)
    return JsonResponse(
        presenters.calendar_events(rows, viewer_id=request.user.pk, staff=staff), safe=False
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else value.replace(tzinfo=SEOUL)


@require_POST
def book(request: HttpRequest, pk: int) -> HttpResponse:
    machine = selectors.machine_for(request.user, pk)
    form = forms.BookingForm(request.POST)
    if not form.is_valid():
        raise _bad_form(form)
    data = form.cleaned_data
    tenant = selectors.founder_tenant(request.user, data.get("tenant"))
    if data.get("tenant") and tenant is None:
        raise SaramError("making_not_founder")
    grams = data.get("material_g") or 0
    reservations.book(
        by=request.user,
        machine=machine,
        starts_at=_aware(data["starts_at"]),
        ends_at=_aware(data["ends_at"]),
        now=timezone.now(),
        purpose=data.get("purpose", ""),
        material=machine.loaded_material if grams else None,
        material_g=grams,
        tenant=tenant,
        audience=_audience_of(request.user),
        **_profile(request.user),
    )
    # The calendar opens at the week of the new booking.
    day = _aware(data["starts_at"]).astimezone(SEOUL).date().isoformat()
    return redirect(reverse("making:machine", args=[machine.pk]) + f"?booked=1&week={day}")


def _audience_of(user: Any) -> str:
    if selectors.is_founder(user):
        return Audience.FOUNDER
    return Audience.PUBLIC


@require_POST
def maintenance(request: HttpRequest, pk: int) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    machine = selectors.machine_for(request.user, pk)
    form = forms.MaintenanceForm(request.POST)
    if not form.is_valid():
        raise _bad_form(form)
    _w, moved, cancelled = reservations.block_maintenance(
        by=request.user,
        machine=machine,
        starts_at=_aware(form.cleaned_data["starts_at"]),
        ends_at=_aware(form.cleaned_data["ends_at"]),
        now=timezone.now(),
        reason=form.cleaned_data.get("reason", ""),
    )

    messages.success(
        request,
        _(
            "점검 시간을 잡았습니다. 옮긴 예약 %(moved)s건, 취소한 예약 %(cancelled)s건 (각자에게 알림)."  # noqa: E501
        )
        % {"moved": len(moved), "cancelled": len(cancelled)},
    )
    return redirect("making:machine", pk=machine.pk)


@require_POST
def machine_log(request: HttpRequest, pk: int) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    machine = selectors.machine_for(request.user, pk)
    form = forms.MachineLogForm(request.POST)
    if not form.is_valid():
        raise _bad_form(form)
    machines.log_machine(
        by=request.user,
        machine=machine,
        kind=form.cleaned_data["kind"],
        text=form.cleaned_data["text"],
        cost_krw=form.cleaned_data.get("cost_krw") or 0,
        status=form.cleaned_data.get("status") or "",
        now=timezone.now(),
    )
    return redirect("making:machine", pk=machine.pk)


@require_POST
def cancel_reservation(request: HttpRequest, pk: int) -> HttpResponse:
    reservation = selectors.reservation_for(request.user, pk)
    reservations.cancel(by=request.user, reservation=reservation, now=timezone.now())
    return redirect(request.POST.get("next") or reverse("making:mine"))


@require_POST
def mark_reservation(request: HttpRequest, pk: int) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    reservation = selectors.reservation_for(request.user, pk)
    form = forms.ReservationMarkForm(request.POST)
    if not form.is_valid():
        raise _bad_form(form)
    if form.cleaned_data["outcome"] == ReservationStatus.ATTENDED:
        reservations.mark_attended(by=request.user, reservation=reservation, now=timezone.now())
    else:
        reservations.mark_no_show(by=request.user, reservation=reservation, now=timezone.now())
    return redirect("making:home")


@require_GET
def materials(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "making/materials.html",
        {
            "materials": selectors.materials_for(request.user),
            "stock_form": forms.StockForm(),
            "kinds": dict(MaterialKind.choices),
        },
    )


@require_POST
def material_stock(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_for(request.user, pk)
    form = forms.StockForm(request.POST)
    if not form.is_valid():
        raise _bad_form(form)
    data = form.cleaned_data
    if data["direction"] == "in":
        stock.receive_stock(
            by=request.user,
            material=material,
            grams=data["grams"],
            now=timezone.now(),
            note=data.get("note", ""),
        )
    else:
        stock.withdraw_stock(
            by=request.user,
            material=material,
            grams=data["grams"],
            now=timezone.now(),
            reason=StockReason.ADJUSTMENT,
            note=data.get("note", ""),
        )
    return redirect("making:materials")


# --- Courses, attendance, certificates -----------------------------------------------------------


@public
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    form = forms.CourseFilterForm(request.GET)
    audience = form.cleaned_data.get("audience", "") if form.is_valid() else ""
    scope = scope_of(request.user)
    return render(
        request,
        "making/catalogue.html",
        {
            "form": form,
            "courses": selectors.courses_for(request.user, audience=audience),
            "sessions": selectors.sessions_for(
                request.user, since=timezone.now(), audience=audience
            ),
            "mine": selectors.enrolled_session_ids(request.user),
            "kinds": dict(MachineKind.choices),
            "can_enrol": scope.can(Can.SELF_SERVICE),
            "staff": scope.can(Can.MANAGE_MAKING),
        },
    )


@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for_enrolment(request.user, pk)
    enrolment = courses.enrol(
        by=request.user, session=session, now=timezone.now(), **_profile(request.user)
    )

    if enrolment.status == "waiting":
        messages.info(request, _("정원이 차서 대기 명단에 올렸습니다. 자리가 나면 알려 드립니다."))
    else:
        messages.success(request, _("수강 신청이 확정되었습니다."))
    return redirect("making:mine")


@require_POST
def cancel_enrolment(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.own_enrolment(request.user, pk)
    courses.cancel_enrolment(by=request.user, enrolment=enrolment, now=timezone.now())
    return redirect("making:mine")


@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_to_teach(request.user, pk)
    return render(
        request,
        "making/session.html",
        {
            "session": session,
            "roster": selectors.roster(session),
            "staff": scope_of(request.user).can(Can.MANAGE_MAKING),
        },
    )


@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.enrolment_to_mark(request.user, pk)
    form = forms.AttendanceForm(request.POST)
    if not form.is_valid():
        raise _bad_form(form)
    courses.mark_attendance(
        by=request.user,
        enrolment=enrolment,
        present=form.cleaned_data["present"],
        now=timezone.now(),
    )
    return redirect("making:session", pk=enrolment.session_id)


@require_GET
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_for(request.user, pk)
    verify_url, base = presenters.certificate_urls(request, certificate.code)
    pdf = certificate_pdf(certificate=certificate, verify_url=verify_url, base_url=base)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response


@public
@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    form = forms.VerifyForm(request.GET or None)
    certificate = None
    error = None
    if form.is_valid():
        try:
            certificate = courses.verify_certificate(code=form.cleaned_data["code"])
        except SaramError as exc:
            error = exc.message
    return render(
        request,
        "making/verify.html",
        {"form": form, "certificate": certificate, "error": error},
        status=404 if error else 200,
    )


# --- Events and gallery --------------------------------------------------------------------------


@public
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    return render(
        request,
        "making/events.html",
        {
            "events": selectors.events_for(
                request.user, since=timezone.now() - dt.timedelta(days=1)
            ),
            "mine": selectors.registered_event_ids(request.user),
            "can_register": scope.can(Can.SELF_SERVICE),
            "staff": scope.can(Can.MANAGE_MAKING),
        },
    )


@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.public_event(pk)
    registration = events.register(
        by=request.user,
        event=event,
        now=timezone.now(),
        audience=_audience_of(request.user),
        **_profile(request.user),
    )

    if registration.status == "waiting":
        messages.info(request, _("정원이 차서 대기 명단에 올렸습니다."))
    else:
        messages.success(request, _("행사 참가 신청이 확정되었습니다."))
    return redirect("making:events")


@require_POST
def cancel_registration(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.own_registration(request.user, pk)
    events.cancel_registration(by=request.user, registration=registration, now=timezone.now())
    return redirect("making:mine")


@public
@require_GET
def gallery(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "making/gallery.html",
        {
            "projects": selectors.gallery_for(request.user),
            "staff": scope_of(request.user).can(Can.MANAGE_MAKING),
        },
    )


# --- Statistics ----------------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    form = forms.YearForm(request.GET)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return int(year or timezone.localdate().year)


@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    data = presenters.statistics(year=_year(request))
    return render(
        request,
        "making/stats.html",
        {
            "stats": data,
            "chart": json.dumps(
                {k: data[k] for k in ("by_audience", "by_age", "hours_by_audience")},
                ensure_ascii=False,
            ),
            "dong_values": json.dumps({r["code"]: r["people"] for r in data["by_dong"]}),
        },
    )


@require_GET
def annual_report(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    data = presenters.statistics(year=_year(request))
    pdf = annual_report_pdf(
        context={"stats": data, "machines": selectors.machines_for(request.user)},
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="making-report-{data["year"]}.pdf"'
    return response
