"""Parts of the home and dong pages are kept rendered between requests; what a reader sees is
still what the database holds now, in their language, whoever rendered it first."""

from __future__ import annotations

import re
from typing import Any

from saram.core.models import Organisation, Role


def test_home_table_shows_a_renamed_dong_at_once(client_as: Any, dong: Any) -> None:
    client = client_as(Role.CITIZEN)
    assert dong.name in client.get("/").content.decode()
    dong.name = "새이름동"
    dong.save(update_fields=["name"])
    body = client.get("/").content.decode()
    assert "새이름동" in body


def test_home_table_shows_new_residents_at_once(
    client_as: Any, dong: Any, make_person: Any
) -> None:
    from saram.core.selectors import forget_population

    client = client_as(Role.CITIZEN)
    client.get("/")
    make_person(dong)
    forget_population()
    body = client.get("/").content.decode()
    row = re.search(rf'/dongs/{dong.code}/">.*?</tr>', body, re.DOTALL)
    assert row is not None and '<td class="num">1</td>' in row.group(0)


def test_home_table_in_english_after_a_korean_reader(client_as: Any, dong: Any) -> None:
    korean, english = client_as(Role.CITIZEN), client_as(Role.CITIZEN)
    assert dong.name in korean.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    english.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = english.get("/").content.decode()
    assert dong.name_en in body and f">{dong.name}<" not in body


def test_dong_page_shows_organisation_changes_at_once(client_as: Any, dong: Any) -> None:
    client = client_as(Role.CITIZEN)
    org = Organisation.objects.create(kind="library", name="송천작은도서관", dong=dong)
    assert "송천작은도서관" in client.get(f"/dongs/{dong.code}/").content.decode()
    org.name = "송천마을도서관"
    org.save()
    Organisation.objects.create(kind="civic", name="송천시민모임", dong=dong)
    body = client.get(f"/dongs/{dong.code}/").content.decode()
    assert "송천마을도서관" in body and "송천시민모임" in body and "송천작은도서관" not in body
    Organisation.objects.filter(pk=org.pk).update(address="전주시 덕진구 송천로 1")
    assert "송천로 1" in client.get(f"/dongs/{dong.code}/").content.decode()


def test_dong_page_filter_and_language_are_not_mixed_up(client_as: Any, dong: Any) -> None:
    Organisation.objects.create(kind="library", name="송천작은도서관", dong=dong)
    Organisation.objects.create(kind="civic", name="송천시민모임", dong=dong)
    client = client_as(Role.CITIZEN)
    client.get(f"/dongs/{dong.code}/")
    body = client.get(f"/dongs/{dong.code}/?kind=civic").content.decode()
    assert "송천시민모임" in body and "송천작은도서관" not in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/dongs/{dong.code}/?kind=civic").content.decode()
    assert "Civic group" in english and "시민단체" not in english
