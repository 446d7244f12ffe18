"""Reading a person leaves one audit entry; any tampering breaks the chain."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from saram.core import audit
from saram.core.models import AuditEntry, Role


def test_reading_a_person_writes_one_entry(client_as: Any, dong: Any, make_person: Any) -> None:
    person = make_person(dong)
    client = client_as(Role.WELFARE_OFFICER, dong)
    before = AuditEntry.objects.count()
    response = client.get(f"/people/{person.pk}/?purpose=가정방문 준비")
    assert response.status_code == 200
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.action, entry.target_type, entry.target_id) == ("view", "person", str(person.pk))
    assert entry.actor_id == client.user.pk
    assert entry.purpose == "가정방문 준비"


def test_a_list_is_audited_once_not_per_row(client_as: Any, dong: Any, make_person: Any) -> None:
    for _ in range(5):
        make_person(dong)
    client = client_as(Role.WELFARE_OFFICER, dong)
    before = AuditEntry.objects.count()
    client.get(f"/people/?dong={dong.code}")
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [(e.action, e.detail["shown"]) for e in entries] == [("list", 5)]


def test_an_export_is_audited(client_as: Any, dong: Any, make_person: Any) -> None:
    make_person(dong)
    client = client_as(Role.WELFARE_OFFICER, dong)
    response = client.get("/people/export/?format=csv")
    assert response.status_code == 200
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and last.action == "export" and last.detail["count"] == 1


def _three_entries(user: Any) -> None:
    for n in range(3):
        audit.record(actor=user, action="view", target_type="person", target_id=n, purpose="test")


def test_an_untouched_chain_verifies(make_user: Any) -> None:
    _three_entries(make_user(Role.CITY_ADMIN))
    verdict = audit.verify_chain()
    assert verdict.ok and verdict.checked == 3


def test_an_edited_entry_breaks_the_chain(make_user: Any) -> None:
    _three_entries(make_user(Role.CITY_ADMIN))
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET purpose = %s WHERE seq = 2", ["changed"])
    verdict = audit.verify_chain()
    assert not verdict.ok and verdict.broken_at == 2


def test_a_removed_entry_breaks_the_chain(make_user: Any) -> None:
    _three_entries(make_user(Role.CITY_ADMIN))
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE seq = 2")
    assert not audit.verify_chain().ok


def test_removing_the_last_entry_is_detected(make_user: Any) -> None:
    _three_entries(make_user(Role.CITY_ADMIN))
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE seq = 3")
    verdict = audit.verify_chain()
    assert not verdict.ok and "removed" in verdict.reason


def test_entries_cannot_be_changed_through_the_orm(make_user: Any) -> None:
    _three_entries(make_user(Role.CITY_ADMIN))
    entry = AuditEntry.objects.get(seq=1)
    entry.purpose = "x"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_the_city_admin_can_search_the_log(client_as: Any, make_user: Any) -> None:
    officer = make_user(Role.WELFARE_OFFICER, username="officer-kim")
    audit.record(actor=officer, action="view", target_type="person", target_id=42, purpose="방문")
    admin = client_as(Role.CITY_ADMIN)
    body = admin.get("/audit/?actor=officer-kim&target_id=42").content.decode()
    assert "officer-kim" in body and "방문" in body
    assert "officer-kim" not in admin.get("/audit/?actor=nobody").content.decode()


def test_only_the_city_admin_reads_the_log(client_as: Any, dong: Any) -> None:
    assert client_as(Role.WELFARE_OFFICER, dong).get("/audit/").status_code == 403


def test_a_change_is_audited_with_the_fields_not_the_values(
    client_as: Any, dong: Any, make_person: Any
) -> None:
    person = make_person(dong, phone="010-0000-0000")
    client = client_as(Role.WELFARE_OFFICER, dong)
    response = client.post(
        f"/people/{person.pk}/edit/",
        {
            "name": person.name,
            "address": person.address,
            "phone": "010-9999-8888",
            "lives_alone": "on",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "010-9999-8888" and person.lives_alone
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and last.action == "update"
    assert last.detail == {"fields": ["lives_alone", "phone"]}
    assert "9999" not in str(last.detail)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(make_user: Any) -> None:
    import threading

    from django.db import connections

    user = make_user(Role.CITY_ADMIN)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(10):
                audit.record(
                    actor=user,
                    action="view",
                    target_type="person",
                    target_id=f"{n}-{i}",
                    purpose="parallel",
                )
        except BaseException as exc:  # reported below, in the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    verdict = audit.verify_chain()
    assert verdict.ok and verdict.checked == 40
