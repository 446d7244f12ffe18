"""The incubator's staff change and remove a tenant's milestones, mentoring sessions and founders:
a removal asks first, is audited, and is refused where it would lose what the firm relies on;
the founder's own page shows the change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from saram.core.models import AuditAction, AuditEntry, Organisation, OrganisationKind, Role
from saram.making import models as m

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def firm(client_as: Any) -> dict[str, Any]:
    """A tenant with a founder who signs in, a milestone and a session ahead; the manager."""
    founder_client = client_as(Role.CITIZEN)
    org = Organisation.objects.create(kind=OrganisationKind.FIRM, name="카본웍스")
    tenant = m.Tenant.objects.create(
        organisation=org,
        field="복합소재",
        term_starts_on=dt.date(2026, 3, 1),
        term_ends_on=dt.date(2028, 2, 28),
    )
    founder = m.Founder.objects.create(tenant=tenant, name="김창업", user=founder_client.user)
    return {
        "tenant": tenant,
        "founder": founder,
        "founder_client": founder_client,
        "manager": client_as(Role.INCUBATOR_MANAGER),
        "milestone": m.Milestone.objects.create(
            tenant=tenant, title="시제품 완성", due_on=dt.date(2027, 1, 31)
        ),
        "session": m.MentoringSession.objects.create(
            tenant=tenant, at=NOW + dt.timedelta(days=5), mentor="변리사", topic="특허 전략"
        ),
    }


def _refused(client: Client, url: str, tenant: m.Tenant) -> str:
    back = reverse("making:tenant", args=[tenant.pk])
    return client.post(url, follow=True, HTTP_REFERER=back).content.decode()


def _deleted(target: str, pk: int) -> bool:
    return AuditEntry.objects.filter(
        action=AuditAction.DELETE, target_type=target, target_id=pk
    ).exists()


def test_the_tenant_page_links_each_record_to_its_edit_and_remove_pages(
    firm: dict[str, Any],
) -> None:
    page = firm["manager"].get(reverse("making:tenant", args=[firm["tenant"].pk])).content
    for name, obj in (
        ("milestone", firm["milestone"]),
        ("mentoring", firm["session"]),
        ("founder", firm["founder"]),
    ):
        assert reverse(f"making:{name}_edit", args=[obj.pk]).encode() in page
        assert reverse(f"making:{name}_remove", args=[obj.pk]).encode() in page
    # The founder's own page shows the records without the staff's links.
    own = firm["founder_client"].get(reverse("making:company")).content
    assert "시제품 완성".encode() in own
    assert reverse("making:milestone_edit", args=[firm["milestone"].pk]).encode() not in own


def test_an_edited_milestone_and_session_show_on_the_founders_page(firm: dict[str, Any]) -> None:
    manager = firm["manager"]
    manager.post(
        reverse("making:milestone_edit", args=[firm["milestone"].pk]),
        {"title": "시제품 2차 완성", "due_on": "2027-02-28"},
    )
    manager.post(
        reverse("making:mentoring_edit", args=[firm["session"].pk]),
        {"at": "2026-12-15T15:30", "mentor": "세무사", "topic": "투자 유치"},
    )
    own = firm["founder_client"].get(reverse("making:company")).content.decode()
    assert "시제품 2차 완성" in own and "2027-02-28" in own
    assert "투자 유치" in own and "2026-12-15 15:30" in own
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, target_type="making_milestone"
    ).exists()


def test_removing_a_milestone_asks_first_then_removes_and_audits(firm: dict[str, Any]) -> None:
    manager, milestone = firm["manager"], firm["milestone"]
    url = reverse("making:milestone_remove", args=[milestone.pk])
    confirm = manager.get(url).content.decode()
    assert "되돌릴 수 없습니다" in confirm and "카본웍스" in confirm
    assert m.Milestone.objects.filter(pk=milestone.pk).exists()
    manager.post(url)
    assert not m.Milestone.objects.filter(pk=milestone.pk).exists()
    assert _deleted("making_milestone", milestone.pk)


def test_a_milestone_with_reported_progress_is_not_removed(firm: dict[str, Any]) -> None:
    milestone = firm["milestone"]
    m.Milestone.objects.filter(pk=milestone.pk).update(progress_pct=30)
    page = _refused(
        firm["manager"], reverse("making:milestone_remove", args=[milestone.pk]), firm["tenant"]
    )
    assert "진행률 30%가 있어 지울 수 없습니다" in page
    assert 'class="messages"' in page  # in the site's layout
    assert m.Milestone.objects.filter(pk=milestone.pk).exists()
    assert not _deleted("making_milestone", milestone.pk)


def test_a_session_ahead_is_removed_one_already_held_is_not(firm: dict[str, Any]) -> None:
    manager, ahead = firm["manager"], firm["session"]
    held = m.MentoringSession.objects.create(
        tenant=firm["tenant"], at=NOW - dt.timedelta(days=2), mentor="회계사", topic="결산"
    )
    page = _refused(manager, reverse("making:mentoring_remove", args=[held.pk]), firm["tenant"])
    assert "이미 열린 보육 실적이라 지울 수 없습니다" in page
    assert m.MentoringSession.objects.filter(pk=held.pk).exists()
    manager.post(reverse("making:mentoring_remove", args=[ahead.pk]))
    assert not m.MentoringSession.objects.filter(pk=ahead.pk).exists()
    assert _deleted("making_mentoring", ahead.pk)


def test_a_founder_with_bookings_on_the_firms_credits_stays_until_they_are_cancelled(
    firm: dict[str, Any], printer: m.Machine
) -> None:
    founder, tenant = firm["founder"], firm["tenant"]
    booking = m.Reservation.objects.create(
        machine=printer,
        user=founder.user,
        tenant=tenant,
        starts_at=NOW + dt.timedelta(days=1),
        ends_at=NOW + dt.timedelta(days=1, hours=2),
        created_at=NOW,
    )
    url = reverse("making:founder_remove", args=[founder.pk])
    assert "예약 1건이 남아 있어" in firm["manager"].get(url).content.decode()
    page = _refused(firm["manager"], url, tenant)
    assert "김창업 님은 회사 크레딧으로 잡은 예약이 1건 남아 있어" in page
    # Unlinking the account would strand the booking too.
    edit = firm["manager"].post(
        reverse("making:founder_edit", args=[founder.pk]), {"name": "김창업", "login": ""}
    )
    assert "예약이 1건 남아" in edit.content.decode()
    founder.refresh_from_db()
    assert founder.user_id is not None

    m.Reservation.objects.filter(pk=booking.pk).update(status=m.ReservationStatus.CANCELLED)
    firm["manager"].post(url)
    assert not m.Founder.objects.filter(pk=founder.pk).exists()
    assert _deleted("making_founder", founder.pk)
    own = firm["founder_client"].get(reverse("making:company")).content.decode()
    assert "카본웍스" not in own


def test_a_founders_new_name_shows_and_a_login_already_a_founder_is_refused(
    firm: dict[str, Any], make_user: Any
) -> None:
    other = make_user(Role.CITIZEN, username="park-founder")
    m.Founder.objects.create(tenant=firm["tenant"], name="박공동", user=other)
    url = reverse("making:founder_edit", args=[firm["founder"].pk])
    refused = firm["manager"].post(url, {"name": "김창업", "login": "park-founder"})
    assert "이미 이 기업의 창업자로 등록되어 있습니다" in refused.content.decode()
    firm["manager"].post(url, {"name": "김대표", "title": "대표이사", "login": ""})
    page = firm["manager"].get(reverse("making:tenant", args=[firm["tenant"].pk])).content
    assert "김대표".encode() in page and "대표이사".encode() in page
    assert b"park-founder" not in page  # people by name, never by login


# --- The public cluster map's dong boundaries ----------------------------------------------------


def test_anonymous_readers_get_the_dong_boundaries_and_nothing_about_residents(
    dong: Any, make_person: Any
) -> None:
    make_person(dong=dong)
    anonymous = Client()
    page = anonymous.get(reverse("making:cluster")).content.decode()
    url = reverse("making:dong_shapes")
    assert f'data-boundaries="{url}"' in page
    response = anonymous.get(url)
    assert response.status_code == 200
    feature = next(f for f in response.json()["features"] if f["properties"]["code"] == dong.code)
    assert feature["geometry"] == dong.boundary
    assert set(feature["properties"]) == {"code", "name", "gu"}  # no population, no staff link
    english = anonymous.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["features"]
    assert dong.name_en in {f["properties"]["name"] for f in english}
    # The staff's own boundary file still needs a sign-in.
    assert anonymous.get(reverse("dongs_geojson")).status_code in (302, 403)


# --- Booking on the firm's credits -------------------------------------------------------------


def test_a_founder_books_on_the_firms_credits_seeing_the_balance_and_the_booking_says_so(
    firm: dict[str, Any], printer: m.Machine, certify: Any, staff: Any
) -> None:
    from saram.making.services import reservations

    client, tenant = firm["founder_client"], firm["tenant"]
    certify(client.user)
    reservations.credit_tenant(by=staff, tenant=tenant, minutes=600, now=NOW)
    page = client.get(reverse("making:machine", args=[printer.pk])).content.decode()
    assert f'<option value="{tenant.pk}">카본웍스 (잔액 10.0시간)</option>' in page
    client.post(
        reverse("making:book", args=[printer.pk]),
        {"starts_at": "2026-12-08T10:00", "ends_at": "2026-12-08T12:00", "tenant": tenant.pk},
    )
    assert tenant.credits.order_by("-at", "-id").first().balance_minutes == 480
    mine = client.get(reverse("making:mine")).content.decode()
    assert "카본웍스 크레딧 사용" in mine
