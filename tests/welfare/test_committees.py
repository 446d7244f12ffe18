"""The city administrator sets up each dong's committee: organisations, members, meetings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from saram.core.errors import SaramError
from saram.core.models import Organisation, OrganisationKind
from saram.welfare.models import Committee, CommitteeMember
from saram.welfare.services import committees, rounds

from .conftest import TODAY


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("city_admin")


def test_a_committee_gathers_members_of_each_kind_of_organisation(
    admin: Any, dong: Any, make_user: Any
) -> None:
    church = Organisation.objects.create(
        kind=OrganisationKind.RELIGIOUS, name="송천중앙교회", dong=dong
    )
    centre = Organisation.objects.create(
        kind=OrganisationKind.CHILDREN_CENTRE, name="꿈나무지역아동센터", dong=dong
    )
    committee = committees.ensure_committee(by=admin, dong=dong, founded_on=dt.date(2020, 1, 1))
    login = make_user("committee_member", dong)
    chair = committees.add_member(
        by=admin,
        committee=committee,
        name="김목사",
        role="chair",
        organisation=church,
        joined_on=TODAY,
    )
    visitor = committees.add_member(
        by=admin,
        committee=committee,
        name="이센터장",
        organisation=centre,
        user=login,
        joined_on=TODAY,
    )
    assert committee.name == f"{dong.name} 복지위원회"
    assert {m.organisation.kind for m in committee.members.all()} == {
        "religious",
        "children_centre",
    }
    assert login in rounds.eligible_visitors(dong)
    committees.end_membership(by=admin, member=visitor, left_on=TODAY)
    assert login not in rounds.eligible_visitors(dong)
    assert chair.is_active and not CommitteeMember.objects.get(pk=visitor.pk).is_active


def test_a_login_without_the_member_role_in_the_dong_cannot_sit(
    admin: Any, dong: Any, other_dong: Any, make_user: Any
) -> None:
    committee = committees.ensure_committee(by=admin, dong=dong)
    with pytest.raises(SaramError) as caught:
        committees.add_member(
            by=admin,
            committee=committee,
            name="x",
            user=make_user("committee_member", other_dong),
            joined_on=TODAY,
        )
    assert caught.value.code == "member_bad_user"


def test_a_meeting_keeps_minutes_attendance_and_decisions(admin: Any, dong: Any) -> None:
    committee = committees.ensure_committee(by=admin, dong=dong)
    member = committees.add_member(by=admin, committee=committee, name="박위원", joined_on=TODAY)
    meeting = committees.record_meeting(
        by=admin,
        committee=committee,
        held_on=TODAY,
        minutes="겨울철 집중 방문",
        attendees=[member],
        decisions=["홀몸 어르신 주 1회 안부 전화", ""],
    )
    assert list(meeting.attendees.all()) == [member]
    assert [d.text for d in meeting.decisions.all()] == ["홀몸 어르신 주 1회 안부 전화"]


def test_only_the_administrator_sets_up_committees(officer: Any, dong: Any) -> None:
    with pytest.raises(SaramError):
        committees.ensure_committee(by=officer, dong=dong)
    assert not Committee.objects.exists()


def test_the_committee_page_appoints_a_member(client_as: Any, dong: Any, make_user: Any) -> None:
    client = client_as("city_admin")
    client.post(f"/welfare/committees/{dong.code}/", {"name": "송천 복지위원회"})
    login = make_user("committee_member", dong)
    response = client.post(
        f"/welfare/committees/{dong.code}/members/",
        {"name": "한위원", "role": "member", "user": login.pk, "joined_on": "2025-01-02"},
    )
    assert response.status_code == 302
    assert CommitteeMember.objects.get(user=login).committee.name == "송천 복지위원회"
    assert "한위원" in client.get(f"/welfare/committees/{dong.code}/").content.decode()


def test_a_refused_appointment_shows_why_in_the_layout_and_writes_nothing(
    client_as: Any, dong: Any, make_user: Any
) -> None:
    client = client_as("city_admin")
    page = f"/welfare/committees/{dong.code}/"
    client.post(page, {"name": "송천 복지위원회"})
    login = make_user("committee_member", dong)
    form = {"name": "한위원", "role": "member", "user": login.pk, "joined_on": "2025-01-02"}
    client.post(f"{page}members/", form)
    again = client.post(f"{page}members/", form | {"name": "두번째"}, HTTP_REFERER=page)
    assert again.status_code == 302 and again["Location"] == page
    shown = client.get(page).content.decode()
    assert '<li class="error">이 계정은 이미 위원으로 등록돼 있습니다.</li>' in shown
    assert CommitteeMember.objects.filter(user=login).count() == 1
    assert not CommitteeMember.objects.filter(name="두번째").exists()
