"""Staff pages that keep the centre's catalogue: machines, materials, courses, sessions, events
and gallery projects (add, change, retire or cancel with a confirmation), and imports of
machines and materials through core's pipeline. Thin: a form parses, a selector finds, a
service writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from saram.core import imports as core_imports
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.forms import ImportForm
from saram.core.middleware import public
from saram.core.services import jobs
from saram.making import forms, selectors
from saram.making.photos import content_type_of
from saram.making.services import courses, events, gallery, machines
from saram.making.services._common import SEOUL
from saram.making.services.catalogue_imports import MACHINE_SPEC, MATERIAL_SPEC
from saram.making.tasks import import_catalogue_task

GET_POST = require_http_methods(["GET", "POST"])


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    back: str,
    extra: Any = None,
    note: str = "",
    multipart: bool = False,
) -> HttpResponse:
    return render(
        request,
        "making/staff_form.html",
        {
            "form": form,
            "extra": extra,
            "title": title,
            "back": back,
            "note": note,
            "multipart": multipart,
        },
    )


def _saved(form: Any, write: Callable[[], Any]) -> Any:
    """Run the service; a refusal is shown on the form (its data kept), not as a new page."""
    try:
        return write()
    except SaramError as exc:
        form.add_error(None, exc.message)
        return None


def _aware(value: Any) -> Any:
    return value if value is None or timezone.is_aware(value) else value.replace(tzinfo=SEOUL)


def _confirm(
    request: HttpRequest, *, title: str, question: str, action: str, back: str, facts: list[str]
) -> HttpResponse:
    return render(
        request,
        "making/staff_confirm.html",
        {"title": title, "question": question, "action": action, "back": back, "facts": facts},
    )


# --- Machines ------------------------------------------------------------------------------------


def _machine_values(form: forms.MachineForm) -> tuple[dict[str, Any], list[Any]]:
    data = dict(form.cleaned_data)
    accepted = list(data.pop("accepted_materials", []) or [])
    return data, accepted


@GET_POST
def machine_new(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    form = forms.MachineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values, accepted = _machine_values(form)
        machine = _saved(
            form, lambda: machines.add_machine(by=request.user, values=values, accepted=accepted)
        )
        if machine is not None:
            messages.success(request, _("장비를 등록했습니다."))
            return redirect("making:machine", pk=machine.pk)
    return _form_page(request, form, title=_("장비 등록"), back=reverse("making:machines"))


@GET_POST
def machine_edit(request: HttpRequest, pk: int) -> HttpResponse:
    machine = selectors.machine_to_edit(request.user, pk)
    if machine.retired_on is not None:
        raise SaramError("making_machine_retired", machine=str(machine))
    form = forms.MachineForm(request.POST or None, instance=machine)
    if request.method == "POST" and form.is_valid():
        values, accepted = _machine_values(form)
        done = _saved(
            form,
            lambda: machines.update_machine(
                by=request.user,
                machine=machine,
                values=values,
                accepted=accepted,
                now=timezone.now(),
            ),
        )
        if done is not None:
            messages.success(request, _("장비 정보를 고쳤습니다."))
            return redirect("making:machine", pk=machine.pk)
    return _form_page(
        request,
        form,
        title=_("장비 고치기: %(name)s") % {"name": machine.name},
        back=reverse("making:machine", args=[machine.pk]),
    )


@GET_POST
def machine_retire(request: HttpRequest, pk: int) -> HttpResponse:
    machine = selectors.machine_to_edit(request.user, pk)
    now = timezone.now()
    if request.method == "POST":
        cancelled = machines.retire_machine(by=request.user, machine=machine, now=now)
        messages.success(
            request,
            _("%(name)s 사용을 끝냈습니다. 취소한 예약 %(n)s건 (각자에게 알림).")
            % {"name": machine.name, "n": len(cancelled)},
        )
        return redirect("making:machines")
    if machine.retired_on is not None:
        raise SaramError("making_machine_retired", machine=str(machine))
    count = selectors.future_bookings_count(machine, since=now)
    return _confirm(
        request,
        title=_("장비 사용 종료: %(name)s") % {"name": machine.name},
        question=_("이 장비의 사용을 끝낼까요? 되돌릴 수 없습니다."),
        action=_("사용 종료"),
        back=reverse("making:machine", args=[machine.pk]),
        facts=[
            _("장비 목록과 예약 달력에서 빠지고, 예약·점검 기록과 출력 이력은 남습니다."),
            _("앞으로의 예약 %(n)s건이 취소되고 예약한 사람마다 알림이 갑니다.") % {"n": count},
        ],
    )


# --- Materials -----------------------------------------------------------------------------------


@GET_POST
def material_new(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    form = forms.MaterialForm(request.POST or None)
    opening = forms.OpeningStockForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and opening.is_valid():
        material = _saved(
            form,
            lambda: machines.add_material(
                by=request.user,
                values=form.cleaned_data,
                now=timezone.now(),
                stock_g=opening.cleaned_data.get("stock_g") or 0,
            ),
        )
        if material is not None:
            messages.success(request, _("소재를 등록했습니다."))
            return redirect("making:materials")
    return _form_page(
        request, form, extra=opening, title=_("소재 등록"), back=reverse("making:materials")
    )


@GET_POST
def material_edit(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_to_edit(request.user, pk)
    form = forms.MaterialForm(request.POST or None, instance=material)
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            lambda: machines.update_material(
                by=request.user, material=material, values=form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("소재 정보를 고쳤습니다."))
            return redirect("making:materials")
    return _form_page(
        request,
        form,
        title=_("소재 고치기: %(name)s") % {"name": material},
        back=reverse("making:materials"),
        note=_("재고는 소재 목록의 입고·출고로만 바뀝니다. 쓰지 않는 소재는 '사용 중'을 끄세요."),
    )


# --- Imports of machines and materials (core's pipeline: a job in the worker) -------------------


def import_page(
    request: HttpRequest,
    *,
    what: str,
    spec: core_imports.ImportSpec,
    label: str,
) -> HttpResponse:
    """An import's page (the columns, the template) and, on upload, its job in the worker."""
    scope_of(request.user).require(Can.MANAGE_MAKING)
    if request.method == "POST":
        core_imports.refuse_oversized(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = jobs.start_job(
            by=request.user,
            kind=spec.kind,
            label=label,
            params={"what": what},
            enqueue=import_catalogue_task.enqueue,
            upload=core_imports.keep_upload(upload, upload.name),
        )
        return redirect("job_detail", job_id=job.pk)
    return render(
        request,
        "core/import_form.html",
        {
            "form": form,
            "label": label,
            "kind": spec.kind,
            "spec": spec,
            "max_mb": settings.SARAM_UPLOAD_MAX_MB,
        },
    )


@GET_POST
def machine_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, what="machines", spec=MACHINE_SPEC, label=_("장비 가져오기"))


