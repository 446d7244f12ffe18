"""긴급: a visitor raises an alarm about a person with one tap; the dong's officers hear of it at
once (their page and an e-mail); an officer records the step taken; an alert nobody answers
climbs to the team lead (팀장) and then the city on the city's timetable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import override

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction, City, Dong, Role, RoleAssignment
from saram.welfare.models import (
    Alert,
    AlertLevel,
    AlertReason,
    AlertStep,
    Assignment,
    DongSettings,
    EscalationPolicy,
)


def policy_for(city: City) -> EscalationPolicy:
    """The city's escalation timetable; the defaults (1 hour, 4 hours) until it sets its own."""
    found = EscalationPolicy.objects.filter(city=city).first()
    if found is not None:
        return found
    return EscalationPolicy.objects.get_or_create(
        city=city, defaults={"source": _("기본값: 1시간 뒤 팀장, 4시간 뒤 시청")}
    )[0]


def set_policy(
    *, by: Any, city: City, team_lead_after_minutes: int, city_after_minutes: int, source: str
) -> EscalationPolicy:
    """The city sets its timetable (administrator only)."""
    if not scope_of(by).can(Can.CONFIGURE):
        raise SaramError("welfare_config_forbidden")
    if not 1 <= team_lead_after_minutes < city_after_minutes:
        raise SaramError(
            "bad_escalation_minutes", lead=team_lead_after_minutes, city=city_after_minutes
        )
    policy = policy_for(city)
    policy.team_lead_after_minutes = team_lead_after_minutes
    policy.city_after_minutes = city_after_minutes
    policy.source = source.strip()[:200]
    policy.updated_by = by
    policy.save()
    return policy


def _officers(dong: Dong) -> list[Any]:
    ids = (
        RoleAssignment.objects.filter(role=Role.WELFARE_OFFICER)
        .filter(Q(dong=dong) | Q(gu_id=dong.gu_id) | Q(city_id=dong.gu.city_id))
        .values_list("user_id", flat=True)
    )
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


# The team lead's role (맞춤형복지팀장), by its stored value: the dong's own setting names a
# lead where nobody holds the role.
SUPERVISOR_ROLE = "welfare_supervisor"


def _supervisors(dong: Dong) -> list[Any]:
    ids = (
        RoleAssignment.objects.filter(role=SUPERVISOR_ROLE)
        .filter(Q(dong=dong) | Q(gu_id=dong.gu_id) | Q(city_id=dong.gu.city_id))
        .values_list("user_id", flat=True)
    )
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def _city_admins(dong: Dong) -> list[Any]:
    ids = RoleAssignment.objects.filter(role=Role.CITY_ADMIN, city_id=dong.gu.city_id).values_list(
        "user_id", flat=True
    )
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def recipients(alert: Alert, level: str) -> list[Any]:
    """Who hears of an alert at a level: the dong's officers, its team lead, the city."""
    dong = alert.dong
    if level == AlertLevel.OFFICER:
        return _officers(dong)
    if level == AlertLevel.TEAM_LEAD:
        leads = _supervisors(dong)
        lead = (
            DongSettings.objects.filter(dong=dong, team_lead__is_active=True)
            .values_list("team_lead", flat=True)
            .first()
        )
        if lead is not None:
            leads += list(
                get_user_model().objects.filter(pk=lead).exclude(pk__in=[u.pk for u in leads])
            )
        return leads or _officers(dong)
    return _city_admins(dong)


def _mail(alert: Alert, users: Iterable[Any]) -> int:
    """One short e-mail per recipient; it names no person (the page shows who, after login)."""
    messages = []
    with override("ko"):
        subject = _("[사람] 긴급 알림: %(dong)s") % {"dong": alert.dong.name}
        body = _(
            "%(dong)s에서 긴급 알림이 왔습니다 (%(reason)s, %(level)s 단계). "
            "사람에 로그인해 긴급 알림 화면에서 조치를 기록해 주세요. 알림 번호: %(pk)s"
        ) % {
            "dong": alert.dong.name,
            "reason": alert.get_reason_display(),
            "level": alert.get_level_display(),
            "pk": alert.pk,
        }
    for user in users:
        if user.email:
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    return send_mass_mail(messages, fail_silently=True) if messages else 0


def raise_alert(
    *, by: Any, assignment: Assignment, reason: str, note: str = "", now: dt.datetime
) -> Alert:
    """A visitor (or an officer) raises 긴급 about the person of an assignment given to them;
    the dong's officers are alerted at once."""
    if reason not in AlertReason.values or reason == AlertReason.NOT_HOME_TWICE:
        raise SaramError("bad_alert_reason")
    scope = scope_of(by)
    is_visitor = assignment.assignee_id == by.pk and assignment.dong_id in (
        scope.dong_ids(Can.VISIT_ASSIGNED) | scope.dong_ids(Can.MANAGE_PEOPLE)
    )
    if not (is_visitor or assignment.dong_id in scope.dong_ids(Can.MANAGE_PEOPLE)):
        raise SaramError("alert_not_yours")
    if assignment.status != "open":
        raise SaramError("alert_not_yours")
    return _raise(assignment=assignment, by=by, reason=reason, note=note, now=now)


