"""Importing residents: all or nothing, every bad row named with its field and reason."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from saram.core.engine.identity import make_rrn
from saram.core.errors import SaramError
from saram.core.imports import keep_upload
from saram.core.models import AuditEntry, Job, Person, Role
from saram.core.services.people import import_people

HEADER = "주민등록번호,이름,행정동코드,주소,전화,1인가구,정보활용동의\n"


def _rrn(n: int) -> str:
    import datetime as dt

    return make_rrn(dt.date(1950 + n, 1, 1 + n), "F" if n % 2 else "M", n)


def _csv(rows: list[str]) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


@pytest.fixture
def officer(make_user: Any, dong: Any) -> Any:
    return make_user(Role.WELFARE_OFFICER, dong)


def test_good_file_imports_every_row(officer: Any, dong: Any) -> None:
    raw = _csv([f"{_rrn(n)},주민{n},{dong.code},주소 {n},010-1234-567{n},Y,N" for n in range(3)])
    assert import_people(by=officer, upload=keep_upload(raw, "p.csv"), purpose="t") == 3
    assert Person.objects.filter(dong=dong).count() == 3
    person = Person.objects.get(name="주민0")
    assert person.lives_alone is True and person.consent is False
    assert person.masked_rrn.endswith("******") and bytes(person.rrn_cipher) != _rrn(0).encode()


def test_a_bad_row_in_the_middle_writes_nothing(officer: Any, dong: Any) -> None:
    bad_checksum = _rrn(1)[:-1] + str((int(_rrn(1)[-1]) + 1) % 10)
    raw = _csv(
        [
            f"{_rrn(0)},가,{dong.code},주소,,Y,Y",
            f"{bad_checksum},나,{dong.code},주소,,Y,Y",
            f"{_rrn(2)},다,9999999999,주소,,Y,Y",
            f"{_rrn(3)},라,{dong.code},주소,,Y,Y",
        ]
    )
    with pytest.raises(SaramError) as caught:
        import_people(by=officer, upload=keep_upload(raw, "p.csv"), purpose="t")
    problems = {(e.row, e.field) for e in caught.value.row_errors}
    assert problems == {(3, "주민등록번호"), (4, "행정동코드")}
    assert "검증" in next(e.message for e in caught.value.row_errors if e.row == 3)
    assert Person.objects.count() == 0
    assert not AuditEntry.objects.filter(action="import").exists()


def test_a_wrong_header_names_the_columns(officer: Any) -> None:
    raw = "번호,이름\n1,가\n".encode()
    with pytest.raises(SaramError) as caught:
        import_people(by=officer, upload=keep_upload(raw, "p.csv"), purpose="t")
    assert caught.value.code == "import_bad_header"
    assert {e.field for e in caught.value.row_errors} >= {"주민등록번호", "번호"}


def test_an_empty_sheet_is_refused(officer: Any) -> None:
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(SaramError) as caught:
        import_people(by=officer, upload=keep_upload(out.getvalue(), "p.xlsx"), purpose="t")
    assert caught.value.code == "import_empty_file"


def test_xlsx_imports_like_csv(officer: Any, dong: Any) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append([_rrn(5), "엑셀", dong.code, "주소", "", "N", "Y"])
    out = io.BytesIO()
    book.save(out)
    assert import_people(by=officer, upload=keep_upload(out.getvalue(), "p.xlsx"), purpose="t") == 1


def test_duplicates_in_the_file_or_the_registry_are_named(
    officer: Any, dong: Any, make_person: Any
) -> None:
    existing = make_person(dong)
    raw = _csv(
        [
            f"{_rrn(7)},가,{dong.code},주소,,,",
            f"{_rrn(7)},나,{dong.code},주소,,,",
            f"{existing.rrn},다,{dong.code},주소,,,",
        ]
    )
    with pytest.raises(SaramError) as caught:
        import_people(by=officer, upload=keep_upload(raw, "p.csv"), purpose="t")
    assert sorted(e.row for e in caught.value.row_errors) == [3, 4]


def test_an_officer_cannot_import_into_another_dong(officer: Any, other_dong: Any) -> None:
    raw = _csv([f"{_rrn(1)},가,{other_dong.code},주소,,,"])
    with pytest.raises(SaramError) as caught:
        import_people(by=officer, upload=keep_upload(raw, "p.csv"), purpose="t")
    assert caught.value.row_errors[0].field == "행정동코드"


def test_upload_page_runs_a_job_and_shows_row_errors(
    client_as: Any, dong: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as(Role.WELFARE_OFFICER, dong)
    upload = SimpleUploadedFile("p.csv", _csv([f"{_rrn(1)},가,0000000000,주소,,,"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/people/import/", {"file": upload})
    job = Job.objects.get()
    response = client.get(response["Location"])
    assert job.status == "failed"
    body = response.content.decode()
    assert "0000000000" in body and "행정동코드" in body
    upload = SimpleUploadedFile("p.csv", _csv([f"{_rrn(1)},가,{dong.code},주소,,,"]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/people/import/", {"file": upload})
    assert Job.objects.filter(status="succeeded").count() == 1
    assert Person.objects.count() == 1
