"""View-models of the welfare pages: plain rows with translated labels, built from selector
and service results (no queries of their own beyond what they are given)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from saram.core.engine.identity import mask_name
from saram.welfare import reasons
from saram.welfare.models import AssignmentStatus, NotListed, SignalKind
from saram.welfare.services.coverage import DongCoverage
from saram.welfare.services.funnel import STEPS, FunnelRow, Stop

STEP_LABELS = {
    "flagged": _("발굴(신호)"),
    "listed": _("목록에 오름"),
    "reached": _("만남"),
    "assessed": _("욕구 사정"),
    "helped": _("도움 받음"),
    "followed_up": _("사후 확인"),
}
STOP_LABELS = {
    Stop.PENDING.value: _("방문 기한 전(대기)"),
    Stop.UNREACHABLE.value: _("만나지 못함"),
    Stop.REFUSED.value: _("거부"),
    Stop.MOVED.value: _("이사"),
    Stop.DIED.value: _("사망"),
    Stop.NO_NEED.value: _("욕구 없음"),
    Stop.IN_PROGRESS.value: _("지원 진행 중"),
}
NOT_LISTED_LABELS = dict(NotListed.choices)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    count: int
    pct_of_flagged: float | None


def funnel_steps(row: FunnelRow) -> list[Step]:
    """A funnel row as labelled steps, each against the flagged."""
    flagged = row.steps.get("flagged", 0)
    return [
        Step(
            key,
            str(STEP_LABELS[key]),
            row.steps.get(key, 0),
            round(100.0 * row.steps.get(key, 0) / flagged, 1) if flagged else None,
        )
        for key in STEPS
    ]


@dataclass(frozen=True)
class DongFunnel:
    """One dong's line on the coverage pages: its funnel over the past year, reached measured
    against the flagged, pending visits apart from missed ones; cases and referrals open now."""

    dong: Any
    flagged: int
    listed: int
    reached: int
    reached_pct: float | None
    pending: int
    missed: int
    assessed: int
    helped: int
    followed_up: int
    open_cases: int
    pending_referrals: int


def dong_funnel(dong: Any, coverage: DongCoverage | None) -> DongFunnel:
    """A dong's line (dong None: the sum of the lines, given as one coverage)."""
    row = coverage.funnel if coverage is not None else None
    steps = row.steps if row is not None else dict.fromkeys(STEPS, 0)
    return DongFunnel(
        dong=dong,
        flagged=steps["flagged"],
        listed=steps["listed"],
        reached=steps["reached"],
        reached_pct=row.reached_pct if row is not None else None,
        pending=row.pending if row is not None else 0,
        missed=row.missed if row is not None else 0,
        assessed=steps["assessed"],
        helped=steps["helped"],
        followed_up=steps["followed_up"],
        open_cases=coverage.open_cases if coverage is not None else 0,
        pending_referrals=coverage.pending_referrals if coverage is not None else 0,
    )


def coverage_record(dong: Any, coverage: DongCoverage) -> dict[str, Any]:
    """A dong's coverage for the API: the page's line with each reason as code, label, count."""
    line = dong_funnel(dong, coverage)
    row = coverage.funnel
    return {
        "dong_code": dong.code,
        "dong_name": dong.name,
        "dong_name_en": dong.name_en,
        **{key: getattr(line, key) for key in STEPS},
        "reached_pct": line.reached_pct,
        "pending": line.pending,
        "missed": line.missed,
        "stops": [
            {"code": key, "label": label, "count": n}
            for key, label, n in (stop_reasons(row) if row is not None else [])
        ],
        "not_listed": [
            {"code": key, "label": str(NOT_LISTED_LABELS.get(key, key)), "count": n}
            for key, n in sorted((row.not_listed if row is not None else {}).items())
            if n
        ],
        "open_cases": line.open_cases,
        "pending_referrals": line.pending_referrals,
    }


def funnel_series(months: Iterable[FunnelRow]) -> dict[str, list[Any]]:
    """The charts' data: per month (YYYY-MM) each step's count, the pending, and reached
    as a share of the flagged."""
    rows = list(months)
    series: dict[str, list[Any]] = {"labels": [r.month.strftime("%Y-%m") for r in rows]}
    for key in STEPS:
        series[key] = [r.steps.get(key, 0) for r in rows]
    series["pending"] = [r.pending for r in rows]
    series["missed"] = [r.missed for r in rows]
    series["reached_pct"] = [r.reached_pct for r in rows]
    return series


def stop_reasons(row: FunnelRow) -> list[tuple[str, str, int]]:
    """Why listed people stopped, largest first (key, label, count); zeros left out."""
    found = [(k, str(STOP_LABELS[k]), n) for k, n in row.stops.items() if n and k in STOP_LABELS]
    return sorted(found, key=lambda item: -item[2])


def not_listed_reasons(row: FunnelRow) -> list[tuple[str, int]]:
    return sorted(
        ((str(NOT_LISTED_LABELS.get(k, k)), n) for k, n in row.not_listed.items() if n),
        key=lambda item: -item[1],
    )


def reason_shares(
    stored: Iterable[Mapping[str, Any]], kinds: Mapping[str, SignalKind]
) -> list[tuple[str, int]]:
    """Each reason with its share of the score in whole percent (the parts that raise it)."""
    parts = [(r, float(r.get("part") or 0)) for r in stored]
    whole = sum(p for _r, p in parts if p > 0)
    return [
        (reasons.describe(r, kinds), round(100 * p / whole) if whole else 0)
        for r, p in parts
        if p > 0
    ]


