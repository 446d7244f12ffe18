"""View-models of core's pages: what a reader sees, in words (no dicts, codes or login names)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from saram.core.models import AreaKind, AuditEntry, Person, choice_label

# What an audit entry is about, in words. A type not listed is shown as "기타 기록".
TARGETS: dict[str, Promise] = {
    "person": _("주민"),
    "organisation": _("기관·단체"),
    "welfare_case": _("사례"),
    "welfare_visit": _("방문"),
    "welfare_concern": _("이웃 알림"),
    "welfare_assignment": _("방문 배정"),
    "welfare_signal": _("위험 신호"),
    "welfare_round": _("발굴 회차"),
    "welfare_review": _("신호 대상 확인"),
    "welfare_outreach": _("발굴 명단"),
}
# The names of the details an entry may carry.
DETAILS: dict[str, Promise] = {
    "fields": _("바뀐 항목"),
    "year": _("연도"),
    "fiscal_year": _("회계연도"),
    "by": _("기준"),
    "format": _("형식"),
    "file": _("파일"),
    "rows": _("행 수"),
    "created": _("추가"),
    "updated": _("갱신"),
    "removed": _("삭제"),
    "shown": _("보여 준 건수"),
    "offset": _("시작 위치"),
    "page": _("쪽"),
    "dong": _("행정동"),
    "q": _("검색어"),
    "status": _("상태"),
    "outcome": _("방문 결과"),
    "person": _("주민 번호"),
    "supplier": _("공급업체 번호"),
    "plan": _("계획 번호"),
    "referral": _("연계 번호"),
    "amount_krw": _("금액(원)"),
    "kind": _("종류"),
    "method": _("계약 방법"),
    "revision": _("개정 번호"),
    "previous": _("이전 개정"),
    "releases": _("공개 건수"),
    "locality": _("소재지 구분"),
    "ledger_rows_reclassified": _("다시 분류한 지출 행"),
    "seed": _("생성 번호"),
}


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: Any
    who: str
    action: str
    target: str
    purpose: str
    details: list[tuple[str, str]]


def person_name(user: Any) -> str:
    """A user as people call them: their name, the login name only when no name is on file."""
    if user is None:
        return str(_("시스템"))
    full = (user.get_full_name() or "").strip()
    return full or user.get_username()


def _field_label(name: str) -> str:
    try:
        return str(Person._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("예") if value else _("아니오"))
    if key == "fields" and isinstance(value, list | tuple):
        return ", ".join(_field_label(str(v)) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if key not in ("year", "fiscal_year") else str(value)
    if isinstance(value, list | tuple):
        return " → ".join(str(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{DETAILS.get(k, k)}: {_value(k, v)}" for k, v in value.items())
    return str(value)


def detail_lines(detail: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """An entry's details as (label, value) lines a person reads."""
    return [(str(DETAILS.get(k, k)), _value(k, v)) for k, v in (detail or {}).items()]


def audit_rows(entries: Iterable[AuditEntry]) -> list[AuditRow]:
    entries = list(entries)
    users = get_user_model().objects.in_bulk({e.actor_id for e in entries if e.actor_id})
    rows = []
    for e in entries:
        actor = users.get(e.actor_id) if e.actor_id else None
        who = person_name(actor) if actor is not None else (e.actor_name or str(_("시스템")))
        target = str(TARGETS.get(e.target_type, _("기타 기록")))
        if e.target_id:
            target = f"{target} {e.target_id}"
        rows.append(
            AuditRow(
                seq=e.seq,
                at=e.at,
                who=who,
                action=e.get_action_display(),
                target=target,
                purpose=e.purpose,
                details=detail_lines(e.detail if isinstance(e.detail, Mapping) else {}),
            )
        )
    return rows


@dataclass(frozen=True)
class DongRow:
    code: str
    name: str
    kind: str
    gu: str
    population: int


@dataclass(frozen=True)
class DongTable:
    """The city's table of dongs. `key` digests everything the table shows (language, names,
    kinds, gus, counts), so a rendered table cached under it is reused only for exactly the
    same rows: a renamed dong or a new count is a new key, nothing to invalidate."""

    rows: list[DongRow]
    total: int
    has_gu: bool
    key: str


def dong_table(facts: Iterable[Mapping[str, Any]], population: Mapping[int, int]) -> DongTable:
    """The table of dongs from `selectors.dong_facts_for` and the residents per dong."""
    language = get_language() or "ko"
    english = language.startswith("en")
    rows: list[DongRow] = []
    shown: list[tuple[Any, ...]] = []
    for fact in facts:
        count = population.get(fact["id"], 0)
        gu = (fact["gu__name_en"] if english else fact["gu__name"]) or ""
        rows.append(
            DongRow(
                code=fact["code"],
                name=fact["name_en"] if english else fact["name"],
                kind=choice_label(AreaKind, fact["kind"]),
                gu=gu,
                population=count,
            )
        )
        shown.append(
            (fact["code"], fact["name"], fact["name_en"], fact["kind"], fact["gu_id"], gu, count)
        )
    digest = hashlib.blake2b(repr((language, shown)).encode(), digest_size=16).hexdigest()
    return DongTable(
        rows=rows,
        total=sum(r.population for r in rows),
        has_gu=any(f[4] is not None for f in shown),
        key=digest,
    )


def organisation_table_key(page: Any, query: Mapping[str, str]) -> str:
    """A digest of everything a page of `core/_organisation_table.html` shows (language, the
    rows, the pager and the query its links carry): the key its rendered HTML is cached under,
    so it is reused only for exactly the same rows, whoever asks."""
    language = get_language() or "ko"
    shown = [
        (
            o.pk,
            o.name,
            o.kind,
            o.address,
            o.dong_id,
            o.dong.name if o.dong_id else "",
            o.dong.name_en if o.dong_id else "",
        )
        for o in page.object_list
    ]
    pager = (page.number, page.paginator.num_pages, sorted(query.items()))
    return hashlib.blake2b(repr((language, pager, shown)).encode(), digest_size=16).hexdigest()
