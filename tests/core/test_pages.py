"""What a user sees: the city home with its map, dong pages, language, login lockout."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from saram.core.models import Organisation, Role


def test_home_lists_every_dong_with_its_population(
    client_as: Any, dong: Any, make_person: Any
) -> None:
    make_person(dong)
    make_person(dong)
    body = client_as(Role.CITIZEN).get("/").content.decode()
    assert "전주시" in body and "송천1동" in body and 'id="map"' in body


def test_map_data_has_35_dongs_linking_to_their_pages(client_as: Any, city: Any) -> None:
    data = json.loads(client_as(Role.CITIZEN).get("/dongs.geojson").content)
    assert len(data["features"]) == 35
    first = data["features"][0]["properties"]
    assert first["url"] == f"/dongs/{first['code']}/"


def test_dong_page_shows_name_gu_code_population_and_organisations(
    client_as: Any, dong: Any, make_person: Any
) -> None:
    make_person(dong)
    Organisation.objects.create(kind="children_centre", name="꿈나무지역아동센터", dong=dong)
    body = client_as(Role.CITIZEN).get(f"/dongs/{dong.code}/").content.decode()
    assert dong.name in body and dong.gu.name in body and dong.code in body
    assert "꿈나무지역아동센터" in body and 'id="population">1<' in body


def test_unknown_dong_is_404(client_as: Any, city: Any) -> None:
    assert client_as(Role.CITIZEN).get("/dongs/0000000000/").status_code == 404


def test_english_is_one_switch_away(client_as: Any, dong: Any) -> None:
    client = client_as(Role.CITIZEN)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(f"/dongs/{dong.code}/").content.decode()
    assert dong.name_en in body and "Organisations" in body


def test_pages_need_a_login(city: Any) -> None:
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_repeated_failed_logins_lock_the_account(make_user: Any, settings: Any) -> None:
    user = make_user(Role.WELFARE_OFFICER)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": user.raw_password}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_good_login_goes_home(make_user: Any) -> None:
    user = make_user(Role.CITIZEN)
    response = Client().post(
        "/accounts/login/", {"username": user.username, "password": user.raw_password}
    )
    assert response.status_code == 302 and response["Location"] == "/"