# A member learns why a visit matters in general words, never the signal itself (which debt,
# how many months): that stays with the officer.
_GENERAL = (
    (("electricity", "water", "gas"), _("생활 요금(전기·수도·가스) 어려움")),
    (("rental", "apartment_fee", "housing"), _("주거 어려움")),
    (("health", "medical", "care"), _("건강·돌봄")),
    (("job", "unemployment", "employment"), _("일자리 변화")),
    (("financial", "card", "debt", "pension"), _("경제적 어려움")),
    (("livelihood", "emergency_aid"), _("복지 지원에서 빠짐")),
    (("observation",), _("이웃의 걱정")),
)
_HOUSEHOLD_GENERAL = {
    "lives_alone": _("혼자 삶"),
    "aged_65_plus": _("어르신"),
    "child_in_household": _("아동이 있는 가구"),
}


def _general(reason: Mapping[str, Any]) -> str:
    code = str(reason.get("code") or "")
    if code in _HOUSEHOLD_GENERAL:
        return str(_HOUSEHOLD_GENERAL[code])
    signal = str(reason.get("signal") or "")
    for words, label in _GENERAL:
        if any(w in signal for w in words):
            return str(label)
    return str(_("생활의 어려움"))


def why_listed(stored: Iterable[Mapping[str, Any]], kinds: Mapping[str, SignalKind]) -> str:
    """A member's short note of why the person is on their list: the largest reasons in
    general words (no signal, amount or month count)."""
    notes: list[str] = []
    for reason in stored:
        text = _general(reason)
        if text not in notes:
            notes.append(text)
    return " · ".join(notes[:3])


def finished_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """A member's ended visits: masked names and the status, nothing to find the person by."""
    statuses = dict(AssignmentStatus.choices)
    return [
        {"name": mask_name(r["person__name"]), "status": str(statuses.get(r["status"], ""))}
        for r in rows
    ]


def person_label(person: Any) -> str:
    return mask_name(person.name) if person is not None else ""


@dataclass(frozen=True)
class ModelRow:
    label: str
    listed: int
    found: int
    precision: float | None
    recall: float | None


_NO_REASON_TEXT = _("뚜렷한 까닭 없음")
_AGED_TEXT = _("65세 이상")


def _reason_label(code: str, kinds: Mapping[str, SignalKind]) -> str:
    if code in reasons.HOUSEHOLD_TEXT:
        return str(reasons.HOUSEHOLD_TEXT[code])
    if code == "aged_65_plus":
        return str(_AGED_TEXT)
    if code == "none":
        return str(_NO_REASON_TEXT)
    kind = kinds.get(code)
    return kind.label if kind else code


def _counted(found: Mapping[str, int], kinds: Mapping[str, SignalKind]) -> list[tuple[str, int]]:
    return sorted(
        ((_reason_label(code, kinds), n) for code, n in found.items() if n),
        key=lambda item: (-item[1], item[0]),
    )


def learned_model(stored: Any, kinds: Mapping[str, SignalKind]) -> dict[str, Any]:
    """A stored learned model for the comparison page: its windows, both models' results on
    the held-out rounds, who switching would add and drop (in words, with their main reasons)
    and its coefficients."""

    def row(label: Any, part: Mapping[str, int]) -> ModelRow:
        listed, found, confirmed = part["listed"], part["found"], part["confirmed"]
        return ModelRow(
            str(label),
            listed,
            found,
            round(found / listed, 3) if listed else None,
            round(found / confirmed, 3) if confirmed else None,
        )

    learned = row(_("학습 모형"), stored.metrics["learned"])
    points = row(_("점수 모형"), stored.metrics["points"])
    difference = learned.found - points.found
    k = stored.k
    if difference > 0:
        words = _(
            "시험 회차에서 학습 모형의 상위 %(k)s명이 점수 모형보다 확인된 욕구를 %(n)s건 더 "
            "찾았습니다."
        ) % {"k": k, "n": difference}
    elif difference < 0:
        words = _(
            "시험 회차에서 학습 모형의 상위 %(k)s명이 점수 모형보다 확인된 욕구를 %(n)s건 덜 "
            "찾았습니다. 학습 모형을 고를 수 없습니다."
        ) % {"k": k, "n": -difference}
    else:
        words = _(
            "시험 회차에서 두 모형이 확인된 욕구를 같은 수만큼 찾았습니다. 학습 모형이 더 "
            "낫지 않으므로 점수 모형을 씁니다."
        )
    changes = stored.changes
    change_words = _(
        "학습 모형으로 바꾸면 시험 회차의 목록에 %(adds)s명이 새로 오르고(그 가운데 욕구가 "
        "확인된 사람 %(adds_confirmed)s명), %(drops)s명이 빠집니다(그 가운데 욕구가 확인된 "
        "사람 %(drops_confirmed)s명)."
    ) % {
        "adds": changes.get("adds", 0),
        "adds_confirmed": changes.get("adds_confirmed", 0),
        "drops": changes.get("drops", 0),
        "drops_confirmed": changes.get("drops_confirmed", 0),
    }
    coefficients = [
        (_reason_label(code, kinds), round(value, 3))
        for code, value in zip(stored.signal_codes, stored.signal_coefficients, strict=True)
    ] + [
        (_reason_label(code, kinds), round(value, 3))
        for code, value in zip(
            ("lives_alone", "aged_65_plus", "child_in_household"),
            stored.household_coefficients,
            strict=True,
        )
    ]
    return {
        "model": stored,
        "rows": [learned, points],
        "words": str(words),
        "change_words": str(change_words),
        "add_reasons": _counted(changes.get("add_reasons", {}), kinds),
        "drop_reasons": _counted(changes.get("drop_reasons", {}), kinds),
        "coefficients": coefficients,
    }
