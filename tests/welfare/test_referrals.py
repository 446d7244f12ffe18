"""A referral's closed loop: sent → accepted → served, or declined with a reason; nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from saram.core.errors import SaramError
from saram.welfare.models import ReferralStatus
from saram.welfare.services import cases, referrals

from .conftest import NOW


@pytest.fixture
def case(officer: Any, make_person: Any, sharing_consent: Any) -> Any:
    person = make_person()
    sharing_consent(person, officer)
    return cases.open_case(
        by=officer, person=person, programme="integrated", needs=[("income", "")], now=NOW
    )


@pytest.fixture
def resource(city: Any, make_user: Any) -> Any:
    return referrals.save_resource(
        by=make_user("city_admin"),
        city=city,
        name="긴급복지지원 (생계지원)",
        kind="public",
        provider="전주시",
        needs=["income"],
        eligibility="위기 사유 발생, 중위소득 75% 이하",
        capacity=10,
    )


def test_sent_accepted_served(officer: Any, case: Any, resource: Any) -> None:
    referral = referrals.refer(
        by=officer, case=case, resource=resource, need=case.needs.get(), note="생계비", now=NOW
    )
    assert referral.status == ReferralStatus.SENT
    referrals.update_referral(by=officer, referral=referral, status="accepted", now=NOW)
    referrals.update_referral(
        by=officer, referral=referral, status="served", note="3개월 지원", now=NOW
    )
    assert referral.status == ReferralStatus.SERVED and referral.accepted_at and referral.served_at
    assert [e.status for e in referral.events.all()] == ["sent", "accepted", "served"]


def test_a_decline_needs_its_reason(officer: Any, case: Any, resource: Any) -> None:
    referral = referrals.refer(by=officer, case=case, resource=resource, now=NOW)
    with pytest.raises(SaramError) as caught:
        referrals.update_referral(by=officer, referral=referral, status="declined", now=NOW)
    assert caught.value.code == "referral_decline_reason_required"
    referrals.update_referral(
        by=officer, referral=referral, status="declined", decline_reason="not_eligible", now=NOW
    )
    assert (referral.status, referral.decline_reason) == ("declined", "not_eligible")


@pytest.mark.parametrize(
    ("path", "step"),
    [
        ([], "served"),  # served before it was accepted
        ([], "sent"),
        (["accepted"], "accepted"),
        (["accepted", "served"], "declined"),  # the loop is closed
        (["declined"], "accepted"),
    ],
)
def test_a_step_the_loop_does_not_allow_is_refused(
    officer: Any, case: Any, resource: Any, path: list[str], step: str
) -> None:
    referral = referrals.refer(by=officer, case=case, resource=resource, now=NOW)
    for status in path:
        referrals.update_referral(
            by=officer, referral=referral, status=status, decline_reason="other", now=NOW
        )
    with pytest.raises(SaramError) as caught:
        referrals.update_referral(
            by=officer, referral=referral, status=step, decline_reason="other", now=NOW
        )
    assert caught.value.code == "referral_bad_step"


def test_one_open_referral_per_resource(officer: Any, case: Any, resource: Any) -> None:
    first = referrals.refer(by=officer, case=case, resource=resource, now=NOW)
    with pytest.raises(SaramError):
        referrals.refer(by=officer, case=case, resource=resource, now=NOW)
    referrals.update_referral(
        by=officer, referral=first, status="declined", decline_reason="other", now=NOW
    )
    referrals.refer(by=officer, case=case, resource=resource, now=NOW)  # again, after the answer


def test_the_loop_on_the_case_page(
    client_as: Any, officer: Any, other_dong: Any, case: Any, resource: Any
) -> None:
    from django.test import Client

    client = Client()
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    client.post(f"/welfare/cases/{case.pk}/referrals/", {"resource": resource.pk, "note": "생계비"})
    referral = case.referrals.get()
    client.post(f"/welfare/referrals/{referral.pk}/", {"status": "accepted"})
    client.post(f"/welfare/referrals/{referral.pk}/", {"status": "served"})
    referral.refresh_from_db()
    assert referral.status == "served"
    page = client.get(f"/welfare/cases/{case.pk}/").content.decode()
    assert "서비스 제공" in page
    other = client_as("welfare_officer", other_dong)
    assert other.get(f"/welfare/cases/{case.pk}/").status_code == 404
