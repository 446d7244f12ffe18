"""Registering, importing and exporting residents; every change and export is audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.engine.identity import InvalidRrn, RrnProblem, birth_date_of, normalize_rrn, sex_of
from saram.core.engine.tabular import Limits
from saram.core.errors import RowError, SaramError, register
from saram.core.imports import (
    CellError,
    Column,
    ImportSpec,
    Sensitivity,
    Upload,
    read_table,
    register_spec,
    rejected,
    typed_rows,
)
from saram.core.models import (
    AuditAction,
    Dong,
    DuplicateCase,
    DuplicateStatus,
    Person,
    RrnLookup,
)
from saram.core.personal_data import rrn_digest, seal_rrn
from saram.core.selectors import forget_population, people_for
from saram.core.services.exports import write_table_file

_RRN_CODES = {
    RrnProblem.FORMAT: "import_rrn_format",
    RrnProblem.DATE: "import_rrn_date",
    RrnProblem.CHECKSUM: "import_rrn_checksum",
}


def parse_rrn(text: str) -> str:
    try:
        return normalize_rrn(text)
    except InvalidRrn as exc:
        raise CellError(_RRN_CODES[exc.problem]) from None


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"y", "yes", "true", "1", "예", "o", "네"}:
        return True
    if value in {"n", "no", "false", "0", "아니오", "x", "아니요"}:
        return False
    raise CellError("import_yes_no")


def _dong_codes() -> list[str]:
    return list(Dong.objects.order_by("code").values_list("code", flat=True)[:200])


PEOPLE_SPEC = register_spec(
    ImportSpec(
        "people",
        (
            Column(
                "주민등록번호", parse_rrn, sensitivity=Sensitivity.RRN, example="900101-1234568"
            ),
            Column("이름", sensitivity=Sensitivity.NAME, example="홍길동"),
            Column("행정동코드", example="4511156000", allowed=_dong_codes),
            Column("주소", sensitivity=Sensitivity.ADDRESS, example="전주시 완산구 효자로 1"),
            Column("전화", required=False, sensitivity=Sensitivity.PHONE, example="010-1234-5678"),
            Column("1인가구", parse_bool, required=False, example="N", allowed=lambda: ["Y", "N"]),
            Column(
                "정보활용동의", parse_bool, required=False, example="Y", allowed=lambda: ["Y", "N"]
            ),
        ),
        Limits(max_columns=50, max_rows=200_000, max_unpacked_bytes=50 * 1024 * 1024),
    )
)
PEOPLE_COLUMNS = PEOPLE_SPEC.columns


def registered_rrns(*, by: Any, digests: Collection[str]) -> set[str]:
    """Of these keyed digests of 주민등록번호, those already registered (the one duplicate
    check of registration and import)."""
    return set(Person.objects.filter(rrn_hmac__in=list(digests)).values_list("rrn_hmac", flat=True))


def _require_dong(user: Any, dong: Dong) -> None:
    if dong.id not in scope_of(user).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("out_of_scope", dong=dong.name)


register(
    {
        "duplicate_rrn_here": gettext_lazy(
            "이미 등록된 주민입니다 (주민 번호 %(key)s). 그 기록을 고쳐 주세요."
        ),
        "registration_refused": gettext_lazy(
            "이 주민등록번호로는 등록할 수 없습니다. 시청 관리자에게 확인을 요청했습니다."
        ),
        "too_many_lookups": gettext_lazy(
            "짧은 시간에 주민등록번호 조회가 너무 많아 잠시 막았습니다. 시청 관리자에게 문의하세요."
        ),
        "duplicate_resolved": gettext_lazy("이미 처리한 확인 요청입니다."),
    }
)


@dataclass(frozen=True)
class Duplicates:
    """Registered numbers among those looked up, keyed as the caller keyed them (row number):
    `visible` the people the user may see; `hidden` the keys of people the user may not see."""

    visible: dict[int, Person] = field(default_factory=dict)
    hidden: frozenset[int] = frozenset()


def find_duplicates(
    *, by: Any, numbers: Mapping[int, str], wanted: Mapping[int, Dong | None], source: str
) -> Duplicates:
    """The one duplicate decision for registration and import.

    Looks the normalized numbers up by keyed digest; a number registered outside the user's
    area is never named to them: it becomes a case for the city administrator (a transfer or
    a correction) and the caller refuses with the same neutral answer. Every look-up is
    audited and counted; too many in a short time by one user are refused and flagged.
    """
    now = timezone.now()
    _check_lookup_rate(by, now=now, source=source)
    digests = {key: rrn_digest(digits) for key, digits in numbers.items()}
    registered: dict[str, Person] = {
        p.rrn_hmac: p
        for p in Person.objects.filter(rrn_hmac__in=set(digests.values())).only(
            "id", "key", "dong_id", "rrn_hmac"
        )
    }
    scope = scope_of(by)
    may_see = scope.dong_ids(Can.VIEW_PEOPLE)
    may_register = scope.dong_ids(Can.MANAGE_PEOPLE)
    visible: dict[int, Person] = {}
    hidden: dict[int, Person] = {}
    for key, digest in digests.items():
        person = registered.get(digest)
        if person is None:
            continue
        (visible if person.dong_id in may_see else hidden)[key] = person
    flagged = bool(hidden)
    with transaction.atomic():
        RrnLookup.objects.create(
            user=by,
            at=now,
            source=source,
            numbers=len(digests),
            found_outside=len(hidden),
            flagged=flagged,
        )
        for key, person in hidden.items():
            dong = wanted.get(key)
            if dong is not None and dong.id in may_register:
                DuplicateCase.objects.create(
                    created_at=now, reported_by=by, source=source, wanted_dong=dong, person=person
                )
        audit.record(
            actor=by,
            action=AuditAction.LOOKUP,
            target_type="person",
            purpose=_("주민등록번호 중복 확인"),
            detail={
                "source": source,
                "numbers": len(digests),
                "found_here": len(visible),
                "found_outside": len(hidden),
                "flagged": flagged,
            },
        )
    return Duplicates(visible=visible, hidden=frozenset(hidden))


def _check_lookup_rate(by: Any, *, now: dt.datetime, source: str) -> None:
    """Refuse (and flag) a user who looked numbers up too often, or found too many registered
    outside their area, within the window."""
    since = now - dt.timedelta(minutes=settings.SARAM_RRN_LOOKUP_WINDOW_MINUTES)
    recent = RrnLookup.objects.filter(user_id=by.pk, at__gte=since)
    totals = recent.aggregate(outside=Sum("found_outside"))
    if (
        recent.count() < settings.SARAM_RRN_LOOKUP_LIMIT
        and (totals["outside"] or 0) < settings.SARAM_RRN_OUTSIDE_LIMIT
    ):
        return
    with transaction.atomic():
        RrnLookup.objects.create(user=by, at=now, source=source, flagged=True)
        audit.record(
            actor=by,
            action=AuditAction.LOOKUP,
            target_type="person",
            purpose=_("주민등록번호 조회 제한"),
            detail={"source": source, "numbers": 0, "refused": True, "flagged": True},
        )
    raise SaramError("too_many_lookups")


def flagged_lookups(*, since: dt.datetime) -> list[RrnLookup]:
    """Flagged look-ups since `since`, newest first, for the audit page."""
    return list(
        RrnLookup.objects.filter(flagged=True, at__gte=since)
        .select_related("user")
        .order_by("-at")[:50]
    )


def open_duplicate_case(by: Any, pk: int) -> Any:
    """One open duplicate case the user may handle, or None."""
    return open_duplicate_cases(by).filter(pk=pk).first()


def open_duplicate_cases(by: Any) -> Any:
    """The duplicate cases the city administrator decides on (none for anyone else)."""
    if not scope_of(by).can(Can.CONFIGURE):
        return DuplicateCase.objects.none()
    return DuplicateCase.objects.select_related(
        "reported_by", "wanted_dong", "person__dong"
    ).filter(status=DuplicateStatus.OPEN)


def resolve_duplicate(*, by: Any, case: DuplicateCase, transfer: bool) -> DuplicateCase:
    """Transfer the registered record to the dong that asked for it, or close the case as a
    mistyped number; audited either way."""
    if not scope_of(by).can(Can.CONFIGURE):
        raise SaramError("duplicate_case_forbidden")
    with transaction.atomic():
        locked = DuplicateCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != DuplicateStatus.OPEN:
            raise SaramError("duplicate_resolved")
        if transfer:
            Person.objects.filter(pk=locked.person_id).update(dong=locked.wanted_dong)
        locked.status = DuplicateStatus.TRANSFERRED if transfer else DuplicateStatus.CORRECTED
        locked.resolved_by = by
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "resolved_by", "resolved_at"])
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="person",
            target_id=locked.person_id,
            purpose=_("중복 등록 확인 처리"),
            detail={"case": locked.pk, "status": locked.status, "dong": locked.wanted_dong.code},
        )
    forget_population()
    return locked


def register_person(
    *,
    by: Any,
    rrn: str,
    name: str,
    dong: Dong,
    address: str,
    phone: str = "",
    lives_alone: bool = False,
    consent: bool = False,
    purpose: str,
) -> Person:
    """Register one resident in a dong the user manages; refuses a number already registered."""
    _require_dong(by, dong)
    try:
        digits = parse_rrn(rrn)
    except CellError as exc:
        raise SaramError(exc.code) from None
    found = find_duplicates(by=by, numbers={0: digits}, wanted={0: dong}, source="register")
    if found.hidden:
        raise SaramError("registration_refused")
    if found.visible:
        raise SaramError("duplicate_rrn_here", key=found.visible[0].key)
    cipher, digest = seal_rrn(digits)
    with transaction.atomic():
        person = Person.objects.create(
            key=f"P-{uuid.uuid4().hex[:16]}",
            dong=dong,
            name=name.strip(),
            birth_date=birth_date_of(digits),
            sex=sex_of(digits),
            rrn_cipher=cipher,
            rrn_hmac=digest,
            address=address.strip(),
            phone=phone.strip(),
            lives_alone=lives_alone,
            consent=consent,
        )
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="person",
            target_id=person.pk,
            purpose=purpose,
        )
    forget_population()
    return person


EDITABLE_FIELDS = ("name", "address", "phone", "lives_alone", "consent")


def update_person(*, by: Any, person: Person, purpose: str, **changes: Any) -> Person:
    """Change a resident's editable fields; the audit entry names the fields, not their values."""
    _require_dong(by, person.dong)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise SaramError("bad_field", fields=", ".join(sorted(unknown)))
    changed = sorted(k for k, v in changes.items() if getattr(person, k) != v)
    if not changed:
        return person
    with transaction.atomic():
        for key in changed:
            setattr(person, key, changes[key])
        person.save(update_fields=[*changed, "updated_at"])
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="person",
            target_id=person.pk,
            purpose=purpose,
            detail={"fields": changed},
        )
    return person


