"""Cases: one open case per person and programme, needs, a plan, notes for workers only, closure."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import IntegrityError, connections, transaction

from saram.core.errors import SaramError
from saram.core.models import AuditEntry
from saram.welfare.models import Case, Resource
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
    assert caught.value.code == "case_open"
    cases.open_case(by=officer, person=person, programme="emergency", now=NOW)  # another programme
    cases.close_case(by=officer, case=first, reason="resolved", now=NOW)
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
    assert sorted(outcomes) == ["case_open"] * 3 + ["opened"]
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
    assert caught.value.code == "owner_required"
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
    assert caught.value.code == "not_worker"

    cases.add_worker(by=officer, case=case, worker=colleague)
    assert case_notes_for(colleague, case).count() == 1


def test_closing_needs_a_reason_and_every_referral_answered(
    officer: Any, city: Any, make_user: Any, make_person: Any
) -> None:
    case = cases.open_case(by=officer, person=make_person(), programme="simple", now=NOW)
    resource = referrals.save_resource(
        by=make_user("city_admin"),
        city=city,
        name="푸드뱅크",
        kind="local",
        provider="전주푸드뱅크",
        needs=["food"],
    )
    referral = referrals.refer(by=officer, case=case, resource=resource, now=NOW)
    with pytest.raises(SaramError) as caught:
        cases.close_case(by=officer, case=case, reason="resolved", now=NOW)
    assert caught.value.code == "referrals_pending"
    with pytest.raises(SaramError):
        cases.close_case(by=officer, case=case, reason="", now=NOW)

    referrals.update_referral(
        by=officer, referral=referral, status="declined", decline_reason="no_capacity", now=NOW
    )
    cases.close_case(by=officer, case=case, reason="unreachable", note="전화 불통", now=NOW)
    case.refresh_from_db()
    assert (case.closure_reason, case.closed_by, case.closure_note) == (
        "unreachable",
        officer,
        "전화 불통",
    )
    with pytest.raises(SaramError):
        cases.add_need(by=officer, case=case, category="food")
    assert Resource.objects.count() == 1
