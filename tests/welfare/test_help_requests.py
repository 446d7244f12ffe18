"""The public door: a resident asks for help without logging in, gets a receipt, sees it was
handled; the request lands in the dong's queue, matched to a resident where possible."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from saram.core.errors import SaramError
from saram.core.models import Household
from saram.welfare.models import HelpRequest
from saram.welfare.services import requests

from .conftest import NOW


@pytest.fixture
def home(dong: Any, make_person: Any) -> tuple[Household, Any]:
    household = Household.objects.create(
        dong=dong, address="전북 전주시 덕진구 송천로 12", key="h-1"
    )
    person = make_person(dong, name="김할매", household=household, address=household.address)
    return household, person


def _solve(page: str) -> tuple[str, str]:
    a, b = re.search(r"확인 문제: (\d+) \+ (\d+)", page).groups()  # type: ignore[union-attr]
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    return str(int(a) + int(b)), token


def test_a_neighbour_asks_for_help_and_follows_it_by_receipt(
    city: Any, dong: Any, home: tuple[Household, Any], make_user: Any
) -> None:
    household, person = home
    client = Client()
    with time_machine.travel(NOW, tick=False):
        page = client.get("/welfare/help/").content.decode()
        places = client.get("/welfare/help/places/", {"q": "송천로 12"}).json()["places"]
    assert places[0]["label"] == household.address and places[0]["dong"] == dong.name
    answer, token = _solve(page)
    with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
        response = client.post(
            "/welfare/help/",
            {
                "about": "neighbour",
                "place": places[0]["key"],
                "name": "김할매",
                "description": "며칠째 불이 꺼져 있고 우편물이 쌓여 있어요",
                "consent": "on",
                "answer": answer,
                "token": token,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        made = HelpRequest.objects.get()
        done = client.get(response["Location"]).content.decode()
    assert (made.dong, made.person, made.due_on) == (
        dong,
        person,
        timezone.localtime(NOW).date() + dt.timedelta(days=requests.ANSWER_DAYS),
    )
    assert made.receipt in done

    status = client.get("/welfare/help/status/", {"receipt": made.receipt}).content.decode()
    assert "접수됨" in status and "며칠째" not in status and "김할매" not in status

    officer = make_user("welfare_officer", dong)
    office = Client()
    office.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    assert "송천로 12" in office.get("/welfare/help-requests/").content.decode()
    office.post(
        f"/welfare/help-requests/{made.pk}/",
        {"outcome": "visited", "answer": "방문해 긴급지원 안내"},
    )
    made.refresh_from_db()
    assert made.status == "handled" and made.handled_by == officer
    status = client.get("/welfare/help/status/", {"receipt": made.receipt}).content.decode()
    assert "처리됨" in status and "긴급지원" not in status


def test_an_officer_of_another_dong_never_sees_the_request(
    city: Any, dong: Any, other_dong: Any, home: tuple[Household, Any], client_as: Any
) -> None:
    made = requests.submit_request(
        city=city,
        place_key=f"d:{dong.pk}",
        about="self",
        description="도와주세요",
        consent=True,
        client="1.2.3.4",
        now=NOW,
    )
    other = client_as("welfare_officer", other_dong)
    assert other.get(f"/welfare/help-requests/{made.pk}/").status_code == 404
    assert (
        other.post(
            f"/welfare/help-requests/{made.pk}/", {"outcome": "no_need", "answer": "x"}
        ).status_code
        == 404
    )
    made.refresh_from_db()
    assert made.status == "received"
    assert "도와주세요" not in other.get("/welfare/help-requests/").content.decode()


def test_an_unmatched_request_is_kept_in_the_queue(city: Any, dong: Any) -> None:
    made = requests.submit_request(
        city=city,
        place_key=f"d:{dong.pk}",
        about="neighbour",
        description="옆집이 걱정돼요",
        consent=True,
        client="1.2.3.4",
        now=NOW,
    )
    assert made.person is None and made.status == "received" and made.address == dong.name


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"consent": False}, "help_consent_required"),
        ({"place_key": "a:999999:어딘가"}, "help_place_unknown"),
        ({"place_key": "free text nobody can match"}, "help_place_unknown"),
        ({"description": "  "}, "help_description_required"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_kept(
    city: Any, dong: Any, fields: dict[str, Any], code: str
) -> None:
    values = {
        "place_key": f"d:{dong.pk}",
        "about": "self",
        "description": "도움",
        "consent": True,
        **fields,
    }
    with pytest.raises(SaramError) as caught:
        requests.submit_request(city=city, client="1.2.3.4", now=NOW, **values)
    assert caught.value.code == code
    assert not HelpRequest.objects.exists()


def test_the_rate_limit_and_the_challenge(city: Any, dong: Any) -> None:
    for _ in range(requests.SEND_LIMIT[0]):
        requests.submit_request(
            city=city,
            place_key=f"d:{dong.pk}",
            about="self",
            description="x",
            consent=True,
            client="9.9.9.9",
            now=NOW,
        )
    with pytest.raises(SaramError) as caught:
        requests.submit_request(
            city=city,
            place_key=f"d:{dong.pk}",
            about="self",
            description="x",
            consent=True,
            client="9.9.9.9",
            now=NOW,
        )
    assert caught.value.code == "help_rate_limited"
    question, token = requests.new_challenge(now=NOW)
    right = str(sum(int(n) for n in question.split(" + ")))
    later = NOW + dt.timedelta(seconds=10)
    with pytest.raises(SaramError) as caught:
        requests.check_challenge(token=token, answer=right, now=NOW)  # no time to read
    assert caught.value.code == "help_too_fast"
    with pytest.raises(SaramError) as caught:
        requests.check_challenge(token=token, answer="0", now=later)
    assert caught.value.code == "help_challenge_wrong"
    with pytest.raises(SaramError) as caught:
        requests.check_challenge(token=token + "x", answer=right, now=later)
    assert caught.value.code == "help_challenge_wrong"
    requests.check_challenge(token=token, answer=right, now=later)
