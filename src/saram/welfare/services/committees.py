"""The dong welfare committees: their member organisations and members, meetings with minutes
and decisions. Set up by the city administrator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import Dong, Organisation, Person
from saram.welfare.models import Committee, CommitteeMember, Decision, Meeting, MemberRole


def require_admin(user: Any) -> None:
    """Refuse anyone but the city administrator."""
    if not scope_of(user).can(Can.CONFIGURE):
        raise SaramError("forbidden", _("복지위원회는 시청 관리자가 구성합니다."))


def ensure_committee(
    *, by: Any, dong: Dong, name: str = "", founded_on: dt.date | None = None
) -> Committee:
    """The dong's committee, created (or renamed) as given."""
    require_admin(by)
    committee, created = Committee.objects.get_or_create(
        dong=dong,
        defaults={"name": name.strip() or f"{dong.name} 복지위원회", "founded_on": founded_on},
    )
    if not created and (name.strip() or founded_on):
        committee.name = name.strip() or committee.name
        committee.founded_on = founded_on or committee.founded_on
        committee.save()
    return committee


def add_member(
    *,
    by: Any,
    committee: Committee,
    name: str,
    role: str = MemberRole.MEMBER,
    organisation: Organisation | None = None,
    user: Any = None,
    person: Person | None = None,
    phone: str = "",
    joined_on: dt.date,
) -> CommitteeMember:
    """Appoint a member. A login, when given, must hold the committee-member role over the dong
    (so that visits can be given to them); their own resident record keeps their household
    off their lists."""
    require_admin(by)
    if role not in MemberRole.values:
        raise SaramError("bad_role", _("직책을 골라 주세요."))
    if not name.strip():
        raise SaramError("name_required", _("이름을 적어 주세요."))
    if user is not None and committee.dong_id not in scope_of(user).dong_ids(Can.VISIT_ASSIGNED):
        raise SaramError(
            "bad_user",
            _("이 계정은 %(dong)s 복지위원 역할이 없습니다.") % {"dong": committee.dong.name},
        )
    try:
        with transaction.atomic():
            return CommitteeMember.objects.create(
                committee=committee,
                name=name.strip()[:50],
                role=role,
                organisation=organisation,
                user=user,
                person=person,
                phone=phone.strip()[:20],
                joined_on=joined_on,
            )
    except IntegrityError:
        raise SaramError("duplicate_user", _("이 계정은 이미 위원으로 등록돼 있습니다.")) from None


def end_membership(*, by: Any, member: CommitteeMember, left_on: dt.date) -> CommitteeMember:
    """A member leaves; their open visits stay with them until an officer reassigns them."""
    require_admin(by)
    if left_on < member.joined_on:
        raise SaramError("bad_date", _("해촉일은 위촉일보다 빠를 수 없습니다."))
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    return member


def record_meeting(
    *,
    by: Any,
    committee: Committee,
    held_on: dt.date,
    place: str = "",
    minutes: str = "",
    attendees: Sequence[CommitteeMember] = (),
    decisions: Sequence[str] = (),
) -> Meeting:
    """Record a meeting with its minutes, who attended and what was decided."""
    scope = scope_of(by)
    if not (scope.can(Can.CONFIGURE) or committee.dong_id in scope.dong_ids(Can.MANAGE_PEOPLE)):
        raise SaramError("forbidden", _("회의를 기록할 권한이 없습니다."))
    strangers = [m for m in attendees if m.committee_id != committee.pk]
    if strangers:
        raise SaramError("bad_attendee", _("다른 위원회의 위원입니다."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            committee=committee,
            held_on=held_on,
            place=place.strip()[:200],
            minutes=minutes.strip(),
            created_by=by,
        )
        meeting.attendees.set(attendees)
        Decision.objects.bulk_create(
            Decision(meeting=meeting, text=text.strip()[:500]) for text in decisions if text.strip()
        )
    return meeting