def _raise(*, assignment: Assignment, by: Any, reason: str, note: str, now: dt.datetime) -> Alert:
    with transaction.atomic():
        alert = Alert.objects.create(
            dong_id=assignment.dong_id,
            person_id=assignment.person_id,
            assignment=assignment,
            raised_by=by,
            raised_at=now,
            reason=reason,
            note=note.strip()[:300],
            level=AlertLevel.OFFICER,
            level_since=now,
        )
        Assignment.objects.filter(pk=assignment.pk).update(is_urgent=True)
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="welfare_alert",
            target_id=alert.pk,
            purpose=_("긴급 알림"),
            detail={"person": assignment.person_id, "reason": reason},
        )
        transaction.on_commit(lambda: _mail(alert, recipients(alert, AlertLevel.OFFICER)))
    return alert


def raise_automatic(*, assignment: Assignment, reason: str, now: dt.datetime) -> Alert | None:
    """The system's own alert (a high-risk person not at home twice), once per assignment."""
    if Alert.objects.filter(assignment=assignment, reason=reason).exists():
        return None
    return _raise(assignment=assignment, by=None, reason=reason, note="", now=now)


def answer_alert(*, by: Any, alert: Alert, step: str, note: str = "", now: dt.datetime) -> Alert:
    """An officer of the dong (or the team lead or city it climbed to) records the step taken."""
    scope = scope_of(by)
    may = alert.dong_id in scope.dong_ids(Can.MANAGE_PEOPLE) or (
        alert.level == AlertLevel.CITY and scope.can(Can.CONFIGURE)
    )
    if not may:
        raise SaramError("alert_forbidden")
    if step not in AlertStep.values or step == AlertStep.DIED:
        raise SaramError("bad_alert_step")
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.answered_at is not None:
            raise SaramError("alert_answered")
        locked.answered_at = now
        locked.answered_by = by
        locked.step = step
        locked.step_note = note.strip()[:300]
        locked.save(update_fields=["answered_at", "answered_by", "step", "step_note"])
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="welfare_alert",
            target_id=alert.pk,
            purpose=_("긴급 알림 조치"),
            detail={"step": step},
        )
    return locked


def close_for_death(*, by: Any, person_id: int, now: dt.datetime) -> int:
    """The person's death is recorded: each open alert about them ends with that reason (so it
    climbs no further). Runs inside the death's transaction; returns the alerts closed."""
    ids = list(
        Alert.objects.select_for_update()
        .filter(person_id=person_id, answered_at__isnull=True)
        .values_list("id", flat=True)
    )
    Alert.objects.filter(pk__in=ids).update(
        answered_at=now, answered_by=by, step=AlertStep.DIED, step_note=""
    )
    for alert_id in ids:
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="welfare_alert",
            target_id=alert_id,
            purpose=_("사망 기록으로 긴급 알림 종결"),
            detail={"step": AlertStep.DIED.value},
        )
    return len(ids)


def escalate_alerts(*, now: dt.datetime) -> int:
    """Move every unanswered alert one level up once its level's time is over: officer → team
    lead after the city's first delay, team lead → city after the second (both counted from
    when the alert was raised). Each move e-mails the new level. Returns the moves made."""
    moved = 0
    open_alerts = Alert.objects.filter(answered_at__isnull=True).exclude(level=AlertLevel.CITY)
    for alert in open_alerts.select_related("dong__city").order_by("raised_at", "id"):
        policy = policy_for(alert.dong.city)
        waited = now - alert.raised_at
        target = alert.level
        if waited >= dt.timedelta(minutes=policy.city_after_minutes):
            target = AlertLevel.CITY
        elif waited >= dt.timedelta(minutes=policy.team_lead_after_minutes):
            target = AlertLevel.TEAM_LEAD
        if target == alert.level:
            continue
        with transaction.atomic():
            updated = Alert.objects.filter(
                pk=alert.pk, answered_at__isnull=True, level=alert.level
            ).update(level=target, level_since=now)
            if not updated:
                continue
            alert.level = target
            audit.record(
                actor=None,
                action=AuditAction.UPDATE,
                target_type="welfare_alert",
                target_id=alert.pk,
                purpose=_("긴급 알림 상향"),
                detail={"level": target},
            )
        _mail(alert, recipients(alert, target))
        moved += 1
    return moved
