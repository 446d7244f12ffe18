"""The public door: a resident asks for help for themselves or tells about a neighbour, without
logging in. The address is chosen among the city's known addresses (so the dong and, where
possible, the resident are found), a receipt number lets them see that it was received and
handled, and the dong's officer answers it by a deadline. Nothing is discarded by default.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction, City, Dong, Household, Person
from saram.welfare.models import HelpAbout, HelpOutcome, HelpRequest, HelpRequestStatus
from saram.welfare.services import life_events

# City policy (not law): an officer answers a request within this many days of receipt.
ANSWER_DAYS = 3
# Abuse limits per client address: requests sent, and receipt look-ups.
SEND_LIMIT = (5, 3600)  # 5 an hour
LOOKUP_LIMIT = (30, 3600)
# The challenge must be answered between these many seconds after the page was shown.
CHALLENGE_MIN_SECONDS = 2
CHALLENGE_MAX_SECONDS = 3600
RECEIPT_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I, 2/Z, 5/S, 8/B)
SEARCH_LIMIT = 8
_SALT = "saram.welfare.help-challenge"


@dataclass(frozen=True)
class Place:
    """One search result: a known address (or a whole dong) and its dong."""

    key: str  # "a:<dong id>:<address>" or "d:<dong id>"
    label: str
    dong_name: str


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def search_places(*, city: City, query: str) -> list[Place]:
    """Known addresses and dongs of the city matching `query` (at least two characters):
    building addresses (no unit) of households, then dongs by name."""
    query = query.strip()
    if len(query) < 2:
        return []
    dongs = Dong.objects.filter(city=city)
    found: list[Place] = []
    rows = (
        Household.objects.filter(dong__in=dongs, address__icontains=query)
        .values_list("address", "dong_id", "dong__name")
        .distinct()
        .order_by("address")[:SEARCH_LIMIT]
    )
    for address, dong_id, dong_name in rows:
        found.append(Place(key=f"a:{dong_id}:{address}", label=address, dong_name=dong_name))
    for dong in dongs.filter(name__icontains=query).order_by("name")[:SEARCH_LIMIT]:
        found.append(
            Place(
                key=f"d:{dong.pk}",
                label=str(_("%(dong)s (주소 모름)") % {"dong": dong.name}),
                dong_name=dong.name,
            )
        )
    return found[:SEARCH_LIMIT]


def resolve_place(*, city: City, key: str) -> tuple[Dong, str]:
    """The dong and address a search result stands for; refused unless it is still known."""
    kind, _sep, rest = key.partition(":")
    if kind == "d" and rest.isdigit():
        dong = Dong.objects.filter(city=city, pk=int(rest)).first()
        if dong is not None:
            return dong, ""
    if kind == "a":
        dong_id, _sep, address = rest.partition(":")
        if dong_id.isdigit():
            exists = Household.objects.filter(
                dong_id=int(dong_id), dong__city=city, address=address
            ).exists()
            if exists:
                return Dong.objects.get(pk=int(dong_id)), address
    raise SaramError("help_place_unknown")


def new_challenge(*, now: dt.datetime) -> tuple[str, str]:
    """A small sum to solve (question, signed token); no outside service."""
    a, b = secrets.randbelow(8) + 2, secrets.randbelow(8) + 1
    token = signing.dumps({"sum": a + b, "at": int(now.timestamp())}, salt=_SALT)
    return f"{a} + {b}", token


def check_challenge(*, token: str, answer: str, now: dt.datetime) -> None:
    """Refuse a wrong, reused-too-late or too-fast answer (a bot fills forms in no time)."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise SaramError("help_challenge_wrong") from None
    age = now.timestamp() - int(data.get("at", 0))
    if age < CHALLENGE_MIN_SECONDS:
        raise SaramError("help_too_fast")
    if age > CHALLENGE_MAX_SECONDS:
        raise SaramError("help_challenge_expired")
    if answer.strip() != str(data.get("sum")):
        raise SaramError("help_challenge_wrong")


