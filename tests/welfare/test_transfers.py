"""이관: a moving resident's case follows them; the new dong gains access, the old loses it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from saram.core.errors import SaramError
from saram.welfare.models import Case, Transfer
from saram.welfare.selectors import case_for, cases_for
from saram.welfare.services import cases, transfers

from .conftest import NOW


@pytest.fixture
def moving(officer: Any, make_person: Any) -> tuple[Any, Any]:
    person = make_person(name="이사람")
    case = cases.open_case(
        by=officer, person=person, programme="integrated", needs=[("housing", "")], now=NOW
    )
    cases.add_note(by=officer, case=case, text="인계할 기록", now=NOW)
    return person, case


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_access_moves_with_an_accepted_transfer(
    officer: Any, make_user: Any, dong: Any, other_dong: Any, moving: tuple[Any, Any]
) -> None:
    person, case = moving
    new_officer = make_user("welfare_officer", other_dong)
    bystander = make_user(
        "welfare_officer", other_dong.gu.dongs.exclude(pk__in=[dong.pk, other_dong.pk]).first()
    )
    pages = {
        "case": f"/welfare/cases/{case.pk}/",
        "person": f"/welfare/people/{person.pk}/",
    }

    def seen() -> dict[str, set[str]]:
        return {
            who: {name for name, url in pages.items() if _client(user).get(url).status_code == 200}
            for who, user in (("old", officer), ("new", new_officer), ("other", bystander))
        }

    before = {"old": {"case", "person"}, "new": set(), "other": set()}
    assert seen() == before

    transfer = transfers.open_transfer(
        by=officer,
        person=person,
        to_dong=other_dong,
        new_address="새 주소 1",
        handover_note="주거 지원 진행 중",
        now=NOW,
    )
    assert seen() == before  # nothing moves until the new dong accepts
    with pytest.raises(SaramError) as caught:
        transfers.accept_transfer(by=officer, transfer=transfer, now=NOW)
    assert caught.value.code == "transfer_accept_forbidden"

    transfers.accept_transfer(by=new_officer, transfer=transfer, note="인수함", now=NOW)
    assert seen() == {"old": set(), "new": {"case", "person"}, "other": set()}
    moved = case_for(new_officer, case.pk)
    assert moved.dong == other_dong and moved.needs.count() == 1
    assert new_officer in moved.workers.all()
    assert not cases_for(officer).filter(pk=case.pk).exists()
    # Both dongs see the hand-over itself.
    for user in (officer, new_officer):
        assert (
            _client(user).get("/welfare/transfers/").content.decode().count("주거 지원 진행 중")
            == 1
        )
    assert (
        _client(bystander).get("/welfare/transfers/").content.decode().count("주거 지원 진행 중")
        == 0
    )


def test_one_pending_transfer_and_not_to_the_same_dong(
    officer: Any, dong: Any, other_dong: Any, moving: tuple[Any, Any]
) -> None:
    person, _case = moving
    with pytest.raises(SaramError) as caught:
        transfers.open_transfer(by=officer, person=person, to_dong=dong, handover_note="x", now=NOW)
    assert caught.value.code == "transfer_same_dong"
    transfers.open_transfer(
        by=officer, person=person, to_dong=other_dong, handover_note="x", now=NOW
    )
    with pytest.raises(SaramError) as caught:
        transfers.open_transfer(
            by=officer, person=person, to_dong=other_dong, handover_note="x", now=NOW
        )
    assert caught.value.code == "transfer_pending"
    assert Transfer.objects.count() == 1


def test_a_cancelled_transfer_moves_nothing(
    officer: Any, make_user: Any, other_dong: Any, moving: tuple[Any, Any]
) -> None:
    person, case = moving
    transfer = transfers.open_transfer(
        by=officer, person=person, to_dong=other_dong, handover_note="x", now=NOW
    )
    transfers.cancel_transfer(by=officer, transfer=transfer, now=NOW)
    with pytest.raises(SaramError) as caught:
        transfers.accept_transfer(
            by=make_user("welfare_officer", other_dong), transfer=transfer, now=NOW
        )
    assert caught.value.code == "transfer_not_pending"
    assert Case.objects.get(pk=case.pk).dong_id == person.dong_id
