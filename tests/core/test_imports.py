"""The import pipeline as a user and an attacker meet it: uploads capped and private, every bad
input refused with a message in the reader's language, personal data masked in every error,
memory bounded, a job run once, a dead worker's job failed and cleaned."""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from saram.core.engine.identity import make_rrn
from saram.core.errors import SaramError
from saram.core.imports import keep_upload, purge_uploads, review
from saram.core.imports.uploads import upload_dir
from saram.core.models import Job, JobStatus, Person, Role
from saram.core.services import jobs
from saram.core.services.people import import_people

HEADER = "주민등록번호,이름,행정동코드,주소,전화,1인가구,정보활용동의"


@pytest.fixture(autouse=True)
def _private_data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def officer(make_user: Any, dong: Any) -> Any:
    return make_user(Role.WELFARE_OFFICER, dong)


def _rrn(n: int) -> str:
    import datetime as dt

    return make_rrn(dt.date(1960, 1, 1 + n % 28), "M", n)


def _bad_rrn(n: int) -> str:
    good = _rrn(n)
    return good[:12] + str((int(good[12]) + 1) % 10)  # wrong check digit


def _post(client: Any, url: str, data: bytes, name: str, **extra: Any) -> Any:
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(url, {"file": upload, **extra})


# --- Personal data never leaks through errors or files ------------------------------------


