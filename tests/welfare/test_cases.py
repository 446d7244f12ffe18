"""Cases: one open case per person and programme, needs, a plan, notes for workers only, closure."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import IntegrityError, connections, transaction

from saram.core.errors import SaramError
from saram.core.models import AuditEntry
from saram.welfare.models import Case
from saram.welfare.selectors import case_notes_for
from saram.welfare.services import cases, referrals

from .conftest import NOW, TODAY


def test_opening_a_case_records_its_needs_and_its_first_worker(
    officer: Any, make_person: Any
) -> None:
    case = cases.open_case(
        by=officer,
        person=make_person(),
        programme="integrated",
        needs=[("income", "생계비"), ("housing", "")],
        now=NOW,
    )
    assert [n.category for n in case.needs.all()] == ["income", "housing"]
    assert list(case.workers.all()) == [officer]
    assert AuditEntry.objects.filter(target_type="welfare_case", target_id=str(case.pk)).exists()


def test_a_second_open_case_of_the_same_programme_is_refused(
    officer: Any, make_person: Any
) -> None:
    person = make_person()
    first = cases.open_case(by=officer, person=person, programme="integrated", now=NOW)
    with pytest.raises(SaramError) as caught:
        cases.open_case(by=officer, person=person, programme="integrated", now=NOW)
    assert caught.value.code == "case_already_open"
    cases.open_case(by=officer, person=person, programme="emergency", now=NOW)  # another programme
    Case.objects.filter(pk=first.pk).update(closed_at=NOW, closure_reason="resolved")
    cases.open_case(by=officer, person=person, programme="integrated", now=NOW)  # after closing
    assert Case.objects.filter(person=person, closed_at__isnull=True).count() == 2


def test_the_database_itself_refuses_two_open_cases(officer: Any, make_person: Any) -> None:
    person = make_person()
    Case.objects.create(
        person=person, dong=person.dong, programme="simple", opened_by=officer, opened_at=NOW
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            person=person, dong=person.dong, programme="simple", opened_by=officer, opened_at=NOW
        )


@pytest.mark.django_db(transaction=True)
def test_two_officers_opening_the_same_case_at_once_make_one(
    city: Any, dong: Any, make_user: Any, make_person: Any
) -> None:
    person = make_person(dong)
    officers = [make_user("welfare_officer", dong) for _ in range(4)]
    barrier = threading.Barrier(len(officers))
    outcomes: list[str] = []

    def open_it(officer: Any) -> None:
        try:
            barrier.wait()
            cases.open_case(by=officer, person=person, programme="integrated", now=NOW)
            outcomes.append("opened")
        except SaramError as exc:
            outcomes.append(exc.code)
        except BaseException as exc:  # reported below, in the test thread
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_it, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["case_already_open"] * 3 + ["opened"]
    assert Case.objects.filter(person=person).count() == 1


def test_an_officer_of_another_dong_cannot_open_a_case(
    make_user: Any, other_dong: Any, make_person: Any
) -> None:
    with pytest.raises(SaramError):
        cases.open_case(
            by=make_user("welfare_officer", other_dong),
            person=make_person(),
            programme="simple",
            now=NOW,
        )


def test_a_plan_has_actions_with_owners_and_due_dates(officer: Any, make_person: Any) -> None:
    case = cases.open_case(
        by=officer, person=make_person(), programme="integrated", needs=[("food", "")], now=NOW
    )
    need = case.needs.get()
    step = cases.add_action(
        by=officer,
        case=case,
        action="푸드뱅크 연결",
        due_on=TODAY + dt.timedelta(days=7),
        owner_name="전주푸드뱅크",
        need=need,
    )
    mine = cases.add_action(
        by=officer, case=case, action="주거급여 신청 안내", due_on=TODAY, owner=officer
    )
    with pytest.raises(SaramError) as caught:
        cases.add_action(by=officer, case=case, action="누가?", due_on=TODAY)
    assert caught.value.code == "plan_owner_required"
    cases.complete_action(by=officer, step=step, now=NOW)
    step.refresh_from_db()
    assert step.done_at == NOW and mine.owner == officer and step.need == need


def test_case_notes_are_for_the_cases_workers_only(
    officer: Any, make_user: Any, dong: Any, make_person: Any
) -> None:
    colleague = make_user("welfare_officer", dong)
    case = cases.open_case(by=officer, person=make_person(), programme="integrated", now=NOW)
    cases.add_note(by=officer, case=case, text="가정 폭력 의심: 민감", now=NOW)

    assert [n.text for n in case_notes_for(officer, case)] == ["가정 폭력 의심: 민감"]
    assert not case_notes_for(colleague, case).exists()
    with pytest.raises(SaramError) as caught:
        cases.add_note(by=colleague, case=case, text="x", now=NOW)
    assert caught.value.code == "case_not_worker"

    cases.add_worker(by=officer, case=case, worker=colleague)
    assert case_notes_for(colleague, case).count() == 1


@pytest.fixture
def lead(make_user: Any, dong: Any) -> Any:
    """The dong's 맞춤형복지팀장."""
    return make_user("welfare_supervisor", dong, first_name="박팀장")