@GET_POST
def material_import(request: HttpRequest) -> HttpResponse:
    return import_page(request, what="materials", spec=MATERIAL_SPEC, label=_("소재 가져오기"))


# --- Courses and sessions ------------------------------------------------------------------------


@GET_POST
def course_new(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    form = forms.CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = _saved(form, lambda: courses.add_course(by=request.user, values=form.cleaned_data))
        if course is not None:
            messages.success(request, _("교육 과정을 등록했습니다. 이제 일정을 추가하세요."))
            return redirect(reverse("making:session_new") + f"?course={course.pk}")
    return _form_page(request, form, title=_("교육 과정 등록"), back=reverse("making:catalogue"))


@GET_POST
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_to_edit(request.user, pk)
    form = forms.CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            lambda: courses.update_course(by=request.user, course=course, values=form.cleaned_data),
        )
        if done is not None:
            messages.success(request, _("교육 과정을 고쳤습니다."))
            return redirect(reverse("making:catalogue") + f"#course-{course.code}")
    return _form_page(
        request,
        form,
        title=_("교육 과정 고치기: %(title)s") % {"title": course.title},
        back=reverse("making:catalogue"),
        note=_("이미 발급한 수료증과 신청 내역은 그대로 남습니다."),
    )


@GET_POST
def session_new(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    initial = {"course": request.GET.get("course")} if request.GET.get("course") else None
    form = forms.SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = _saved(
            form,
            lambda: courses.schedule_session(
                by=request.user,
                course=data["course"],
                starts_at=_aware(data["starts_at"]),
                ends_at=_aware(data["ends_at"]),
                capacity=data["capacity"],
                instructor=data.get("instructor"),
                room=data.get("room"),
                school=data.get("school"),
                now=timezone.now(),
            ),
        )
        if session is not None:
            messages.success(request, _("교육 일정을 추가했습니다."))
            return redirect("making:session", pk=session.pk)
    return _form_page(request, form, title=_("교육 일정 추가"), back=reverse("making:catalogue"))


@GET_POST
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff change any session; its instructor changes its time, room and capacity."""
    session = selectors.session_to_edit(request.user, pk)
    staff = scope_of(request.user).can(Can.MANAGE_MAKING)
    initial = {
        "starts_at": timezone.localtime(session.starts_at, SEOUL),
        "ends_at": timezone.localtime(session.ends_at, SEOUL),
        "capacity": session.capacity,
        "instructor": session.instructor_id,
        "room": session.room_id,
        "school": session.school_id,
    }
    form_class = forms.SessionEditForm if staff else forms.TeachingSessionForm
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _saved(
            form,
            lambda: courses.update_session(
                by=request.user,
                session=session,
                starts_at=_aware(data["starts_at"]),
                ends_at=_aware(data["ends_at"]),
                capacity=data["capacity"],
                instructor=data.get("instructor") if staff else session.instructor,
                room=data.get("room"),
                school=data.get("school") if staff else session.school,
                now=timezone.now(),
            ),
        )
        if done is not None:
            messages.success(request, _("교육 일정을 고쳤습니다."))
            return redirect("making:session", pk=session.pk)
    return _form_page(
        request,
        form,
        title=_("교육 일정 고치기: %(title)s") % {"title": session.course.title},
        back=reverse("making:session", args=[session.pk]),
        note=_(
            "시간을 바꾸면 신청자 모두에게 알림이 갑니다. 정원을 늘리면 대기자가 차례로 확정됩니다."
        ),
    )


@GET_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_to_cancel(request.user, pk)
    if request.method == "POST":
        told = courses.cancel_session(by=request.user, session=session, now=timezone.now())
        messages.success(
            request, _("교육을 취소했습니다. 신청자 %(n)s명에게 알렸습니다.") % {"n": told}
        )
        return redirect("making:catalogue")
    counts = selectors.roster_counts(session)
    return _confirm(
        request,
        title=_("교육 취소: %(title)s") % {"title": session.course.title},
        question=_("이 교육 일정을 취소할까요? 되돌릴 수 없습니다."),
        action=_("교육 취소"),
        back=reverse("making:session", args=[session.pk]),
        facts=[
            timezone.localtime(session.starts_at, SEOUL).strftime("%Y-%m-%d %H:%M"),
            _("수강 확정 %(e)s명과 대기 %(w)s명의 신청이 취소되고 각자에게 알림이 갑니다.")
            % {"e": counts.get("enrolled", 0), "w": counts.get("waiting", 0)},
        ],
    )


# --- Events --------------------------------------------------------------------------------------


def _event_values(form: forms.EventForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["starts_at"], data["ends_at"] = _aware(data["starts_at"]), _aware(data["ends_at"])
    return data


@GET_POST
def event_new(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    form = forms.EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = _saved(form, lambda: events.add_event(by=request.user, values=_event_values(form)))
        if event is not None:
            messages.success(request, _("행사를 등록했습니다."))
            return redirect(reverse("making:events") + f"#event-{event.pk}")
    return _form_page(request, form, title=_("행사 등록"), back=reverse("making:events"))


@GET_POST
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_to_edit(request.user, pk)
    form = forms.EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            lambda: events.update_event(
                by=request.user, event=event, values=_event_values(form), now=timezone.now()
            ),
        )
        if done is not None:
            messages.success(request, _("행사 정보를 고쳤습니다."))
            return redirect(reverse("making:events") + f"#event-{event.pk}")
    return _form_page(
        request,
        form,
        title=_("행사 고치기: %(title)s") % {"title": event.title},
        back=reverse("making:events"),
        note=_("정원을 늘리면 대기자가 차례로 확정되고 알림을 받습니다."),
    )


@GET_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_to_edit(request.user, pk)
    if request.method == "POST":
        told = events.cancel_event(by=request.user, event=event, now=timezone.now())
        messages.success(
            request, _("행사를 취소했습니다. 신청자 %(n)s명에게 알렸습니다.") % {"n": told}
        )
        return redirect("making:events")
    return _confirm(
        request,
        title=_("행사 취소: %(title)s") % {"title": event.title},
        question=_("이 행사를 취소할까요? 공개 목록에서 빠집니다."),
        action=_("행사 취소"),
        back=reverse("making:events"),
        facts=[
            _("신청 %(n)s건이 취소되고 신청자마다 알림이 갑니다.")
            % {"n": selectors.event_registration_count(event)}
        ],
    )


# --- Gallery -------------------------------------------------------------------------------------


def _gallery_values(form: forms.GalleryForm) -> tuple[dict[str, Any], Any]:
    data = dict(form.cleaned_data)
    photo = data.pop("photo", None)
    return data, photo


@GET_POST
def gallery_new(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    form = forms.GalleryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values, photo = _gallery_values(form)
        project = _saved(
            form, lambda: gallery.add_project(by=request.user, values=values, photo=photo)
        )
        if project is not None:
            messages.success(request, _("작품을 갤러리에 올렸습니다."))
            return redirect(reverse("making:gallery") + f"#project-{project.pk}")
    return _form_page(
        request, form, title=_("작품 올리기"), back=reverse("making:gallery"), multipart=True
    )


@GET_POST
def gallery_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_to_edit(request.user, pk)
    form = forms.GalleryForm(request.POST or None, request.FILES or None, instance=project)
    if request.method == "POST" and form.is_valid():
        values, photo = _gallery_values(form)
        done = _saved(
            form,
            lambda: gallery.update_project(
                by=request.user, project=project, values=values, photo=photo
            ),
        )
        if done is not None:
            messages.success(request, _("작품 정보를 고쳤습니다."))
            return redirect(reverse("making:gallery") + f"#project-{project.pk}")
    return _form_page(
        request,
        form,
        title=_("작품 고치기: %(title)s") % {"title": project.title},
        back=reverse("making:gallery"),
        multipart=True,
    )


@GET_POST
def gallery_delete(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_to_edit(request.user, pk)
    if request.method == "POST":
        gallery.remove_project(by=request.user, project=project)
        messages.success(request, _("작품을 갤러리에서 지웠습니다."))
        return redirect("making:gallery")
    return _confirm(
        request,
        title=_("작품 지우기: %(title)s") % {"title": project.title},
        question=_("이 작품을 갤러리에서 지울까요? 사진도 함께 지워지고 되돌릴 수 없습니다."),
        action=_("작품 지우기"),
        back=reverse("making:gallery"),
        facts=[_("잠시 내리려면 지우지 말고 작품 고치기에서 '공개'를 끄세요.")],
    )


@public
@require_GET
def gallery_photo(request: HttpRequest, pk: int) -> FileResponse:
    project = selectors.published_photo(pk)
    handle = project.photo.open("rb")
    head = handle.read(16)
    handle.seek(0)
    response = FileResponse(handle, content_type=content_type_of(head))
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
