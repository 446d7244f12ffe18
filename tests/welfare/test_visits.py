"""Visits by committee members and officers, and a member's concern about a neighbour."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from saram.core.errors import SaramError
from saram.welfare.models import AssignmentStatus, Concern, ConcernStatus, Signal
from saram.welfare.services import rounds, visits

from .conftest import NOW, TODAY


@pytest.fixture
def given(officer: Any, dong: Any, make_person: Any, make_member: Any, add_signal: Any) -> Any:
    """One listed person given to one committee member."""
    member = make_member()
    person = make_person(dong, name="한가람", address="송천로 5")
    add_signal(person, "gas_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    (assignment,) = rounds.start_round(by=officer, round_=round_, assignees=[member], now=NOW)
    return member, assignment


def test_a_meeting_that_finds_needs_settles_the_visit_and_confirms_a_need(given: Any) -> None:
    member, a = given
    visit = visits.record_visit(
        by=member, assignment=a, visited_at=NOW, outcome="met", needs=["food", "income"], now=NOW
    )
    a.refresh_from_db()
    assert (a.status, a.need_confirmed, a.reached_on) == (AssignmentStatus.DONE, True, TODAY)
    assert visit.needs == ["food", "income"]


def test_a_meeting_without_needs_is_recorded_as_no_need(given: Any) -> None:
    member, a = given
    visits.record_visit(by=member, assignment=a, visited_at=NOW, outcome="met", now=NOW)
    a.refresh_from_db()
    assert a.need_confirmed is False


def test_not_at_home_keeps_the_visit_open_for_another_try(given: Any) -> None:
    member, a = given
    visits.record_visit(by=member, assignment=a, visited_at=NOW, outcome="not_home", now=NOW)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.OPEN and a.reached_at is None
    visits.record_visit(by=member, assignment=a, visited_at=NOW, outcome="moved", now=NOW)
    a.refresh_from_db()
    # A move ends the visit without anyone being helped: not done.
    assert a.status == AssignmentStatus.ENDED and a.reached_at is None and a.resolved_at == NOW


def test_a_settled_visit_cannot_be_recorded_twice(given: Any) -> None:
    member, a = given
    visits.record_visit(by=member, assignment=a, visited_at=NOW, outcome="refused", now=NOW)
    with pytest.raises(SaramError) as caught:
        visits.record_visit(by=member, assignment=a, visited_at=NOW, outcome="met", now=NOW)
    assert caught.value.code == "visit_not_open"


def test_another_member_cannot_record_the_visit(given: Any, make_member: Any) -> None:
    _member, a = given
    with pytest.raises(SaramError) as caught:
        visits.record_visit(by=make_member(), assignment=a, visited_at=NOW, outcome="met", now=NOW)
    assert caught.value.code == "visit_not_yours"


@pytest.mark.parametrize(
    ("outcome", "needs", "when", "code"),
    [
        ("refused", ["food"], NOW, "visit_needs_without_meeting"),
        ("met", ["rocket"], NOW, "visit_bad_need"),
        ("met", [], NOW + dt.timedelta(hours=2), "visit_in_future"),
        ("gone", [], NOW, "visit_bad_outcome"),
    ],
)
def test_a_visit_that_cannot_be_true_is_refused(
    given: Any, outcome: str, needs: list[str], when: dt.datetime, code: str
) -> None:
    member, a = given
    with pytest.raises(SaramError) as caught:
        visits.record_visit(
            by=member, assignment=a, visited_at=when, outcome=outcome, needs=needs, now=NOW
        )
    assert caught.value.code == code


def test_only_a_member_is_offered_to_tell_of_a_worried_neighbour_on_the_visits_page(
    given: Any, officer: Any
) -> None:
    """The officer's own visits page showed the member's button, whose form answers them 404."""
    from django.test import Client

    member, _ = given
    for user, offered in ((member, True), (officer, False)):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        page = client.get("/welfare/my/").content.decode()
        assert ('id="report-concern"' in page) is offered
        assert client.get("/welfare/my/concern/").status_code == (200 if offered else 404)


def test_a_member_records_a_visit_on_their_phone_page(given: Any, client: Any) -> None:
    member, a = given
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/welfare/my/").content.decode()
    assert "한가람" in page and "송천로 5" in page
    response = client.post(
        f"/welfare/my/{a.pk}/",
        {
            "visited_at": "2025-06-30T09:30",
            "outcome": "met",
            "needs": ["care"],
            "note": "허리가 아프심",
        },
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == AssignmentStatus.DONE and a.visits.get().note == "허리가 아프심"


def test_a_concern_naming_a_resident_given_to_the_member_becomes_an_observation(
    given: Any, dong: Any
) -> None:
    member, assignment = given
    neighbour = assignment.person
    concern = visits.report_concern(
        by=member,
        name=neighbour.name,
        address="  " + neighbour.address.replace(" ", "  "),
        description="며칠째 불이 꺼져 있고 우편물이 쌓였습니다",
        now=NOW,
    )
    assert concern.status == ConcernStatus.MATCHED and concern.person == neighbour
    signal = Signal.objects.get(person=neighbour, kind__code="committee_observation")
    assert (signal.observed_on, signal.value) == (TODAY, 1)


def test_a_concern_never_tells_a_member_that_a_resident_not_given_to_them_exists(
    given: Any, dong: Any, make_person: Any
) -> None:
    """The attack: a member names a resident they do not visit, exactly; the answer must be the
    one an unknown name gets, and the resident gets no signal from the member."""
    member, _a = given
    neighbour = make_person(dong, name="오미자", address="전주시 덕진구 송천로 77")
    known = visits.report_concern(
        by=member, name="오미자", address="전주시 덕진구 송천로 77", description="걱정", now=NOW
    )
    unknown = visits.report_concern(
        by=member, name="없는사람", address="어딘가 1", description="걱정", now=NOW
    )
    assert known.status == unknown.status == ConcernStatus.NEW and known.person is None
    assert visits.status_seen_by(member, known) == visits.status_seen_by(member, unknown)
    assert not Signal.objects.filter(person=neighbour).exists()


def test_an_unknown_neighbour_waits_for_the_officer(
    given: Any, officer: Any, dong: Any, make_person: Any
) -> None:
    member, _a = given
    concern = visits.report_concern(
        by=member, name="오미자", address="어딘가", description="걱정됩니다", now=NOW
    )
    assert (
        concern.status == ConcernStatus.NEW
        and not Signal.objects.filter(kind__code="committee_observation").exists()
    )
    person = make_person(dong, name="오미자")
    visits.resolve_concern(by=officer, concern=concern, person=person, now=NOW)
    assert Signal.objects.filter(person=person, kind__code="committee_observation").exists()


def test_only_committee_members_report_concerns(officer: Any) -> None:
    with pytest.raises(SaramError):
        visits.report_concern(by=officer, name="a", address="b", description="c", now=NOW)
    assert not Concern.objects.exists()
