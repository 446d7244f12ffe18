"""Consent (개인정보 수집·이용 동의, 제3자 제공 동의): recorded with its scope, date and how it
was given (a signed form, scanned; or verbal, with a witness), withdrawable, and checked before a
referral shares a person's data.

Where the law lets the dong work without consent, the basis is data with its source, shown on the
page: finding people in crisis is a duty of the 시장·군수·구청장 (사회보장급여법 제7조), and the
information they may gather for it is set out in 제12조; 개인정보 보호법 제15조제1항제2호·제3호
allow collection and use where a law requires it. Sharing with a private provider (a referral)
is not covered, so it needs the person's 제3자 제공 동의.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction, Person
from saram.welfare.models import Consent, ConsentKind, ConsentMethod

MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}


@dataclass(frozen=True)
class LegalBasis:
    """A provision that allows work without the person's consent; layer 'law'."""

    law: Promise
    article: Promise
    allows: Promise
    checked_on: dt.date  # the day the text was read against the statute
    is_certain: bool  # False: the page says the reading is to be confirmed


WITHOUT_CONSENT: tuple[LegalBasis, ...] = (
    LegalBasis(
        law=_("사회보장급여의 이용·제공 및 수급권자 발굴에 관한 법률"),
        article=_("제7조 (수급권자 등의 발굴), 제12조 (자료 또는 정보의 제공 요청)"),
        allows=_("위기가구를 찾아 상담하고 필요한 정보를 모으는 일 (발굴 의무)"),
        checked_on=dt.date(2025, 6, 1),
        is_certain=False,
    ),
    LegalBasis(
        law=_("개인정보 보호법"),
        article=_("제15조제1항제2호·제3호"),
        allows=_("법률에 특별한 규정이 있거나 법령상 의무를 지키려고 개인정보를 모으고 쓰는 일"),
        checked_on=dt.date(2025, 6, 1),
        is_certain=False,
    ),
)


def _require_officer(by: Any, person: Person) -> None:
    if person.dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("consent_forbidden")


def _audit(by: Any, consent: Consent, action: str, purpose: Any, **detail: Any) -> None:
    audit.record(
        actor=by,
        action=action,
        target_type="person",
        target_id=consent.person_id,
        purpose=str(purpose),
        detail={"consent": consent.pk, "kind": consent.kind, **detail},
    )


def record_consent(
    *,
    by: Any,
    person: Person,
    kind: str,
    scope: str,
    given_on: dt.date,
    method: str,
    witness: str = "",
    scan: UploadedFile | None = None,
    now: dt.datetime,
) -> Consent:
    """Record a consent: a signed form needs its scan (PDF or image), a verbal consent the
    name of its witness; never dated in the future."""
    _require_officer(by, person)
    if kind not in ConsentKind.values:
        raise SaramError("consent_bad_kind")
    if method not in ConsentMethod.values:
        raise SaramError("consent_bad_method")
    if not scope.strip():
        raise SaramError("consent_scope_required")
    if given_on > timezone.localtime(now).date():
        raise SaramError("consent_in_future")
    if method == ConsentMethod.VERBAL and not witness.strip():
        raise SaramError("consent_witness_required")
    if method == ConsentMethod.SIGNED:
        if scan is None:
            raise SaramError("consent_scan_required")
        name = (scan.name or "").lower()
        if not any(name.endswith(ext) for ext in SCAN_TYPES):
            raise SaramError("consent_scan_type")
        if (scan.size or 0) > MAX_SCAN_BYTES:
            raise SaramError("consent_scan_too_large", mb=MAX_SCAN_BYTES // (1024 * 1024))
    with transaction.atomic():
        consent = Consent(
            person=person,
            kind=kind,
            scope=scope.strip()[:300],
            given_on=given_on,
            method=method,
            witness=witness.strip()[:50] if method == ConsentMethod.VERBAL else "",
            recorded_by=by,
            recorded_at=now,
        )
        if method == ConsentMethod.SIGNED and scan is not None:
            suffix = next(ext for ext in SCAN_TYPES if (scan.name or "").lower().endswith(ext))
            # The stored name carries no personal data: the person's id and the consent kind.
            consent.scan.save(f"consent-{person.pk}-{kind}{suffix}", scan, save=False)
        consent.save()
        _audit(by, consent, AuditAction.CREATE, _("동의 기록"), method=method)
    return consent


def withdraw_consent(*, by: Any, consent: Consent, on: dt.date, note: str = "") -> Consent:
    """The person withdraws a consent from `on`; referrals already sent stay on record, new
    ones are refused."""
    _require_officer(by, consent.person)
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_on is not None:
            raise SaramError("consent_already_withdrawn")
        if on < locked.given_on:
            raise SaramError("consent_withdrawn_before_given")
        locked.withdrawn_on = on
        locked.withdrawn_by = by
        locked.withdrawal_note = note.strip()[:300]
        locked.save()
        _audit(by, locked, AuditAction.UPDATE, _("동의 철회"), on=str(on))
    consent.refresh_from_db()
    return consent


def active_consent(*, person_id: int, kind: str, today: dt.date) -> Consent | None:
    """The person's consent of `kind` in force today, if any."""
    return (
        Consent.objects.filter(
            person_id=person_id, kind=kind, given_on__lte=today, withdrawn_on__isnull=True
        )
        .order_by("-given_on", "-id")
        .first()
    )


def require_sharing_consent(*, person_id: int, today: dt.date) -> Consent:
    """The active 제3자 제공 동의 a referral relies on; refused (with what is missing) when
    there is none. Call inside the referral's transaction."""
    consent = (
        Consent.objects.select_for_update()
        .filter(
            person_id=person_id,
            kind=ConsentKind.THIRD_PARTY,
            given_on__lte=today,
            withdrawn_on__isnull=True,
        )
        .order_by("-given_on", "-id")
        .first()
    )
    if consent is None:
        raise SaramError("consent_required_for_referral")
    return consent