@pytest.fixture
def food(city: Any, make_user: Any) -> Any:
    return referrals.save_resource(
        by=make_user("city_admin"),
        city=city,
        name="푸드뱅크",
        kind="local",
        provider="전주푸드뱅크",
        needs=["food"],
    )


def _through_the_plan(officer: Any, lead: Any, case: Any) -> None:
    cases.assess(by=officer, case=case, needs=[("food", "끼니를 거름")], now=NOW)
    cases.hold_conference(
        by=officer,
        case=case,
        held_on=TODAY,
        attendees="김주무관, 박팀장, 복지관 사례관리자",
        decisions="푸드뱅크 연계, 2주 뒤 점검",
        now=NOW,
    )
    cases.add_action(
        by=officer, case=case, action="푸드뱅크 연계", due_on=TODAY, owner_name="푸드뱅크"
    )
    approval = cases.request_plan_approval(by=officer, case=case, now=NOW)
    cases.decide(by=lead, approval=approval, approve=True, now=NOW)
    case.refresh_from_db()


def test_the_steps_of_case_work_in_order(officer: Any, lead: Any, make_person: Any) -> None:
    case = cases.open_case(
        by=officer, person=make_person(), programme="integrated", intake_note="전화 상담", now=NOW
    )
    assert case.stage == "intake"
    with pytest.raises(SaramError) as caught:
        cases.hold_conference(
            by=officer, case=case, held_on=TODAY, attendees="a", decisions="b", now=NOW
        )
    assert caught.value.code == "assessment_first"
    with pytest.raises(SaramError) as caught:
        cases.request_plan_approval(by=officer, case=case, now=NOW)
    assert caught.value.code == "conference_first"
    _through_the_plan(officer, lead, case)
    assert case.stage == "services" and case.plan_approved_by == lead
    assert case.conferences.get().attendees.startswith("김주무관")


def test_assessment_is_prefilled_with_what_the_visit_found(officer: Any, make_person: Any) -> None:
    from saram.welfare.models import Visit

    person = make_person()
    visit = Visit.objects.create(
        person=person,
        dong=person.dong,
        visitor=officer,
        visited_at=NOW,
        outcome="met",
        needs=["food", "health"],
    )
    case = cases.open_case(
        by=officer,
        person=person,
        programme="integrated",
        needs=[("food", "")],
        visit=visit,
        now=NOW,
    )
    assert cases.prefilled_needs(case) == ["health"]


def test_only_the_team_lead_approves(officer: Any, lead: Any, make_person: Any) -> None:
    case = cases.open_case(by=officer, person=make_person(), programme="integrated", now=NOW)
    cases.assess(by=officer, case=case, needs=[("food", "")], now=NOW)
    cases.hold_conference(
        by=officer, case=case, held_on=TODAY, attendees="a, b", decisions="c", now=NOW
    )
    cases.add_action(by=officer, case=case, action="x", due_on=TODAY, owner=officer)
    approval = cases.request_plan_approval(by=officer, case=case, now=NOW)
    with pytest.raises(SaramError) as caught:
        cases.decide(by=officer, approval=approval, approve=True, now=NOW)
    assert caught.value.code == "not_supervisor"
    with pytest.raises(SaramError) as caught:
        cases.request_plan_approval(by=officer, case=case, now=NOW)
    assert caught.value.code == "approval_pending"
    with pytest.raises(SaramError) as caught:
        cases.decide(by=lead, approval=approval, approve=False, now=NOW)
    assert caught.value.code == "rejection_reason_required"
    cases.decide(by=lead, approval=approval, approve=False, note="계획 보완", now=NOW)
    case.refresh_from_db()
    assert case.plan_approved_at is None and approval.status == "rejected"


