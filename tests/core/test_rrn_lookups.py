"""No 주민등록번호 oracle: registering or importing a number never tells a user whether a
person outside their area exists; every look-up is audited, many are limited and flagged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from saram.core.engine.identity import make_rrn
from saram.core.errors import SaramError
from saram.core.imports import keep_upload
from saram.core.models import AuditEntry, DuplicateCase, Person, Role, RrnLookup
from saram.core.services.people import import_people, register_person

HEADER = "주민등록번호,이름,행정동코드,주소,전화,1인가구,정보활용동의\n"


def _rrn(n: int) -> str:
    return make_rrn(dt.date(1950 + n % 50, 1 + n % 12, 1 + n % 28), "F" if n % 2 else "M", n)


def _form(dong: Any, rrn: str) -> dict[str, Any]:
    return {"name": "새주민", "rrn": rrn, "dong": dong.pk, "address": "어딘가 1", "phone": ""}


@pytest.fixture
def officer_client(client_as: Any, dong: Any) -> Any:
    return client_as(Role.WELFARE_OFFICER, dong)


def test_registering_a_number_held_in_another_dong_tells_nothing_and_opens_a_case(
    officer_client: Any, dong: Any, other_dong: Any, make_person: Any
) -> None:
    elsewhere = make_person(other_dong, name="효자주민")
    response = officer_client.post("/people/new/", _form(dong, elsewhere.rrn))
    body = response.content.decode()
    assert response.status_code == 200
    assert "시청 관리자에게 확인을 요청했습니다" in body
    assert "이미 등록" not in body and other_dong.name not in body and elsewhere.key not in body
    assert Person.objects.count() == 1
    case = DuplicateCase.objects.get()
    assert (case.person, case.wanted_dong, case.reported_by) == (
        elsewhere,
        dong,
        officer_client.user,
    )
    lookup = AuditEntry.objects.get(action="lookup")
    assert lookup.detail["found_outside"] == 1 and lookup.actor_id == officer_client.user.pk


def test_a_number_held_in_ones_own_dong_is_named_as_such(
    officer_client: Any, dong: Any, make_person: Any
) -> None:
    here = make_person(dong)
    body = officer_client.post("/people/new/", _form(dong, here.rrn)).content.decode()
    assert here.key in body and not DuplicateCase.objects.exists()


def test_a_failed_registration_is_audited_and_a_good_one_too(
    officer_client: Any, dong: Any
) -> None:
    response = officer_client.post("/people/new/", _form(dong, _rrn(1)))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="lookup").count() == 1


def test_a_wrong_check_digit_is_a_field_error_not_a_server_error(
    officer_client: Any, dong: Any
) -> None:
    good = _rrn(3)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    response = officer_client.post("/people/new/", _form(dong, bad))
    assert response.status_code == 200 and "검증 숫자" in response.content.decode()
    assert not Person.objects.exists()


def test_an_import_of_candidate_numbers_does_not_say_which_belong_to_another_dong(
    make_user: Any, dong: Any, other_dong: Any, make_person: Any
) -> None:
    """The attack: 20 candidate numbers, four of them residents of another dong."""
    officer = make_user(Role.WELFARE_OFFICER, dong)
    residents = [make_person(other_dong) for _ in range(4)]
    numbers = [_rrn(100 + n) for n in range(16)] + [p.rrn for p in residents]
    raw = (
        HEADER
        + "".join(f"{rrn},후보{n},{dong.code},주소 {n},,,\n" for n, rrn in enumerate(numbers))
    ).encode()
    with pytest.raises(SaramError) as caught:
        import_people(by=officer, upload=keep_upload(raw, "p.csv"), purpose="t")
    assert caught.value.code == "registration_refused"
    assert caught.value.row_errors == []  # no row is named
    assert Person.objects.filter(dong=dong).count() == 0
    assert DuplicateCase.objects.filter(reported_by=officer).count() == 4
    entry = AuditEntry.objects.get(action="lookup")  # the rejected import is audited
    assert entry.detail["numbers"] == 20 and entry.detail["flagged"] is True


def test_many_finds_outside_the_area_are_refused_and_flagged_on_the_audit_page(
    make_user: Any, dong: Any, other_dong: Any, make_person: Any, client_as: Any, settings: Any
) -> None:
    settings.SARAM_RRN_OUTSIDE_LIMIT = 2
    officer = make_user(Role.WELFARE_OFFICER, dong, first_name="김조회")
    for _ in range(2):
        with pytest.raises(SaramError):
            register_person(
                by=officer,
                rrn=make_person(other_dong).rrn,
                name="x",
                dong=dong,
                address="y",
                purpose="t",
            )
    with pytest.raises(SaramError) as caught:
        register_person(by=officer, rrn=_rrn(7), name="x", dong=dong, address="y", purpose="t")
    assert caught.value.code == "too_many_lookups"
    assert not Person.objects.filter(dong=dong).exists()
    admin_page = client_as(Role.CITY_ADMIN).get("/audit/").content.decode()
    assert 'id="lookup-flags"' in admin_page and "김조회" in admin_page
    assert RrnLookup.objects.filter(user=officer, flagged=True).count() == 3


def test_many_lookups_in_a_short_time_are_limited(make_user: Any, dong: Any, settings: Any) -> None:
    settings.SARAM_RRN_LOOKUP_LIMIT = 3
    officer = make_user(Role.WELFARE_OFFICER, dong)
    for n in range(3):
        register_person(by=officer, rrn=_rrn(n), name="x", dong=dong, address="y", purpose="t")
    with pytest.raises(SaramError) as caught:
        register_person(by=officer, rrn=_rrn(9), name="x", dong=dong, address="y", purpose="t")
    assert caught.value.code == "too_many_lookups"


def test_the_city_administrator_transfers_a_duplicate_after_choosing(
    make_user: Any, dong: Any, other_dong: Any, make_person: Any, client_as: Any
) -> None:
    officer = make_user(Role.WELFARE_OFFICER, dong)
    elsewhere = make_person(other_dong)
    with pytest.raises(SaramError):
        register_person(
            by=officer, rrn=elsewhere.rrn, name="x", dong=dong, address="y", purpose="t"
        )
    case = DuplicateCase.objects.get()
    officer_b = client_as(Role.WELFARE_OFFICER, other_dong)
    assert officer_b.get("/people/duplicates/").status_code == 403
    assert (
        officer_b.post(f"/people/duplicates/{case.pk}/", {"decision": "transfer"}).status_code
        == 403
    )
    admin = client_as(Role.CITY_ADMIN)
    assert other_dong.name in admin.get("/people/duplicates/").content.decode()
    assert admin.get(f"/people/duplicates/{case.pk}/").status_code == 200
    elsewhere.refresh_from_db()
    assert elsewhere.dong == other_dong  # looking at the case changes nothing
    admin.post(f"/people/duplicates/{case.pk}/", {"decision": "transfer"})
    elsewhere.refresh_from_db()
    case.refresh_from_db()
    assert elsewhere.dong == dong and case.status == "transferred"
    assert admin.get(f"/people/duplicates/{case.pk}/").status_code == 404


def test_opening_the_person_edit_page_is_audited(
    officer_client: Any, dong: Any, make_person: Any
) -> None:
    person = make_person(dong)
    assert officer_client.get(f"/people/{person.pk}/edit/").status_code == 200
    assert AuditEntry.objects.filter(
        action="view", target_type="person", target_id=str(person.pk)
    ).exists()
