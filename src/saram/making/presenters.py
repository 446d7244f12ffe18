"""View-models of the making pages: plain data built from selectors' rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from saram.core.errors import render
from saram.core.models import Dong
from saram.making.models import (
    Audience,
    Enrolment,
    EnrolmentStatus,
    EventRegistration,
    RegistrationStatus,
    Reservation,
    ReservationKind,
    ReservationStatus,
)
from saram.making.services._common import SEOUL


def calendar_events(
    rows: list[tuple[Any, ...]], *, viewer_id: int | None, staff: bool
) -> list[dict[str, Any]]:
    """FullCalendar's event objects: one's own bookings named, others only 'booked'."""
    out = []
    for pk, kind, status, starts_at, ends_at, user_id in rows:
        if kind == ReservationKind.MAINTENANCE:
            title, colour = _("점검"), "#9a3412"
        elif user_id == viewer_id:
            title, colour = _("내 예약"), "#1d4ed8"
        else:
            title, colour = _("예약됨"), "#6b7280"
        if staff and kind != ReservationKind.MAINTENANCE and status != ReservationStatus.BOOKED:
            title = f"{title} · {ReservationStatus(status).label}"
        out.append(
            {
                "id": pk,
                "title": str(title),
                "start": starts_at.astimezone(SEOUL).replace(tzinfo=None).isoformat(),
                "end": ends_at.astimezone(SEOUL).replace(tzinfo=None).isoformat(),
                "color": colour,
            }
        )
    return out


def notices(rows: Any) -> list[dict[str, Any]]:
    return [
        {"at": n.at, "text": render(n.code, {**n.params, "code_": n.params.get("code_", "")})}
        for n in rows
    ]


AGE_GROUPS = [
    (0, 13, "~12"),
    (13, 19, "13~18"),
    (19, 30, "19~29"),
    (30, 40, "30~39"),
    (40, 50, "40~49"),
    (50, 65, "50~64"),
    (65, 200, "65~"),
]


def age_group(birth_year: int | None, year: int) -> str:
    if not birth_year:
        return _("모름")
    age = year - birth_year
    for low, high, label in AGE_GROUPS:
        if low <= age < high:
            return label
    return _("모름")


def statistics(*, year: int) -> dict[str, Any]:
    """Participation (courses, events) and machine use by audience, age group and dong."""
    start = dt.datetime(year, 1, 1, tzinfo=SEOUL)
    end = dt.datetime(year + 1, 1, 1, tzinfo=SEOUL)
    enrol = list(
        Enrolment.objects.filter(
            status=EnrolmentStatus.ENROLLED,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        ).values_list("session__course__audience", "birth_year", "dong_id")
    )
    events = list(
        EventRegistration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            event__starts_at__gte=start,
            event__starts_at__lt=end,
        ).values_list("audience", "birth_year", "dong_id")
    )
    bookings = list(
        Reservation.objects.filter(
            kind=ReservationKind.BOOKING,
            status__in=[ReservationStatus.ATTENDED, ReservationStatus.BOOKED],
            starts_at__gte=start,
            starts_at__lt=end,
        ).values_list("audience", "birth_year", "dong_id", "starts_at", "ends_at")
    )
    audience_label = dict(Audience.choices)
    by_audience: Counter[str] = Counter()
    by_age: Counter[str] = Counter()
    by_dong: Counter[int] = Counter()
    for aud, born, dong_id in enrol + events:
        by_audience[str(audience_label.get(aud, _("기타")))] += 1
        by_age[age_group(born, year)] += 1
        if dong_id:
            by_dong[dong_id] += 1
    hours_by_audience: defaultdict[str, float] = defaultdict(float)
    hours_by_dong: Counter[int] = Counter()
    for aud, _born, dong_id, s, e in bookings:
        hours = (e - s).total_seconds() / 3600
        hours_by_audience[str(audience_label.get(aud, _("기타")))] += hours
        if dong_id:
            hours_by_dong[dong_id] += round(hours)
    dongs = {d.id: d for d in Dong.objects.filter(id__in=set(by_dong) | set(hours_by_dong))}
    order = [label for _l, _h, label in AGE_GROUPS] + [_("모름")]
    return {
        "year": year,
        "participants": len(enrol) + len(events),
        "course_places": len(enrol),
        "event_places": len(events),
        "machine_hours": round(sum(hours_by_audience.values()), 1),
        "by_audience": sorted(by_audience.items()),
        "by_age": [(k, by_age[k]) for k in order if by_age.get(k)],
        "hours_by_audience": sorted((k, round(v, 1)) for k, v in hours_by_audience.items()),
        "by_dong": sorted(
            (
                {
                    "code": dongs[i].code,
                    "name": dongs[i].display_name,
                    "people": n,
                    "hours": hours_by_dong.get(i, 0),
                }
                for i, n in (by_dong + Counter({k: 0 for k in hours_by_dong})).items()
                if i in dongs
            ),
            key=lambda r: -r["people"],
        ),
    }


def certificate_urls(request: Any, code: str) -> tuple[str, str]:
    verify = request.build_absolute_uri(reverse("making:verify") + f"?code={code}")
    return verify, request.build_absolute_uri("/")


__all__ = ["Count", "calendar_events", "certificate_urls", "notices", "statistics"]