def test_a_lead_of_another_dong_cannot_approve(
    officer: Any, make_user: Any, other_dong: Any, make_person: Any
) -> None:
    case = cases.open_case(by=officer, person=make_person(), programme="integrated", now=NOW)
    approval = cases.request_closure(by=officer, case=case, reason="resolved", now=NOW)
    with pytest.raises(SaramError) as caught:
        cases.decide(
            by=make_user("welfare_supervisor", other_dong), approval=approval, approve=True, now=NOW
        )
    assert caught.value.code == "not_supervisor"
    case.refresh_from_db()
    assert case.is_open


def test_closure_is_refused_while_needs_are_open_and_allowed_with_approval(
    officer: Any, lead: Any, make_person: Any
) -> None:
    case = cases.open_case(
        by=officer, person=make_person(), programme="integrated", needs=[("food", "")], now=NOW
    )
    with pytest.raises(SaramError) as caught:
        cases.request_closure(by=officer, case=case, reason="refused", now=NOW)
    assert caught.value.code == "closure_blocked_note_required"
    assert "해결되지 않은 욕구 1건" in caught.value.message

    approval = cases.request_closure(
        by=officer, case=case, reason="refused", note="본인이 지원을 원하지 않음", now=NOW
    )
    assert approval.blockers == [{"code": "closure_open_needs", "n": 1}]
    with pytest.raises(SaramError) as caught:
        cases.decide(by=lead, approval=approval, approve=True, now=NOW)
    assert caught.value.code == "closure_override_reason"
    case.refresh_from_db()
    assert case.is_open

    cases.decide(by=lead, approval=approval, approve=True, note="본인 거부 확인함", now=NOW)
    case.refresh_from_db()
    assert (case.is_open, case.stage, case.closure_reason, case.closed_by) == (
        False,
        "closed",
        "refused",
        lead,
    )
    with pytest.raises(SaramError):
        cases.add_need(by=officer, case=case, category="food")


def test_closure_is_refused_while_a_referral_waits_or_a_follow_up_is_due(
    officer: Any, lead: Any, make_person: Any, food: Any, sharing_consent: Any
) -> None:
    person = make_person()
    sharing_consent(person, officer)
    case = cases.open_case(by=officer, person=person, programme="simple", now=NOW)
    referral = referrals.refer(by=officer, case=case, resource=food, now=NOW)
    cases.schedule_follow_up(by=officer, case=case, on=TODAY)
    with pytest.raises(SaramError) as caught:
        cases.request_closure(by=officer, case=case, reason="connected", now=NOW)
    assert "끝나지 않은 의뢰 1건" in caught.value.message
    assert "점검 기한이 지났습니다" in caught.value.message

    referrals.update_referral(by=officer, referral=referral, status="accepted", now=NOW)
    referrals.update_referral(by=officer, referral=referral, status="served", now=NOW)
    cases.schedule_follow_up(by=officer, case=case, on=TODAY + dt.timedelta(days=30))
    approval = cases.request_closure(by=officer, case=case, reason="connected", now=NOW)
    assert approval.blockers == []
    case.refresh_from_db()
    assert case.is_open  # the worker asked; only the lead closes
    cases.decide(by=lead, approval=approval, approve=True, now=NOW)
    case.refresh_from_db()
    assert not case.is_open


def test_a_lead_closing_directly_needs_a_reason_over_open_items(
    lead: Any, make_person: Any
) -> None:
    case = cases.open_case(
        by=lead, person=make_person(), programme="simple", needs=[("care", "")], now=NOW
    )
    with pytest.raises(SaramError):
        cases.close_case(by=lead, case=case, reason="moved", now=NOW)
    assert Case.objects.get(pk=case.pk).is_open
    cases.close_case(by=lead, case=case, reason="moved", override="전출 확인", now=NOW)
    assert not Case.objects.get(pk=case.pk).is_open


def test_a_closed_case_never_returns_to_the_backlog(
    officer: Any, lead: Any, make_person: Any
) -> None:
    from saram.welfare.models import Visit
    from saram.welfare.selectors import visits_needing_a_case

    person = make_person()
    visit = Visit.objects.create(
        person=person,
        dong=person.dong,
        visitor=officer,
        visited_at=NOW,
        outcome="met",
        needs=["food"],
    )
    assert list(visits_needing_a_case(officer)) == [visit]
    case = cases.open_case(by=officer, person=person, programme="simple", visit=visit, now=NOW)
    assert list(visits_needing_a_case(officer)) == []
    cases.close_on_death(by=officer, case=case, now=NOW)
    assert list(visits_needing_a_case(officer)) == []
