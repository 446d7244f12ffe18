"""The dong welfare committees: their member organisations and members, meetings with minutes
and decisions. Set up by the city administrator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import Dong, Organisation, Person
from saram.welfare.models import Committee, CommitteeMember, Decision, Meeting, MemberRole


def require_admin(user: Any) -> None:
    """Refuse anyone but the city administrator."""
    if not scope_of(user).can(Can.CONFIGURE):
        raise SaramError("committee_forbidden")


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
        raise SaramError("member_bad_role")
    if not name.strip():
        raise SaramError("member_name_required")
    if user is not None and committee.dong_id not in scope_of(user).dong_ids(Can.VISIT_ASSIGNED):
        raise SaramError("member_bad_user", dong=committee.dong.name)
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
        raise SaramError("member_duplicate_user") from None


def end_membership(*, by: Any, member: CommitteeMember, left_on: dt.date) -> CommitteeMember:
    """A member leaves; their open visits stay with them until an officer reassigns them."""
    require_admin(by)
    if left_on < member.joined_on:
        raise SaramError("member_bad_end_date")
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
        raise SaramError("meeting_forbidden")
    strangers = [m for m in attendees if m.committee_id != committee.pk]
    if strangers:
        raise SaramError("meeting_bad_attendee")
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