def import_people(*, by: Any, upload: Upload, purpose: str) -> int:
    """All-or-nothing import: every bad row is reported; nothing is written unless all are good."""
    table = read_table(upload, PEOPLE_SPEC)
    rows, errors = typed_rows(table, PEOPLE_SPEC)
    dongs = {d.code: d for d in Dong.objects.all()}
    allowed = scope_of(by).dong_ids(Can.MANAGE_PEOPLE)
    seen: dict[str, int] = {}
    digests = {r["_row"]: rrn_digest(r["주민등록번호"]) for r in rows if r["주민등록번호"]}
    found = find_duplicates(
        by=by,
        numbers={r["_row"]: r["주민등록번호"] for r in rows if r["주민등록번호"]},
        wanted={r["_row"]: dongs.get(r["행정동코드"] or "") for r in rows},
        source="import",
    )
    for row in rows:
        n = row["_row"]
        code = row["행정동코드"]
        dong = dongs.get(code or "")
        if code is None:
            pass
        elif dong is None:
            errors.append(RowError(n, "행정동코드", value=code[:20], code="import_unknown_dong"))
        elif dong.id not in allowed:
            errors.append(RowError(n, "행정동코드", value=code, code="import_dong_out_of_scope"))
        digest = digests.get(n)
        if digest is None:
            continue
        if n in found.visible:
            errors.append(
                RowError(
                    n,
                    "주민등록번호",
                    code="duplicate_rrn_here",
                    params={"key": found.visible[n].key},
                )
            )
        elif digest in seen:
            errors.append(
                RowError(
                    n, "주민등록번호", code="import_same_rrn_as_row", params={"row": seen[digest]}
                )
            )
        seen.setdefault(digest, n)
    if found.hidden:
        # Which rows is not said: that would tell the user who lives outside their area.
        raise SaramError("registration_refused", row_errors=errors)
    if errors:
        raise rejected(errors, table=table.frame, spec=PEOPLE_SPEC)
    people = []
    for row in rows:
        digits = row["주민등록번호"]
        cipher, digest = seal_rrn(digits)
        people.append(
            Person(
                key=f"P-{uuid.uuid4().hex[:16]}",
                dong=dongs[row["행정동코드"]],
                name=row["이름"],
                birth_date=birth_date_of(digits),
                sex=sex_of(digits),
                rrn_cipher=cipher,
                rrn_hmac=digest,
                address=row["주소"],
                phone=row["전화"] or "",
                lives_alone=bool(row["1인가구"]),
                consent=bool(row["정보활용동의"]),
            )
        )
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=2000)
        audit.record(
            actor=by,
            action=AuditAction.IMPORT,
            target_type="person",
            purpose=purpose,
            detail={"file": upload.filename, "rows": len(people)},
        )
    forget_population()
    return len(people)


