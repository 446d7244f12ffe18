"""Every case-work write route: a GET is refused, a user outside the dong gets 404 and the
refused write changes nothing; the team lead's inbox is theirs alone; pages keep their
query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from saram.core.models import AuditEntry
from saram.welfare.models import Case, CaseApproval, Consent, Transfer
from saram.welfare.services import cases, consent, transfers

from .conftest import NOW, TODAY


@pytest.fixture
def world(officer: Any, make_user: Any, dong: Any, other_dong: Any, make_person: Any) -> Any:
    person = make_person(dong)
    case = cases.open_case(
        by=officer, person=person, programme="integrated", needs=[("food", "")], now=NOW
    )
    approval = cases.request_closure(
        by=officer, case=case, reason="refused", note="본인 거부", now=NOW
    )
    given = consent.record_consent(
        by=officer,
        person=person,
        kind="third_party",
        scope="연계",
        given_on=TODAY,
        method="verbal",
        witness="이통장",
        now=NOW,
    )
    moving = make_person(dong)
    transfer = transfers.open_transfer(
        by=officer, person=moving, to_dong=other_dong, handover_note="인계", now=NOW
    )
    return {
        "case": case,
        "approval": approval,
        "consent": given,
        "transfer": transfer,
        "person": person,
    }


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


WRITES = [
    ("welfare:case_assess", "case", {"needs": "food"}),
    (
        "welfare:case_conference",
        "case",
        {"held_on": "2025-06-30", "attendees": "a", "decisions": "b"},
    ),
    ("welfare:case_plan_approval", "case", {}),
    ("welfare:case_close", "case", {"reason": "resolved", "note": "x"}),
    ("welfare:approval_decide", "approval", {"decision": "approve", "note": "확인"}),
    ("welfare:consent_withdraw", "consent", {"consent": "0", "on": "2025-06-30"}),
    ("welfare:transfer_cancel", "transfer", {}),
]


def _state() -> tuple[Any, ...]:
    return (
        tuple(Case.objects.values_list("stage", "closed_at", "assessed_at")),
        tuple(CaseApproval.objects.values_list("status", "decided_at")),
        tuple(Consent.objects.values_list("withdrawn_on")),
        tuple(Transfer.objects.values_list("status")),
    )


@pytest.mark.parametrize(("name", "target", "data"), WRITES)
def test_writes_refuse_get_and_outsiders_change_nothing(
    world: Any, make_user: Any, other_dong: Any, name: str, target: str, data: dict[str, str]
) -> None:
    url = reverse(name, args=[world[target].pk])
    lead = make_user("welfare_supervisor", world["case"].dong)
    assert _client(lead).get(url).status_code == 405
    before = _state()
    outsider_officer = make_user("welfare_officer", other_dong)
    outsider_lead = make_user("welfare_supervisor", other_dong)
    member = make_user("committee_member", world["case"].dong)
    outsiders = [member]
    if name != "welfare:transfer_cancel":  # the receiving dong sees the transfer (refused)
        outsiders += [outsider_officer, outsider_lead]
    for who in outsiders:
        assert _client(who).post(url, data).status_code == 404, who
    if name == "welfare:transfer_cancel":
        _client(outsider_officer).post(url, data)  # refused with a message
    assert Client().post(url, data).status_code == 302  # to the login page
    assert _state() == before


def test_only_a_team_lead_of_the_dong_opens_the_inbox(
    world: Any, officer: Any, make_user: Any, other_dong: Any
) -> None:
    lead = make_user("welfare_supervisor", world["case"].dong)
    page = _client(lead).get("/welfare/approvals/")
    assert page.status_code == 200 and "종결 결재" in page.content.decode()
    assert _client(officer).get("/welfare/approvals/").status_code == 404
    far = _client(make_user("welfare_supervisor", other_dong)).get("/welfare/approvals/")
    assert "종결 결재" not in far.content.decode()


def test_the_case_page_keeps_its_query_count(
    world: Any, officer: Any, django_assert_max_num_queries: Any
) -> None:
    client = _client(officer)
    url = f"/welfare/cases/{world['case'].pk}/"
    client.get(url)
    with django_assert_max_num_queries(45):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/welfare/cases/",
        "/welfare/transfers/",
        "/welfare/help-requests/",
        "/welfare/conflicts/",
        "/welfare/approvals/",
    ],
)
def test_list_pages_keep_their_query_counts(
    world: Any, make_user: Any, django_assert_max_num_queries: Any, url: str
) -> None:
    client = _client(make_user("welfare_supervisor", world["case"].dong))
    client.get(url)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_reading_a_case_is_audited(world: Any, officer: Any) -> None:
    _client(officer).get(f"/welfare/cases/{world['case'].pk}/")
    assert AuditEntry.objects.filter(
        target_type="welfare_case", target_id=str(world["case"].pk), purpose="사례 열람"
    ).exists()


def test_the_team_lead_lands_on_the_approvals_and_finds_them_in_the_menu(
    make_user: Any, dong: Any
) -> None:
    lead = make_user("welfare_supervisor", dong)
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": lead.username, "password": lead.raw_password}
    )
    assert response.status_code == 302 and response["Location"] == "/welfare/approvals/"
    page = client.get("/welfare/cases/").content.decode()
    assert '<a href="/welfare/approvals/">결재함</a>' in page


def test_the_inbox_shows_the_plan_asked_for_and_each_request_has_its_own_fields(
    world: Any, officer: Any, make_user: Any, make_person: Any, dong: Any
) -> None:
    """The team lead decides on a plan seeing its steps; with two requests, a label ticks the
    choice of its own request."""
    planned = cases.open_case(
        by=officer, person=make_person(dong), programme="integrated", needs=[("food", "")], now=NOW
    )
    cases.assess(by=officer, case=planned, needs=[], now=NOW)
    cases.hold_conference(
        by=officer, case=planned, held_on=TODAY, attendees="팀장", decisions="연계", now=NOW
    )
    cases.add_action(by=officer, case=planned, action="푸드뱅크 연계", due_on=TODAY, owner=officer)
    plan = cases.request_plan_approval(by=officer, case=planned, now=NOW)
    page = _client(make_user("welfare_supervisor", dong)).get("/welfare/approvals/")
    text = page.content.decode()
    assert "푸드뱅크 연계" in text and "김주무관" in text
    assert f'id="a{plan.pk}_decision_0"' in text
    assert f'id="a{world["approval"].pk}_decision_0"' in text


def test_intake_keeps_its_note_and_links_the_visit_that_met_the_person(
    officer: Any, dong: Any, make_person: Any, make_member: Any, add_signal: Any
) -> None:
    from saram.welfare.services import rounds, visits

    person = make_person(dong)
    add_signal(person, "gas_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    (a,) = rounds.start_round(by=officer, round_=round_, assignees=[make_member()], now=NOW)
    visit = visits.record_visit(
        by=a.assignee, assignment=a, visited_at=NOW, outcome="met", needs=["food"], now=NOW
    )
    client = _client(officer)
    page = client.get(f"/welfare/people/{person.pk}/").content.decode()
    assert f'name="visit" value="{visit.pk}"' in page and 'name="intake_note"' in page
    client.post(
        f"/welfare/cases/new/{person.pk}/",
        {"programme": "integrated", "visit": str(visit.pk), "intake_note": "식비가 모자람"},
    )
    case = Case.objects.get(person=person)
    assert (case.intake_note, case.visit_id) == ("식비가 모자람", visit.pk)
    assert cases.prefilled_needs(case) == ["food"]  # 욕구 사정 starts from the visit
