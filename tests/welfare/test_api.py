"""The welfare API: the same scope and audit as the pages."""

from __future__ import annotations

import json
from typing import Any

from saram.core.models import AuditEntry
from saram.welfare.services import cases, referrals, rounds

from .conftest import NOW, TODAY


def _api(client: Any, method: str, url: str, data: Any = None) -> Any:
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, json.dumps(data), content_type="application/json")
    return response.status_code, (json.loads(response.content) if response.content else None)


def test_the_officer_reads_the_ranked_list_with_reasons(
    client_as: Any, officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    add_signal(make_person(dong, lives_alone=True), "electricity_arrears", TODAY, 6)
    rounds.plan_round(by=officer, dong=dong, today=TODAY)
    client = client_as("welfare_officer", dong)
    status, body = _api(client, "get", f"/api/welfare/outreach/{dong.code}")
    assert status == 200 and body["config_version"] == 1
    assert body["lines"][0]["reasons"][:2] == ["전기요금 체납 6개월", "혼자 삶"]
    assert AuditEntry.objects.filter(target_type="welfare_outreach", action="list").exists()


def test_a_member_records_a_visit_by_api(
    client: Any, officer: Any, dong: Any, make_person: Any, make_member: Any, add_signal: Any
) -> None:
    member = make_member()
    add_signal(make_person(dong, phone="010-1111-2222"), "gas_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    (a,) = rounds.start_round(by=officer, round_=round_, assignees=[member], now=NOW)
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    status, cards = _api(client, "get", "/api/welfare/my/visits")
    assert status == 200 and set(cards[0]) == {
        "id",
        "name",
        "address",
        "phone",
        "purpose",
        "due_on",
    }
    status, body = _api(
        client,
        "post",
        f"/api/welfare/my/visits/{a.pk}",
        {"visited_at": "2025-06-30T09:00:00+09:00", "outcome": "met", "needs": ["food"]},
    )
    assert status == 200 and body["assignment_status"] == "done"
    status, body = _api(
        client,
        "post",
        f"/api/welfare/my/visits/{a.pk}",
        {"visited_at": "2025-06-30T09:00:00+09:00", "outcome": "met"},
    )
    # Access ends with the duty: a finished visit is no longer the member's to see or record.
    assert status == 404


def test_the_referral_loop_by_api(
    client: Any,
    officer: Any,
    city: Any,
    make_user: Any,
    make_person: Any,
    sharing_consent: Any,
) -> None:
    person = make_person()
    sharing_consent(person, officer)
    case = cases.open_case(by=officer, person=person, programme="simple", now=NOW)
    resource = referrals.save_resource(
        by=make_user("city_admin"),
        city=city,
        name="푸드뱅크",
        kind="local",
        provider="전주",
        needs=["food"],
    )
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    status, sent = _api(
        client, "post", f"/api/welfare/cases/{case.pk}/referrals", {"resource_id": resource.pk}
    )
    assert status == 200 and sent["status"] == "sent"
    status, body = _api(
        client, "post", f"/api/welfare/referrals/{sent['id']}", {"status": "served"}
    )
    assert status == 400 and body["code"] == "referral_bad_step"
    _api(client, "post", f"/api/welfare/referrals/{sent['id']}", {"status": "accepted"})
    status, done = _api(
        client, "post", f"/api/welfare/referrals/{sent['id']}", {"status": "served"}
    )
    assert done["status"] == "served"
    status, got = _api(client, "get", f"/api/welfare/cases/{case.pk}")
    assert got["referrals"][0]["status"] == "served" and got["notes"] == []