EXPORT_HEADERS = (
    "주민번호(내부)",
    "이름",
    "주민등록번호(가림)",
    "생년월일",
    "성별",
    "행정동코드",
    "행정동",
    "주소",
    "전화",
    "1인가구",
)


def export_people(
    *, by: Any, fmt: str, dong: Dong | None = None, query: str = "", purpose: str
) -> BinaryIO:
    """The people the user may see, masked where the full value is not needed, written row by
    row to a temporary file (never the whole list in memory); audited with the count."""
    qs = people_for(by, dong=dong, query=query)
    count = 0

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal count
        for p in qs.iterator(chunk_size=5000):
            count += 1
            yield (
                p.key,
                p.name,
                p.masked_rrn,
                p.birth_date.isoformat(),
                p.get_sex_display(),
                p.dong.code,
                p.dong.name,
                p.address,
                p.phone,
                "Y" if p.lives_alone else "N",
            )

    out = write_table_file(EXPORT_HEADERS, rows(), fmt)
    audit.record(
        actor=by,
        action=AuditAction.EXPORT,
        target_type="person",
        purpose=purpose,
        detail={
            "dong": dong.code if dong else "",
            "query": query,
            "count": count,
            "format": fmt,
        },
    )
    return out


def age_on(birth_date: dt.date, today: dt.date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