def _limit(key: str, limit: tuple[int, int]) -> None:
    count, seconds = limit
    cache.add(key, 0, seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        used = 1
    if used > count:
        raise SaramError("help_rate_limited")


def limit_lookups(client: str) -> None:
    """Receipt look-ups per client address are limited (receipts cannot be guessed in bulk)."""
    _limit(f"help-lookup:{client}", LOOKUP_LIMIT)


def _receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _match(dong: Dong, address: str, name: str) -> Person | None:
    """The one resident at that address with that name, if exactly one."""
    if not address or not name.strip():
        return None
    people = list(
        Person.objects.filter(dong=dong, household__address=address, name=name.strip())[:2]
    )
    return people[0] if len(people) == 1 else None


def submit_request(
    *,
    city: City,
    place_key: str,
    address_detail: str = "",
    about: str,
    name: str = "",
    contact: str = "",
    description: str,
    consent: bool,
    client: str,
    now: dt.datetime,
) -> HelpRequest:
    """Receive a request from the public door; it lands in the dong's queue with a deadline,
    matched to a resident when exactly one fits."""
    if about not in HelpAbout.values:
        raise SaramError("help_about_required")
    if not consent:
        raise SaramError("help_consent_required")
    if not description.strip():
        raise SaramError("help_description_required")
    dong, address = resolve_place(city=city, key=place_key)
    _limit(f"help-send:{client}", SEND_LIMIT)
    today = timezone.localtime(now).date()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                request = HelpRequest.objects.create(
                    receipt=_receipt(),
                    dong=dong,
                    household=Household.objects.filter(dong=dong, address=address).first()
                    if address
                    else None,
                    address=address or dong.name,
                    address_detail=address_detail.strip()[:100],
                    about=about,
                    name=name.strip()[:50],
                    contact=re.sub(r"[^0-9-]", "", contact)[:20],
                    description=description.strip()[:2000],
                    consented_at=now,
                    received_at=now,
                    due_on=today + dt.timedelta(days=ANSWER_DAYS),
                    person=_match(dong, address, name),
                )
                audit.record(
                    actor=None,
                    action=AuditAction.CREATE,
                    target_type="welfare_help_request",
                    target_id=request.pk,
                    purpose=str(_("도움 요청 접수")),
                    detail={"dong": dong.pk, "matched": request.person_id is not None},
                )
            return request
        except IntegrityError:  # a receipt drawn twice: draw again
            continue
    raise SaramError("help_try_again")


def status_of(*, receipt: str) -> HelpRequest | None:
    """The request with that receipt number (for its status page only)."""
    receipt = receipt.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", receipt):
        return None
    return HelpRequest.objects.filter(receipt=receipt).first()


def link_person(
    *, by: Any, request: HelpRequest, person: Person | None, now: dt.datetime
) -> HelpRequest:
    """An officer links the request to a resident of its dong (or unlinks it)."""
    if request.dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("help_forbidden")
    if person is not None and person.dong_id != request.dong_id:
        raise SaramError("help_other_dong")
    request.person = person
    request.save(update_fields=["person"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target_type="welfare_help_request",
        target_id=request.pk,
        purpose=str(_("도움 요청 주민 연결")),
        detail={"person": person.pk if person else None},
    )
    return request


def answer_request(
    *,
    by: Any,
    request: HelpRequest,
    outcome: str,
    answer: str,
    now: dt.datetime,
    moved_to: Dong | None = None,
    new_address: str = "",
) -> HelpRequest:
    """The officer records what was done; the requester's status page then says 'handled'.
    A move found while handling it opens the transfer to `moved_to` (or the officer's task to
    find the new dong) for the linked resident."""
    if request.dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("help_forbidden")
    if outcome not in HelpOutcome.values:
        raise SaramError("help_outcome_required")
    if not answer.strip():
        raise SaramError("help_answer_required")
    if outcome == HelpOutcome.MOVED and request.person_id is None:
        raise SaramError("help_move_needs_person")
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == HelpRequestStatus.HANDLED:
            raise SaramError("help_already_handled")
        locked.status = HelpRequestStatus.HANDLED
        locked.outcome = outcome
        locked.answer = answer.strip()[:500]
        locked.handled_by = by
        locked.handled_at = now
        locked.save()
        if outcome == HelpOutcome.MOVED and locked.person_id is not None:
            life_events.move_learned(
                by=by,
                person=Person.objects.select_related("dong__gu").get(pk=locked.person_id),
                to_dong=moved_to,
                new_address=new_address,
                help_request=locked,
                note=locked.answer,
                now=now,
            )
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="welfare_help_request",
            target_id=locked.pk,
            purpose=str(_("도움 요청 처리")),
            detail={"outcome": outcome},
        )
    request.refresh_from_db()
    return request
