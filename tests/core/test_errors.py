"""Errors are a code and parameters, rendered in the reader's language wherever they are shown:
a job's stored failure, the job page, the API's 400 body, a file of row errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from saram.api import saram_error
from saram.core.errors import RowError, SaramError, is_registered, register, render
from saram.core.models import Job, JobStatus, Role
from saram.core.services import jobs

pytestmark = pytest.mark.django_db


def _fail_in_korean(user: Any) -> Job:
    """A job whose work fails the way an import does, run while Korean is active (the worker)."""
    job = Job.objects.create(kind="people", label="주민 가져오기", created_by=user)

    def work(job: Job) -> dict[str, Any]:
        raise SaramError(
            "bad_boundaries",
            file="dongs.geojson",
            row_errors=[RowError(3, "행정동코드", value="99", code="unknown_dong_code")],
        )

    with translation.override("ko"):
        jobs.run_job(str(job.pk), work)
    job.refresh_from_db()
    return job


def test_a_job_failed_in_korean_reads_in_english_for_an_english_reader(make_user: Any) -> None:
    job = _fail_in_korean(make_user(Role.WELFARE_OFFICER))
    assert job.status == JobStatus.FAILED
    assert job.result["code"] == "bad_boundaries"
    assert job.result["params"] == {"file": "dongs.geojson"}
    with translation.override("en"):
        assert job.status_message == (
            "The boundary file dongs.geojson has errors; nothing was loaded."
        )
        assert [e.message for e in job.row_errors] == ["Unknown dong code."]
    with translation.override("ko"):
        assert (
            job.status_message
            == "경계 파일 dongs.geojson에 오류가 있어 아무것도 불러오지 않았습니다."
        )


def test_the_job_page_shows_the_failure_in_the_readers_language(make_user: Any) -> None:
    user = make_user(Role.WELFARE_OFFICER)
    job = _fail_in_korean(user)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    english = client.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "nothing was loaded" in english and "Unknown dong code." in english
    assert "불러오지" not in english
    korean = client.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "알 수 없는 행정동코드입니다." in korean


def test_a_crash_in_the_worker_stores_a_code_not_its_text(make_user: Any) -> None:
    job = Job.objects.create(kind="people", label="x", created_by=make_user(Role.CITY_ADMIN))

    def work(job: Job) -> dict[str, Any]:
        raise RuntimeError("connection to 010-1234-5678 lost")

    with pytest.raises(RuntimeError):
        jobs.run_job(str(job.pk), work)
    job.refresh_from_db()
    assert job.result["code"] == "job_crashed" and "010-1234-5678" not in json.dumps(job.result)
    with translation.override("en"):
        assert job.status_message.startswith("The job stopped unexpectedly")


def test_the_api_answers_400_with_code_message_and_row_errors_in_the_readers_language() -> None:
    exc = SaramError(
        "same_rrn_as_row",
        row_errors=[RowError(4, "주민등록번호", code="same_rrn_as_row", params={"row": 2})],
        row=2,
    )
    request = RequestFactory().post("/api/people")
    with translation.override("en"):
        response = saram_error(request, exc)
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["code"] == "same_rrn_as_row"
    assert body["message"] == "Same resident registration number as row 2."
    assert body["errors"][0]["row"] == 4 and body["errors"][0]["code"] == "same_rrn_as_row"
    assert body["errors"][0]["message"] == "Same resident registration number as row 2."


def test_every_code_core_raises_is_registered_and_translated() -> None:
    codes = [
        "no_manifest",
        "bad_manifest",
        "manifest_key_missing",
        "bad_boundaries",
        "boundary_missing_property",
        "boundary_bad_kind",
        "out_of_scope",
        "duplicate_rrn",
        "bad_field",
        "unknown_dong_code",
        "dong_not_in_scope",
        "same_rrn_as_row",
        "same_business_number_as_row",
        "no_dongs",
        "no_city",
        "demo_in_use",
        "demo_bad_rows",
        "demo_in_production",
        "demo_users_in_production",
        "bad_size",
        "job_crashed",
    ]
    for code in codes:
        assert is_registered(code), code
        with translation.override("en"):
            english = render(code, {"path": "p", "detail": "d", "key": "k", "file": "f"})
        assert not any("\uac00" <= ch <= "\ud7a3" for ch in english), (code, english)


def test_a_percent_sign_reads_the_same_with_and_without_parameters() -> None:
    register(
        {
            "test_full_percent": "정원의 100%%가 찼습니다.",
            "test_share_percent": "정원의 %(share)s%%가 찼습니다.",
        }
    )
    assert render("test_full_percent") == "정원의 100%가 찼습니다."
    assert SaramError("test_full_percent").message == "정원의 100%가 찼습니다."
    assert RowError(2, "정원", code="test_full_percent").message == "정원의 100%가 찼습니다."
    assert SaramError("test_share_percent", share=90).message == "정원의 90%가 찼습니다."
    # A parameter the caller forgot leaves the rest of the message readable.
    assert SaramError("test_share_percent").message == "정원의 %가 찼습니다."
