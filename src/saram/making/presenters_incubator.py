"""View-models of the incubator, cluster and R&D pages: plain data built from selectors' rows,
labels in the reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from saram.making.models import ClusterSector


def term_state(tenant: Any, today: dt.date) -> str:
    if tenant.term_starts_on > today:
        return str(_("입주 예정"))
    if tenant.term_ends_on < today:
        return str(_("입주 종료"))
    return str(_("입주 중"))


def milestone_rows(milestones: list[Any], *, today: dt.date) -> list[dict[str, Any]]:
    """Each milestone with its progress and whether it is reached, open or overdue."""
    rows = []
    for m in milestones:
        if m.done_on is not None:
            state, css = _("달성"), "ok"
        elif m.due_on < today:
            state, css = _("기한 지남"), "warn"
        else:
            state, css = _("진행 중"), ""
        rows.append(
            {
                "milestone": m,
                "pct": 100 if m.done_on else m.progress_pct,
                "state": str(state),
                "css": css,
                "days_left": (m.due_on - today).days,
            }
        )
    return rows


def progress_of(milestones: list[Any]) -> int:
    """The firm's plan as a whole: the mean progress of its milestones, in percent."""
    if not milestones:
        return 0
    return round(sum(100 if m.done_on else m.progress_pct for m in milestones) / len(milestones))


def tenant_rows(
    tenants: Any, *, balances: dict[int, int], used: dict[int, int], today: dt.date
) -> list[dict[str, Any]]:
    """The manager's list: each tenant with its term, founders, milestones due and credits."""
    rows = []
    for t in tenants:
        milestones = list(t.milestones.all())
        due = [m for m in milestones if m.done_on is None]
        rows.append(
            {
                "tenant": t,
                "state": term_state(t, today),
                "founders": [f.name for f in t.founders.all()],
                "due": due[:2],
                "overdue": t.overdue_milestones,
                "done": t.done_milestones,
                "total": len(milestones),
                "progress": progress_of(milestones),
                "balance_h": round(balances.get(t.pk, 0) / 60, 1),
                "used_h": round(used.get(t.pk, 0) / 60, 1),
            }
        )
    return rows


def tenant_headers() -> list[str]:
    return [
        _("입주 기업"),
        _("사업 분야"),
        _("창업자"),
        _("보육실"),
        _("입주일"),
        _("입주 만료일"),
        _("입주 상태"),
        _("달성한 목표"),
        _("기한 지난 목표"),
        _("장비 크레딧 잔액(시간)"),
        _("사용한 크레딧(시간)"),
    ]


def tenant_table(rows: list[dict[str, Any]]) -> Iterator[list[Any]]:
    for r in rows:
        t = r["tenant"]
        yield [
            t.organisation.name,
            t.field,
            ", ".join(r["founders"]),
            t.room.name if t.room else "",
            t.term_starts_on.isoformat(),
            t.term_ends_on.isoformat(),
            r["state"],
            f"{r['done']}/{r['total']}",
            r["overdue"],
            r["balance_h"],
            r["used_h"],
        ]


def project_state(project: Any, today: dt.date) -> str:
    if project.starts_on > today:
        return str(_("시작 전"))
    if project.ends_on < today:
        return str(_("종료"))
    return str(_("진행 중"))


def project_headers() -> list[str]:
    return [
        _("과제명"),
        _("주관 기관"),
        _("참여 기관"),
        _("지원 기관"),
        _("연구비(원)"),
        _("시작일"),
        _("종료일"),
        _("진행 상태"),
        _("성과"),
    ]


def project_table(projects: Any, *, today: dt.date) -> Iterator[list[Any]]:
    for p in projects:
        yield [
            p.title,
            p.lead.organisation.name,
            ", ".join(m.organisation.name for m in p.partners.all()),
            p.funder,
            p.funding_krw,
            p.starts_on.isoformat(),
            p.ends_on.isoformat(),
            project_state(p, today),
            p.outputs,
        ]


def project_rows(projects: Any, *, today: dt.date) -> list[dict[str, Any]]:
    return [
        {
            "project": p,
            "state": project_state(p, today),
            "partners": [m for m in p.partners.all()],
        }
        for p in projects
    ]


def sector_counts(members: Any) -> list[tuple[str, int]]:
    """Members per field (carbon, 3D printing, both), for the directory's chart."""
    labels = dict(ClusterSector.choices)
    counts: dict[str, int] = {}
    for m in members:
        counts[m.sector] = counts.get(m.sector, 0) + 1
    return [(str(labels[k]), counts.get(k, 0)) for k in labels]


def dong_shapes(rows: list[dict[str, Any]], *, lang: str) -> dict[str, Any]:
    """The dongs as a GeoJSON FeatureCollection named in the reader's language."""
    english = lang.startswith("en")
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": r["boundary"],
                "properties": {
                    "code": r["code"],
                    "name": r["name_en"] if english else r["name"],
                    "gu": (r["gu__name_en"] if english else r["gu__name"]) or "",
                },
            }
            for r in rows
        ],
    }