def test_a_rejected_rrn_is_masked_in_the_job_its_page_and_its_error_file(
    client_as: Any, dong: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as(Role.WELFARE_OFFICER, dong)
    bad = _bad_rrn(1)
    raw = f"{HEADER}\n{bad},홍길동,{dong.code},전주시 완산구 효자로 12 3층,010-1234-5678,Y,N\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "/people/import/", raw.encode(), "p.csv")
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.FAILED

    stored = str(job.result)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    download = client.get(f"/jobs/{job.pk}/errors.csv")
    error_file = b"".join(download.streaming_content).decode("utf-8-sig")
    for text in (stored, page, error_file):
        assert bad not in text and bad[6:] not in text
        assert "010-1234-5678" not in text and "효자로 12" not in text and "홍길동" not in text
    # The error file holds the whole row, masked, so the user can fix it and upload again.
    row = next(csv.reader(io.StringIO(error_file.splitlines()[1])))
    assert row[0] == "2" and "검증 숫자" in row[1]
    assert row[2:] == [
        bad[:6] + "*******",
        "홍*동",
        dong.code,
        "전주시 완산구 ***",
        "*******5678",
        "Y",
        "N",
    ]
    assert Person.objects.count() == 0


def test_the_error_file_and_page_speak_the_readers_language(
    client_as: Any, dong: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as(Role.WELFARE_OFFICER, dong)
    raw = f"{HEADER}\n{_bad_rrn(2)},가나,{dong.code},주소,,,\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "/people/import/", raw, "p.csv")
    job = Job.objects.get()
    english = client.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("en"):
        error_file = b"".join(review.error_csv(str(job.pk))).decode("utf-8-sig")
    assert "check digit" in english.content.decode().lower()
    assert "check digit" in error_file.lower() and "검증" not in error_file


def test_uploads_and_kept_errors_are_readable_by_the_service_user_alone(settings: Any) -> None:
    upload = keep_upload(b"a,b\n1,2\n", "x.csv")
    assert stat.S_IMODE(upload.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(upload_dir().stat().st_mode) == 0o700


def test_purge_removes_what_is_past_retention_and_keeps_the_rest(settings: Any) -> None:
    settings.SARAM_UPLOAD_KEEP_DAYS = 7
    old, new = keep_upload(b"old", "old.csv"), keep_upload(b"new", "new.csv")
    eight_days_ago = time.time() - 8 * 86400
    os.utime(old.path, (eight_days_ago, eight_days_ago))
    assert purge_uploads() == 1
    assert not old.path.exists() and new.path.exists()


def test_purge_uploads_is_a_command(settings: Any) -> None:
    from django.core.management import call_command

    kept = keep_upload(b"x", "x.csv")
    os.utime(kept.path, (0, 0))
    call_command("purge_uploads", "--days", "1")
    assert not kept.path.exists()


def test_an_upload_is_removed_when_its_job_ends(officer: Any, dong: Any) -> None:
    upload = keep_upload(f"{HEADER}\n{_rrn(3)},가나,{dong.code},주소,,,\n".encode(), "p.csv")
    job = jobs.start_job(
        by=officer, kind="people", label="t", params={}, enqueue=lambda _id: None, upload=upload
    )
    jobs.run_job(
        str(job.pk), lambda j: {"imported": import_people(by=officer, upload=upload, purpose="t")}
    )
    assert not upload.path.exists() and Person.objects.count() == 1


# --- Uploads are capped -------------------------------------------------------------------


def test_an_upload_over_the_cap_is_refused_at_once_and_nothing_is_kept(
    client_as: Any, dong: Any, settings: Any
) -> None:
    settings.SARAM_UPLOAD_MAX_MB = 1
    client = client_as(Role.WELFARE_OFFICER, dong)
    response = _post(client, "/people/import/", b"a," * (1024 * 1024), "big.csv")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "1 MB까지" in page
    assert not Job.objects.exists() and not any(upload_dir().glob("*.csv"))


def test_keep_upload_stops_at_the_cap() -> None:
    with pytest.raises(SaramError) as caught:
        keep_upload(io.BytesIO(b"x" * 3000), "x.csv", max_bytes=2048)
    assert caught.value.code == "import_too_large"
    assert not any(upload_dir().iterdir())


# --- Bad files get a clear message; attacks are refused within bounds ----------------------


def _refusal(officer: Any, data: bytes, name: str = "p.csv") -> SaramError:
    with pytest.raises(SaramError) as caught:
        import_people(by=officer, upload=keep_upload(data, name), purpose="t")
    return caught.value


def test_a_title_row_duplicate_headers_and_ragged_rows_are_explained(
    officer: Any, dong: Any
) -> None:
    title = _refusal(officer, f"주민 명단 2025,,,,,,\n{HEADER}\n".encode())
    assert title.code == "import_title_row" and "제목" in title.message
    duplicate = _refusal(officer, f"{HEADER},이름\n".encode())
    assert duplicate.code == "import_duplicate_header" and "두 번" in duplicate.message
    ragged = _refusal(
        officer, f"{HEADER}\n{_rrn(4)},가,{dong.code},전주시 완산구,,,,넘침\n".encode()
    )
    assert [(e.row, e.code) for e in ragged.row_errors] == [(2, "import_ragged_row")]
    with translation.override("en"):
        assert "title" in title.message.lower() and "twice" in duplicate.message.lower()


def test_an_unclosed_quote_is_named_with_its_row_not_taken_for_an_empty_file(
    officer: Any, dong: Any
) -> None:
    rows = [f"{_rrn(n)},주민{n},{dong.code},전주시 완산구,,N,Y" for n in range(20, 23)]
    rows[1] = rows[1].replace("주민21", '"주민21')  # row 3 opens a quote that never closes
    refused = _refusal(officer, ("\n".join([HEADER, *rows]) + "\n").encode())
    assert refused.code == "import_unclosed_quote"
    assert "3행" in refused.message and "큰따옴표" in refused.message
    assert "데이터 행이 없습니다" not in refused.message
    with translation.override("en"):
        assert "row 3" in refused.message and "quote" in refused.message
    assert Person.objects.filter(dong=dong).count() == 0  # nothing half-written
    # A quoted cell holding the separator is fine.
    rows[1] = f'{_rrn(21)},"주민, 21",{dong.code},전주시 완산구,,N,Y'
    import_people(
        by=officer,
        upload=keep_upload(("\n".join([HEADER, *rows]) + "\n").encode(), "p.csv"),
        purpose="t",
    )
    assert Person.objects.filter(dong=dong).count() == 3


@pytest.mark.parametrize(
    ("encoding", "separator", "name"),
    [("cp949", ",", "p.csv"), ("utf-8-sig", ",", "p.csv"), ("utf-16", "\t", "p.txt")],
)
def test_every_encoding_imports(
    officer: Any, dong: Any, encoding: str, separator: str, name: str
) -> None:
    rows = [f"{_rrn(n)},주민{n},{dong.code},전주시 완산구,,N,Y" for n in range(10, 14)]
    text = "\n".join([HEADER, *rows]).replace(",", separator) + "\n"
    upload = keep_upload(text.encode(encoding), name)
    assert import_people(by=officer, upload=upload, purpose="t") == 4
    assert Person.objects.filter(name="주민12").exists()


def test_a_million_column_header_is_refused_with_one_error(officer: Any) -> None:
    header = ",".join(f"열{i}" for i in range(1_000_000)).encode()
    error = _refusal(officer, header + b"\n1\n")
    assert error.code == "import_too_many_columns" and len(error.row_errors) == 1


def test_a_file_of_too_many_bad_rows_is_refused_before_checking_them(officer: Any) -> None:
    # The people import reads at most 200,000 rows: 250,000 bad ones (12 MB here; the same
    # for 200 MB) are refused from the row count alone.
    data = HEADER.encode() + b"\n" + b"1,x,1,x,,,\n" * 250_000
    error = _refusal(officer, data)
    assert error.code == "import_too_many_rows"


def test_many_bad_rows_keep_a_bounded_number_of_errors(
    officer: Any, dong: Any, django_capture_on_commit_callbacks: Any
) -> None:
    data = HEADER.encode() + b"\n" + f"1,x,{dong.code},x,,,\n".encode() * 20_000
    upload = keep_upload(data, "p.csv")
    job = jobs.start_job(
        by=officer, kind="people", label="t", params={}, enqueue=lambda _id: None, upload=upload
    )
    jobs.run_job(
        str(job.pk), lambda j: {"imported": import_people(by=officer, upload=upload, purpose="t")}
    )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert len(job.result["errors"]) == jobs.ERROR_PREVIEW
    assert job.result["error_count"] <= 4 * 1000 + 10
    assert len(str(job.result)) < 50_000


def test_a_zip_bomb_is_refused(officer: Any, settings: Any) -> None:
    from tests.core.engine.test_tabular import _zip_bomb

    error = _refusal(officer, _zip_bomb(250), "bomb.xlsx")
    assert error.code == "import_unpacked_too_large" and "MB" in error.message


def test_reading_past_the_memory_ceiling_fails_cleanly(officer: Any, settings: Any) -> None:
    settings.SARAM_IMPORT_MEMORY_MB = 150
    data = HEADER.encode() + b"\n" + (b"9" * 13 + b"," + b"x" * 300 + b",1,x,,,\n") * 150_000
    error = _refusal(officer, data)
    assert error.code == "import_out_of_memory" and "150 MB" in error.message


def test_xlsx_and_its_template_round_trip(client_as: Any, officer: Any, dong: Any) -> None:
    client = client_as(Role.WELFARE_OFFICER, dong)
    response = client.get("/imports/people/template.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data, notes = book.worksheets
    rows = list(data.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER.split(",") and len(rows) == 2
    allowed = {r[0]: r[2] for r in notes.iter_rows(values_only=True)}
    assert allowed["1인가구"] == "Y, N" and dong.code in allowed["행정동코드"]
    assert client.get("/imports/nothing/template.xlsx").status_code == 404


# --- Jobs run once; a dead worker's job is failed ----------------------------------------


def test_a_job_delivered_twice_runs_once(officer: Any) -> None:
    job = jobs.start_job(by=officer, kind="t", label="t", params={}, enqueue=lambda _id: None)
    calls: list[str] = []
    jobs.run_job(str(job.pk), lambda j: calls.append("x") or {"imported": 1})  # type: ignore[func-returns-value]
    jobs.run_job(str(job.pk), lambda j: calls.append("x") or {"imported": 1})  # type: ignore[func-returns-value]
    assert calls == ["x"]


def test_a_job_whose_worker_died_is_failed_with_a_reason_and_its_file_removed(
    officer: Any, client_as: Any, dong: Any
) -> None:
    import socket

    upload = keep_upload(b"a,b\n1,2\n", "p.csv")
    job = jobs.start_job(
        by=officer, kind="people", label="t", params={}, enqueue=lambda _id: None, upload=upload
    )
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        params=job.params | {"worker_host": socket.gethostname(), "worker_pid": dead.pid},
    )
    alive = jobs.start_job(by=officer, kind="t", label="t", params={}, enqueue=lambda _id: None)
    Job.objects.filter(pk=alive.pk).update(
        status=JobStatus.RUNNING,
        params={"worker_host": socket.gethostname(), "worker_pid": os.getpid()},
    )

    assert jobs.fail_abandoned() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result["code"] == "job_worker_died"
    assert not upload.path.exists()
    assert Job.objects.get(pk=alive.pk).status == JobStatus.RUNNING


# --- Access -------------------------------------------------------------------------------


def test_a_jobs_error_file_is_its_starters_alone_and_read_only(
    client_as: Any, dong: Any, other_dong: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as(Role.WELFARE_OFFICER, dong)
    raw = f"{HEADER}\n{_bad_rrn(5)},가나,{dong.code},주소,,,\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "/people/import/", raw, "p.csv")
    job = Job.objects.get()
    url = f"/jobs/{job.pk}/errors.csv"
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405
    assert client_as(Role.WELFARE_OFFICER, other_dong).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert Client().get("/imports/people/template.xlsx").status_code == 302
    assert review.exists(str(job.pk))


def test_a_file_that_is_no_table_shows_no_row_zero(
    client_as: Any, dong: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as(Role.WELFARE_OFFICER, dong)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "/people/import/", b"PK\x03\x04 not a workbook", "people.xlsx")
    page = client.get(f"/jobs/{Job.objects.get().pk}/", HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert "cannot be read as a table" in body
    assert "<td>0</td>" not in body
