"""A death closes what is open for the person, with its record; a move learned at the door
opens the transfer to the new dong (or a task for the officer when the new dong is unknown)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from saram.core.errors import SaramError
from saram.core.models import Role
from saram.welfare.models import (
    ApprovalStatus,
    Assignment,
    AssignmentStatus,
    Case,
    Death,
    FlaggedPerson,
    HelpRequest,
    MoveTask,
    MoveTaskStatus,
    Referral,
    Transfer,
    TransferStatus,
)
from saram.welfare.services import cases, funnel, life_events, referrals, requests, rounds, visits

from .conftest import NOW, TODAY


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def listed(officer: Any, make_member: Any, dong: Any, make_person: Any, add_signal: Any) -> Any:
    """A frail resident on a started round, given to a committee member to visit."""
    member = make_member(username="member-lee")
    person = make_person(dong, birth_date=dt.date(1940, 1, 1), lives_alone=True, name="최노인")
    add_signal(person, "water_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    (a,) = rounds.start_round(by=officer, round_=round_, assignees=[member], now=NOW)
    return {"member": member, "person": person, "a": a, "round": round_}


@pytest.fixture
def resource(city: Any, make_user: Any) -> Any:
    return referrals.save_resource(
        by=make_user(Role.CITY_ADMIN, city),
        city=city,
        name="푸드뱅크",
        kind="local",
        provider="송천종합사회복지관",
        needs=["food"],
    )


def _open_work(officer: Any, person: Any, resource: Any, sharing_consent: Any) -> Any:
    """A case in planning with a referral waiting for its answer and a plan 결재 pending."""
    sharing_consent(person, officer)
    case = cases.open_case(
        by=officer, person=person, programme="integrated", needs=[("food", "")], now=NOW
    )
    referral = referrals.refer(by=officer, case=case, resource=resource, now=NOW)
    cases.assess(by=officer, case=case, needs=[], now=NOW)
    cases.hold_conference(
        by=officer, case=case, held_on=TODAY, attendees="팀장, 주무관", decisions="지원", now=NOW
    )
    cases.add_action(by=officer, case=case, action="식품 지원", due_on=TODAY, owner=officer)
    approval = cases.request_plan_approval(by=officer, case=case, now=NOW)
    return case, referral, approval


def test_a_death_at_the_door_closes_the_case_referral_and_visit_with_its_record(
    officer: Any, listed: Any, resource: Any, sharing_consent: Any
) -> None:
    person, member, a = listed["person"], listed["member"], listed["a"]
    case, referral, approval = _open_work(officer, person, resource, sharing_consent)

    visit = visits.record_visit(
        by=member, assignment=a, visited_at=NOW, outcome="deceased", note="이웃이 알림", now=NOW
    )

    death = Death.objects.get(person=person)
    assert death.visit == visit and death.recorded_by == member
    assert (death.closed_cases, death.closed_referrals) == (1, 1)
    case.refresh_from_db()
    assert not case.is_open and case.closure_reason == "deceased" and case.stage == "closed"
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == ("withdrawn", "died")
    assert [e.status for e in referral.events.all()] == ["sent", "withdrawn"]
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.CANCELLED  # the 팀장 is not left a dead case
    a.refresh_from_db()
    assert (a.status, a.outcome) == (AssignmentStatus.ENDED, "deceased")
    # Nothing can be opened for them afterwards.
    with pytest.raises(SaramError) as caught:
        cases.open_case(by=officer, person=person, programme="simple", now=NOW)
    assert caught.value.code == "case_person_died"


def test_a_death_learned_otherwise_closes_the_scheduled_visit_and_counts_as_died(
    officer: Any, listed: Any
) -> None:
    person, a = listed["person"], listed["a"]
    response = _client(officer).post(
        f"/welfare/people/{person.pk}/death/",
        {"died_on": "2025-06-28", "note": "딸이 전화로 알림"},
    )
    assert response.status_code == 302
    page = _client(officer).get(f"/welfare/people/{person.pk}/").content.decode()
    assert "딸이 전화로 알림" in page and "2025-06-28" in page
    assert 'id="record-death"' not in page and 'id="open-case"' not in page
    a.refresh_from_db()
    assert (a.status, a.outcome) == (AssignmentStatus.ENDED, "deceased")
    (row,) = funnel.funnel_by_round(dong_ids=[a.dong_id], today=TODAY)
    assert row.stops["died"] == 1 and row.pending == 0


def test_a_met_person_who_dies_before_help_is_followed_up_drops_out_as_died(
    officer: Any, listed: Any
) -> None:
    person, member, a = listed["person"], listed["member"], listed["a"]
    visits.record_visit(
        by=member, assignment=a, visited_at=NOW, outcome="met", needs=["food"], now=NOW
    )
    (before,) = funnel.funnel_by_round(dong_ids=[a.dong_id], today=TODAY)
    assert before.stops["in_progress"] == 1 and before.stops["died"] == 0
    life_events.record_death(by=officer, person=person, now=NOW)
    (after,) = funnel.funnel_by_round(dong_ids=[a.dong_id], today=TODAY)
    assert after.steps["reached"] == 1  # they were reached: that stays
    assert after.stops["in_progress"] == 0 and after.stops["died"] == 1


def test_recording_a_death_is_for_the_dongs_officers_only(
    officer: Any, listed: Any, make_user: Any, other_dong: Any
) -> None:
    person = listed["person"]
    url = f"/welfare/people/{person.pk}/death/"
    assert _client(officer).get(url).status_code == 405
    for user in (listed["member"], make_user(Role.WELFARE_OFFICER, other_dong)):
        assert _client(user).post(url, {"note": "x"}).status_code == 404
    assert not Death.objects.exists()
    with pytest.raises(SaramError) as caught:
        life_events.record_death(
            by=officer, person=person, died_on=TODAY.replace(year=2026), now=NOW
        )
    assert caught.value.code == "death_in_future"


def test_a_second_report_of_the_same_death_keeps_the_first_record(
    officer: Any, listed: Any
) -> None:
    person = listed["person"]
    first = life_events.record_death(by=officer, person=person, note="첫 기록", now=NOW)
    again = life_events.record_death(by=officer, person=person, note="다시", now=NOW)
    assert again.pk == first.pk and Death.objects.get().note == "첫 기록"


def test_a_move_with_the_new_dong_known_opens_the_transfer_at_once(
    officer: Any, listed: Any, other_dong: Any, make_user: Any
) -> None:
    person, member, a = listed["person"], listed["member"], listed["a"]
    new_officer = make_user(Role.WELFARE_OFFICER, other_dong)
    response = _client(member).post(
        f"/welfare/my/{a.pk}/",
        {
            "visited_at": "2025-06-30T09:00",
            "outcome": "moved",
            "moved_to": str(other_dong.pk),
            "new_address": "새 아파트 101동",
            "note": "관리인이 알려 줌",
        },
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(person=person)
    assert (transfer.from_dong_id, transfer.to_dong_id) == (a.dong_id, other_dong.pk)
    assert (
        transfer.status == TransferStatus.PENDING and "관리인이 알려 줌" in transfer.handover_note
    )
    assert not MoveTask.objects.exists()
    # The new dong's officer sees it waiting and takes the person over; Saram's own words on
    # the hand-over are read in the reader's language, the visitor's as they wrote them.
    page = _client(new_officer).get("/welfare/transfers/").content.decode()
    assert f'data-transfer="{transfer.pk}"' in page
    assert "2025-06-30 방문에서 이사한 것을 확인했습니다." in page
    english = _client(new_officer).get("/welfare/transfers/", HTTP_ACCEPT_LANGUAGE="en")
    assert "The visit of 2025-06-30 found that the person moved." in english.content.decode()
    assert "관리인이 알려 줌" in english.content.decode()
    note = _client(officer).get(f"/welfare/visits/{a.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"Moved away: transfer to {other_dong.name_en} requested." in note.content.decode()
    _client(new_officer).post(f"/welfare/transfers/{transfer.pk}/accept/", {"note": "인수"})
    person.refresh_from_db()
    assert person.dong_id == other_dong.pk and person.address == "새 아파트 101동"


def test_a_move_without_the_new_dong_is_a_task_done_by_the_transfer(
    officer: Any, listed: Any, other_dong: Any
) -> None:
    person, member, a = listed["person"], listed["member"], listed["a"]
    visits.record_visit(by=member, assignment=a, visited_at=NOW, outcome="moved", now=NOW)
    task = MoveTask.objects.get(person=person)
    assert task.status == MoveTaskStatus.OPEN and task.due_on == TODAY + dt.timedelta(days=7)
    assert not Transfer.objects.exists()
    page = _client(officer).get("/welfare/transfers/").content.decode()
    assert f'data-move-task="{task.pk}"' in page
    _client(officer).post(
        f"/welfare/people/{person.pk}/transfer/",
        {"to_dong": str(other_dong.pk), "new_address": "", "handover_note": "주소 확인함"},
    )
    task.refresh_from_db()
    assert task.status == MoveTaskStatus.TRANSFERRED and task.transfer == Transfer.objects.get()
    assert (
        f'data-move-task="{task.pk}"'
        not in _client(officer).get("/welfare/transfers/").content.decode()
    )


def test_the_officer_closes_a_move_task_when_the_person_did_not_move(
    officer: Any, listed: Any, make_user: Any, other_dong: Any
) -> None:
    visits.record_visit(
        by=listed["member"], assignment=listed["a"], visited_at=NOW, outcome="moved", now=NOW
    )
    task = MoveTask.objects.get()
    url = f"/welfare/moves/{task.pk}/stayed/"
    assert _client(officer).get(url).status_code == 405
    for user in (listed["member"], make_user(Role.WELFARE_OFFICER, other_dong)):
        assert _client(user).post(url).status_code == 404
    task.refresh_from_db()
    assert task.status == MoveTaskStatus.OPEN
    assert _client(officer).post(url).status_code == 302
    task.refresh_from_db()
    assert task.status == MoveTaskStatus.STAYED and task.resolved_by == officer


def test_a_move_found_through_the_public_door_opens_the_transfer(
    officer: Any, dong: Any, other_dong: Any, make_person: Any
) -> None:
    person = make_person(dong, name="박이웃")
    item = HelpRequest.objects.create(
        receipt="ACDE-FGHJ",
        dong=dong,
        address=person.address,
        about="neighbour",
        description="며칠째 안 보여요",
        consented_at=NOW,
        received_at=NOW,
        due_on=TODAY,
    )
    with pytest.raises(SaramError) as caught:
        requests.answer_request(by=officer, request=item, outcome="moved", answer="이사함", now=NOW)
    assert caught.value.code == "help_move_needs_person"
    assert HelpRequest.objects.get().status == "received"  # nothing half-written
    requests.link_person(by=officer, request=item, person=person, now=NOW)
    response = _client(officer).post(
        f"/welfare/help-requests/{item.pk}/",
        {"outcome": "moved", "answer": "집주인 확인: 이사함", "moved_to": str(other_dong.pk)},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(person=person)
    assert transfer.to_dong == other_dong and item.receipt in transfer.handover_text
    assert HelpRequest.objects.get().status == "handled"


def test_a_death_cancels_a_pending_transfer_and_nobody_is_left_open(
    officer: Any, listed: Any, other_dong: Any
) -> None:
    person = listed["person"]
    life_events.move_learned(by=officer, person=person, to_dong=other_dong, now=NOW)
    life_events.record_death(by=officer, person=person, now=NOW)
    assert Transfer.objects.get().status == TransferStatus.CANCELLED
    assert not Assignment.objects.filter(person=person, status="open").exists()
    assert not Case.objects.filter(person=person, closed_at__isnull=True).exists()
    assert not Referral.objects.filter(
        case__person=person, status__in=("sent", "accepted")
    ).exists()


def test_the_next_round_leaves_the_dead_off_its_list_and_says_why(
    officer: Any, listed: Any, dong: Any
) -> None:
    person = listed["person"]
    life_events.record_death(by=officer, person=person, note="가족 연락", now=NOW)
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    assert not round_.entries.filter(person=person).exists()
    assert FlaggedPerson.objects.get(round=round_, person=person).status == "deceased"


def test_a_met_visit_with_needs_leaves_the_case_backlog_when_the_person_dies(
    officer: Any, listed: Any
) -> None:
    from saram.welfare.selectors import visits_needing_a_case

    visits.record_visit(
        by=listed["member"], assignment=listed["a"], visited_at=NOW, outcome="met",
        needs=["food"], now=NOW,
    )  # fmt: skip
    assert visits_needing_a_case(officer).count() == 1
    life_events.record_death(by=officer, person=listed["person"], now=NOW)
    assert visits_needing_a_case(officer).count() == 0


def test_a_death_recorded_in_korean_reads_in_english_for_an_english_reader(
    officer: Any, listed: Any, resource: Any, sharing_consent: Any
) -> None:
    """The closures a death writes are note codes: the Korean officer's record reads English
    to an English reader and Korean to a Korean one; the closure note keeps only the
    recorder's own words."""
    person = listed["person"]
    case, referral, approval = _open_work(officer, person, resource, sharing_consent)
    life_events.record_death(by=officer, person=person, note="딸이 전화로 알림", now=NOW)

    case.refresh_from_db()
    approval.refresh_from_db()
    event = referral.events.get(status="withdrawn")
    assert case.closure_note == "딸이 전화로 알림"
    assert (approval.decision_note, event.note) == ("closed_by_death", "withdrawn_died")
    with translation.override("en"):
        assert approval.decision_text == "Case closed by death"
        assert event.note_text == "Referral withdrawn: the person died"
        page = _client(officer).get(f"/welfare/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "Referral withdrawn: the person died" in text and "사망" not in text
    assert (approval.decision_text, event.note_text) == ("사망으로 사례 종결", "사망으로 의뢰 철회")
    korean = _client(officer).get(f"/welfare/cases/{case.pk}/").content.decode()
    assert "사망으로 의뢰 철회" in korean and "withdrawn_died" not in korean
