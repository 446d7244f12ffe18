"""Registering, importing and exporting residents; every change and export is audited."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.engine.identity import InvalidRrn, RrnProblem, birth_date_of, normalize_rrn, sex_of
from saram.core.errors import RowError, SaramError
from saram.core.models import AuditAction, Dong, Person
from saram.core.personal_data import rrn_digest, seal_rrn
from saram.core.selectors import forget_population, people_for
from saram.core.services.exports import write_table
from saram.core.services.tabular import CellError, Column, parse_rows, rejected

_RRN_TEXT = {
    RrnProblem.FORMAT: "주민등록번호는 13자리 숫자(예: 900101-1234567)여야 합니다.",
    RrnProblem.DATE: "주민등록번호 앞 6자리가 올바른 생년월일이 아닙니다.",
    RrnProblem.CHECKSUM: "주민등록번호 검증 숫자(마지막 자리)가 맞지 않습니다.",
}


def parse_rrn(text: str) -> str:
    try:
        return normalize_rrn(text)
    except InvalidRrn as exc:
        raise CellError(_(_RRN_TEXT[exc.problem])) from None


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"y", "yes", "true", "1", "예", "o", "네"}:
        return True
    if value in {"n", "no", "false", "0", "아니오", "x", "아니요"}:
        return False
    raise CellError(_("예 또는 아니오(Y/N)로 적어 주세요."))


PEOPLE_COLUMNS = (
    Column("주민등록번호", parse_rrn),
    Column("이름"),
    Column("행정동코드"),
    Column("주소"),
    Column("전화", required=False),
    Column("1인가구", parse_bool, required=False),
    Column("정보활용동의", parse_bool, required=False),
)


def _require_dong(user: Any, dong: Dong) -> None:
    if dong.id not in scope_of(user).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError(
            "out_of_scope", _("%(dong)s 주민을 등록할 권한이 없습니다.") % {"dong": dong.name}
        )


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
    digits = parse_rrn(rrn)
    if Person.objects.filter(rrn_hmac=rrn_digest(digits)).exists():
        raise SaramError("duplicate_rrn", _("이미 등록된 주민등록번호입니다."))
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
        raise SaramError(
            "bad_field", _("바꿀 수 없는 항목입니다: %(f)s") % {"f": ", ".join(unknown)}
        )
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


def import_people(*, by: Any, raw: bytes, filename: str, purpose: str) -> int:
    """All-or-nothing import: every bad row is reported; nothing is written unless all are good."""
    rows, errors = parse_rows(raw, filename, PEOPLE_COLUMNS)
    dongs = {d.code: d for d in Dong.objects.all()}
    allowed = scope_of(by).dong_ids(Can.MANAGE_PEOPLE)
    seen: dict[str, int] = {}
    digests = {r["_row"]: rrn_digest(r["주민등록번호"]) for r in rows if r["주민등록번호"]}
    existing = set(
        Person.objects.filter(rrn_hmac__in=list(digests.values())).values_list(
            "rrn_hmac", flat=True
        )
    )
    for row in rows:
        n = row["_row"]
        dong = dongs.get(row["행정동코드"] or "")
        if row["행정동코드"] is None:
            pass
        elif dong is None:
            errors.append(
                RowError(n, "행정동코드", _("알 수 없는 행정동코드입니다."), row["행정동코드"])
            )
        elif dong.id not in allowed:
            errors.append(
                RowError(
                    n,
                    "행정동코드",
                    _("이 행정동의 주민을 등록할 권한이 없습니다."),
                    row["행정동코드"],
                )
            )
        digest = digests.get(n)
        if digest is None:
            continue
        if digest in existing:
            errors.append(RowError(n, "주민등록번호", _("이미 등록된 주민등록번호입니다.")))
        elif digest in seen:
            errors.append(
                RowError(
                    n,
                    "주민등록번호",
                    _("%(row)s행과 같은 주민등록번호입니다.") % {"row": seen[digest]},
                )
            )
        seen.setdefault(digest, n)
    if errors:
        raise rejected(errors)
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
            detail={"file": filename, "rows": len(people)},
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
