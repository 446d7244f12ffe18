"""View-models of the making pages: plain data built from selectors' rows."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from saram.core.errors import render
from saram.making import selectors
from saram.making.models import (
    Audience,
    ClusterRole,
    ClusterSector,
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
    rows = selectors.participation_rows(start, end)
    enrol, events, bookings = rows["enrol"], rows["events"], rows["bookings"]
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
    dongs = selectors.dongs_by_id(set(by_dong) | set(hours_by_dong))
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


def cluster_headers() -> list[str]:
    return [_("이름"), _("구분"), _("분야"), _("동"), _("소개"), _("누리집")]


def cluster_rows(members: Any) -> Any:
    """The directory as table rows (CSV/XLSX export), labels in the reader's language."""
    roles = dict(ClusterRole.choices)
    sectors = dict(ClusterSector.choices)
    for m in members:
        yield [
            m.organisation.name,
            str(roles.get(m.role, "")),
            str(sectors.get(m.sector, "")),
            m.organisation.dong.display_name if m.organisation.dong else "",
            m.summary,
            m.website,
        ]


def cluster_points(members: Any) -> list[dict[str, Any]]:
    """Map points: a member's own position, else its dong's centre; those with neither left out."""
    roles = dict(ClusterRole.choices)
    sectors = dict(ClusterSector.choices)
    points = []
    at_centre: Counter[int] = Counter()
    for m in members:
        dong = m.organisation.dong
        lat = m.lat or (dong.centroid_lat if dong else None)
        lng = m.lng or (dong.centroid_lng if dong else None)
        if lat and lng and not m.lat and dong is not None:
            # Members placed at the same dong centre are spread on a small ring (~300 m), so
            # each marker can be seen and clicked.
            k = at_centre[dong.pk]
            at_centre[dong.pk] += 1
            if k:
                angle = k * 2.4
                lat, lng = lat + 0.0027 * math.sin(angle), lng + 0.0033 * math.cos(angle)
        if lat:
            points.append(
                {
                    "name": m.organisation.name,
                    "role": str(roles.get(m.role, "")),
                    "sector": m.sector,
                    "sector_label": str(sectors.get(m.sector, "")),
                    "url": reverse("making:cluster_member", args=[m.pk]),
                    "lat": lat,
                    "lng": lng,
                }
            )
    return points


__all__ = [
    "calendar_events",
    "certificate_urls",
    "cluster_points",
    "cluster_rows",
    "notices",
    "statistics",
]


def credit_choices(tenants: list[Any], balances_of: Any) -> list[dict[str, Any]]:
    """The firms a founder may book on, each with its machine-hour balance (hours, one decimal),
    so the choice says what is left before the booking draws on it."""
    balances = balances_of([t.pk for t in tenants])
    return [
        {"pk": t.pk, "name": t.organisation.name, "hours": round(balances.get(t.pk, 0) / 60, 1)}
        for t in tenants
    ]
