"""Registering, importing and exporting residents; every change and export is audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from typing import Any

from django.db import transaction

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.engine.identity import InvalidRrn, RrnProblem, birth_date_of, normalize_rrn, sex_of
from saram.core.engine.tabular import Limits
from saram.core.errors import RowError, SaramError
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
from saram.core.models import AuditAction, Dong, Person
from saram.core.personal_data import rrn_digest, seal_rrn
from saram.core.selectors import forget_population, people_for
from saram.core.services.tabular import write_table

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
    if registered_rrns(by=by, digests=[rrn_digest(digits)]):
        raise SaramError("import_duplicate_rrn")
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
    existing = registered_rrns(by=by, digests=digests.values())
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
        if digest in existing:
            errors.append(RowError(n, "주민등록번호", code="import_duplicate_rrn"))
        elif digest in seen:
            errors.append(
                RowError(
                    n, "주민등록번호", code="import_same_rrn_as_row", params={"row": seen[digest]}
                )
            )
        seen.setdefault(digest, n)
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
) -> bytes:
    """The people the user may see, masked where the full value is not needed; audited."""
    qs = people_for(by, dong=dong, query=query)
    rows = [
        (
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
        for p in qs.iterator(chunk_size=5000)
    ]
    audit.record(
        actor=by,
        action=AuditAction.EXPORT,
        target_type="person",
        purpose=purpose,
        detail={
            "dong": dong.code if dong else "",
            "query": query,
            "count": len(rows),
            "format": fmt,
        },
    )
    return write_table(EXPORT_HEADERS, rows, fmt)


def age_on(birth_date: dt.date, today: dt.date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
