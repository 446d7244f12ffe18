"""Consent: recorded with scope, date and how; required before a referral shares data;
withdrawable, and a withdrawal stops the next referral."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saram.core.errors import SaramError
from saram.welfare.models import Referral
from saram.welfare.services import cases, consent, referrals

from .conftest import NOW, TODAY


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


def test_a_referral_is_refused_without_sharing_consent(
    officer: Any, make_person: Any, food: Any
) -> None:
    person = make_person()
    case = cases.open_case(by=officer, person=person, programme="simple", now=NOW)
    consent.record_consent(
        by=officer,
        person=person,
        kind="collection",
        scope="사례관리",
        given_on=TODAY,
        method="verbal",
        witness="이통장",
        now=NOW,
    )  # collection alone does not allow sharing
    with pytest.raises(SaramError) as caught:
        referrals.refer(by=officer, case=case, resource=food, now=NOW)
    assert caught.value.code == "consent_required_for_referral"
    assert not Referral.objects.exists()

    given = consent.record_consent(
        by=officer,
        person=person,
        kind="third_party",
        scope="푸드뱅크 연계",
        given_on=TODAY,
        method="signed",
        scan=SimpleUploadedFile("동의서.pdf", b"%PDF-1.4 signed"),
        now=NOW,
    )
    referral = referrals.refer(by=officer, case=case, resource=food, now=NOW)
    assert referral.consent == given
    assert given.scan.name.endswith(f"consent-{person.pk}-third_party.pdf")  # no name in it


def test_a_withdrawn_consent_stops_the_next_referral(
    officer: Any, make_person: Any, food: Any
) -> None:
    person = make_person()
    case = cases.open_case(by=officer, person=person, programme="simple", now=NOW)
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
    first = referrals.refer(by=officer, case=case, resource=food, now=NOW)
    referrals.update_referral(
        by=officer, referral=first, status="declined", decline_reason="other", now=NOW
    )
    consent.withdraw_consent(by=officer, consent=given, on=TODAY, note="본인 요청")
    with pytest.raises(SaramError) as caught:
        referrals.refer(by=officer, case=case, resource=food, now=NOW)
    assert caught.value.code == "consent_required_for_referral"
    with pytest.raises(SaramError) as caught:
        consent.withdraw_consent(by=officer, consent=given, on=TODAY)
    assert caught.value.code == "consent_already_withdrawn"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"method": "verbal", "witness": ""}, "consent_witness_required"),
        ({"method": "signed"}, "consent_scan_required"),
        (
            {"method": "signed", "scan": SimpleUploadedFile("a.exe", b"MZ")},
            "consent_scan_type",
        ),
        ({"method": "verbal", "witness": "a", "scope": " "}, "consent_scope_required"),
        (
            {"method": "verbal", "witness": "a", "given_on": TODAY + dt.timedelta(days=2)},
            "consent_in_future",
        ),
    ],
)
def test_how_a_consent_was_given_is_required(
    officer: Any, make_person: Any, fields: dict[str, Any], code: str
) -> None:
    values = {"kind": "third_party", "scope": "연계", "given_on": TODAY, **fields}
    with pytest.raises(SaramError) as caught:
        consent.record_consent(by=officer, person=make_person(), now=NOW, **values)
    assert caught.value.code == code


def test_an_officer_of_another_dong_cannot_record_consent(
    make_user: Any, other_dong: Any, make_person: Any
) -> None:
    with pytest.raises(SaramError) as caught:
        consent.record_consent(
            by=make_user("welfare_officer", other_dong),
            person=make_person(),
            kind="third_party",
            scope="x",
            given_on=TODAY,
            method="verbal",
            witness="a",
            now=NOW,
        )
    assert caught.value.code == "consent_forbidden"
