"""The demo city: deterministic, idempotent, plausible residents, and one login per role."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Max
from django.test.utils import override_settings

from saram.core.access import Can, scope_of
from saram.core.engine.identity import birth_date_of, normalize_rrn, sex_of
from saram.core.errors import SaramError
from saram.core.models import (
    AuditEntry,
    City,
    Dong,
    Household,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    RoleAssignment,
)
from saram.core.personal_data import open_rrn, rrn_digest, seal_rrn
from saram.core.presenters import person_name
from saram.core.services import demo
from saram.core.services.cities import load_city

SMALL = 600


@pytest.fixture
def jeonju(db: None) -> City:
    return load_city(settings.SARAM_CITY_DIR).city


@pytest.fixture
def loaded(jeonju: City) -> demo.DemoLoad:
    return demo.load_demo(residents=SMALL)


def demo_people():  # type: ignore[no-untyped-def]
    return Person.objects.filter(key__startswith=demo.PERSON_KEY_PREFIX)


def specs() -> list[demo.DongSpec]:
    return [
        demo.DongSpec(id=i, code=f"52111{i:05d}", name=f"시험{i}동", gu="완산구", area_km2=1.0 + i)
        for i in range(6)
    ]


def test_the_same_seed_gives_the_same_residents() -> None:
    place = demo.Place("전북특별자치도", "전주시")
    first = demo.generate_residents(count=2000, dongs=specs(), place=place, seed=7)
    again = demo.generate_residents(count=2000, dongs=specs(), place=place, seed=7)
    other = demo.generate_residents(count=2000, dongs=specs(), place=place, seed=8)
    for column in ("name", "birth_date", "is_male", "rrn", "phone", "household"):
        assert np.array_equal(getattr(first, column), getattr(again, column)), column
    assert not np.array_equal(first.rrn, other.rrn)


def test_households_average_about_two_persons_and_a_third_live_alone() -> None:
    place = demo.Place("전북특별자치도", "전주시")
    residents = demo.generate_residents(count=20_000, dongs=specs(), place=place)
    assert residents.count == 20_000
    assert residents.household_size.sum() == 20_000
    assert 2.0 <= residents.household_size.mean() <= 2.4
    assert 0.30 <= (residents.household_size == 1).mean() <= 0.42


def test_ages_follow_an_ageing_city() -> None:
    place = demo.Place("전북특별자치도", "전주시")
    residents = demo.generate_residents(count=20_000, dongs=specs(), place=place)
    age_years = (np.datetime64(demo.DEMO_AS_OF) - residents.birth_date).astype(int) / 365.2425
    assert 0.14 <= (age_years >= 65).mean() <= 0.26
    assert 0.08 <= (age_years < 15).mean() <= 0.2
    assert age_years.min() >= 0 and age_years.max() < 100
    alone = residents.lives_alone
    assert (age_years[alone] >= 19).all(), "nobody under 19 lives alone"


def test_a_negative_size_is_refused(jeonju: City) -> None:
    with pytest.raises(SaramError):
        demo.load_demo(residents=-1)


def test_loading_again_with_the_same_size_changes_nothing(loaded: demo.DemoLoad) -> None:
    assert loaded.residents_created == SMALL
    before = (
        demo_people().count(),
        Person.objects.aggregate(top=Max("id"))["top"],
        Household.objects.count(),
        Organisation.objects.count(),
        AuditEntry.objects.count(),
        RoleAssignment.objects.count(),
    )
    again = demo.load_demo(residents=SMALL)
    assert not again.changed
    assert again.residents_created == 0
    after = (
        demo_people().count(),
        Person.objects.aggregate(top=Max("id"))["top"],
        Household.objects.count(),
        Organisation.objects.count(),
        AuditEntry.objects.count(),
        RoleAssignment.objects.count(),
    )
    assert after == before


def test_another_size_replaces_only_the_demo_residents(loaded: demo.DemoLoad, jeonju: City) -> None:
    dong = Dong.objects.order_by("code").first()
    cipher, digest = seal_rrn("9001011234568")
    registered = Person.objects.create(
        key="P-registered", dong=dong, name="홍길동", birth_date=dt.date(1990, 1, 1), sex="M",
        rrn_cipher=cipher, rrn_hmac=digest, address="어딘가 1",
    )  # fmt: skip
    result = demo.load_demo(residents=400)
    assert result.residents_created == 400
    assert result.residents_removed == SMALL
    assert demo_people().count() == 400
    assert Person.objects.filter(pk=registered.pk).exists()
    empty = Household.objects.annotate(n=Count("members")).filter(n=0)
    assert not empty.exists(), "replaced households are gone with their residents"
    citizen = RoleAssignment.objects.get(user__username="citizen")
    assert citizen.person is not None and citizen.person.key.startswith(demo.PERSON_KEY_PREFIX)
    # Households were written with explicit ids: the id sequence must have moved past them.
    assert Household.objects.create(dong=dong, address="어딘가 1", key="H-after").pk > max(
        Household.objects.exclude(key="H-after").values_list("id", flat=True)
    )


def test_residents_live_in_every_dong_and_the_largest_is_songcheon1(jeonju: City) -> None:
    demo.load_demo(residents=3000)
    by_dong = Counter(dict(demo_people().values_list("dong__name").annotate(n=Count("id"))))
    assert len(by_dong) == Dong.objects.count() == 35
    assert min(by_dong.values()) > 0
    assert by_dong.most_common(1)[0][0] == "송천1동"


def test_numbers_open_to_valid_rrns_matching_birth_date_and_sex(loaded: demo.DemoLoad) -> None:
    numbers = set()
    for person in demo_people():
        digits = open_rrn(person.rrn_cipher)
        assert normalize_rrn(digits) == digits  # format, date and checksum
        assert birth_date_of(digits) == person.birth_date
        assert sex_of(digits) == person.sex
        assert rrn_digest(digits) == person.rrn_hmac
        numbers.add(digits)
    assert len(numbers) == SMALL


def test_living_alone_matches_the_household(loaded: demo.DemoLoad) -> None:
    sizes = dict(demo_people().values_list("household").annotate(n=Count("id")))
    people = demo_people().select_related("household")
    for person in people:
        assert person.lives_alone == (sizes[person.household_id] == 1)
        assert person.dong_id == person.household.dong_id
        assert person.address == person.household.address
    assert any(p.lives_alone for p in people) and not all(p.lives_alone for p in people)


def test_addresses_and_phones_look_korean(loaded: demo.DemoLoad) -> None:
    person = demo_people().select_related("dong__gu").exclude(phone="").first()
    assert person is not None
    assert person.address.startswith(f"전북특별자치도 전주시 {person.dong.gu.name} ")
    assert "길 " in person.address
    assert person.phone.startswith("010-") and len(person.phone) == 13
    assert 2 <= len(person.name) <= 4


def test_every_kind_of_organisation_is_in_every_dong(loaded: demo.DemoLoad) -> None:
    kinds = set(OrganisationKind.values)
    for dong in Dong.objects.all():
        assert set(dong.organisations.values_list("kind", flat=True)) == kinds, dong.name
    city_hall = Organisation.objects.get(name="전주시청")
    assert city_hall.dong.name == "노송동"
    numbers = list(Organisation.objects.exclude(business_number="")
                   .values_list("business_number", flat=True))  # fmt: skip
    assert numbers and len(numbers) == len(set(numbers))


def test_demo_users_hold_their_roles_and_areas(loaded: demo.DemoLoad) -> None:
    users = {u.username: u for u in get_user_model().objects.all()}
    assert {login.username for login in loaded.logins} == set(users)
    assert {login.role for login in loaded.logins} == set(Role.values)
    for user in users.values():
        assert user.check_password(demo.DEMO_PASSWORD)
        # People are shown by name wherever they act (an alert's raiser, the audit log).
        assert person_name(user) not in ("", user.username)

    def dongs(username: str, capability: Can) -> set[str]:
        ids = scope_of(users[username]).dong_ids(capability)
        return set(Dong.objects.filter(id__in=ids).values_list("name", flat=True))

    assert dongs("officer", Can.VIEW_PEOPLE) == {"송천1동"}
    assert dongs("officer2", Can.VIEW_PEOPLE) == {"효자4동"}
    assert dongs("supervisor", Can.APPROVE_CASES) == {"송천1동"}
    assert dongs("admin", Can.VIEW_PEOPLE) == set()
    assert len(dongs("admin", Can.VIEW_AUDIT)) == 35
    assert dongs("member", Can.VISIT_ASSIGNED) == {"송천1동"}
    assert scope_of(users["procurement"]).can(Can.MANAGE_ECONOMY)
    assert scope_of(users["making"]).can(Can.MANAGE_MAKING)
    assert scope_of(users["instructor"]).can(Can.TEACH)
    member = RoleAssignment.objects.get(user=users["member"])
    assert member.organisation is not None and member.organisation.dong == member.dong
    citizen = RoleAssignment.objects.get(user=users["citizen"])
    assert citizen.role == Role.CITIZEN and citizen.person is not None
    assert citizen.person.birth_date <= dt.date(2006, 7, 1)
    assert scope_of(users["citizen"]).dong_ids(Can.VIEW_PEOPLE) == frozenset()


def test_demo_users_are_refused_in_production(jeonju: City) -> None:
    with override_settings(IS_PRODUCTION=True), pytest.raises(SaramError) as error:
        demo.load_demo(residents=10)
    assert error.value.code == "demo_in_production"
    assert not get_user_model().objects.exists()


def test_loading_writes_one_audit_entry_and_the_chain_holds(loaded: demo.DemoLoad) -> None:
    from saram.core.audit import verify_chain

    entries = AuditEntry.objects.filter(target_type="person", action="import")
    assert entries.count() == 1
    assert entries.get().detail["created"] == SMALL
    assert verify_chain().ok


def test_the_demo_command_prints_the_logins(jeonju: City, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with override_settings(STATIC_ROOT=str(tmp_path)):
        call_command("demo", residents=50)
        out = capsys.readouterr().out
        assert "officer2" in out and demo.DEMO_PASSWORD in out and "효자4동" in out
        call_command("demo", residents=50)
        assert "이미" in capsys.readouterr().out


def test_a_city_whose_organisations_name_an_unknown_dong_loads_nothing(
    db: None,
    tmp_path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    import shutil

    from django.core.management.base import CommandError

    city_dir = tmp_path / "city"
    shutil.copytree(settings.SARAM_CITY_DIR, city_dir)
    with (city_dir / "organisations.csv").open("a", encoding="utf-8") as csv:
        csv.write("종교단체,없는동 교회,5299999999,어딘가,,\n")
    with pytest.raises(CommandError) as error:
        call_command("load_city", str(city_dir))
    assert "행정동코드" in str(error.value) and "5299999999" in str(error.value)
    rows = (city_dir / "organisations.csv").read_text(encoding="utf-8").count("\n")
    assert f"{rows}행" in str(error.value), "names the row as a spreadsheet numbers it"
    assert not City.objects.exists() and not Organisation.objects.exists()


def test_replacing_residents_lets_go_of_rows_pointing_at_them_without_a_related_name(
    loaded: demo.DemoLoad,
) -> None:
    """Other programmes may point at residents with related_name="+"; those rows go too."""
    from saram.welfare.models import MemberConflict

    resident = Person.objects.order_by("id").first()
    member = get_user_model().objects.create_user(username="conflicted-member")
    assert resident is not None
    MemberConflict.objects.create(member=member, person=resident, reason="가족")
    demo.load_demo(residents=400)
    assert not MemberConflict.objects.filter(person_id=resident.pk).exists()
