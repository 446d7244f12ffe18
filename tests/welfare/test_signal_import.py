"""Importing signal files: all or nothing, every bad row named, uncertain people reviewed."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from saram.core.errors import SaramError
from saram.core.imports import keep_upload, review
from saram.core.models import AuditEntry, Job, JobStatus
from saram.welfare.models import ImportStatus, MatchReview, ReviewStatus, Signal, SignalImport
from saram.welfare.services import signals

from .conftest import TODAY

HEADER = "주민등록번호,이름,생년월일,주소,신호유형,기준일,값,출처"


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _import(
    by: Any, city: Any, dong: Any, raw: bytes, *, name: str = "s.csv", **kwargs: Any
) -> SignalImport:
    batch = signals.start_import(by=by, city=city, dong=dong, upload=keep_upload(raw, name))
    return signals.import_signals(by=by, batch=batch, today=TODAY, **kwargs)


def test_rows_are_matched_by_resident_registration_number(
    officer: Any, city: Any, dong: Any, make_person: Any
) -> None:
    a, b = make_person(dong), make_person(dong)
    raw = _csv(
        f"{a.rrn},,,,electricity_arrears,2025-05-31,3,한전",
        f'{b.rrn[:6]}-{b.rrn[6:]},,,,건강보험료 체납,2025-06-01,"1,200",건보',
        f"{b.rrn},,,,job_loss,20250610,,고용보험",
    )
    batch = _import(officer, city, dong, raw)

    assert batch.status == ImportStatus.IMPORTED
    assert (batch.row_count, batch.imported_count, batch.review_count, batch.error_count) == (
        3,
        3,
        0,
        0,
    )
    rows = sorted(
        Signal.objects.values_list("person_id", "kind__code", "observed_on", "value", "source")
    )
    assert rows == sorted(
        [
            (a.pk, "electricity_arrears", dt.date(2025, 5, 31), 3, "한전"),
            (b.pk, "health_insurance_arrears", dt.date(2025, 6, 1), 1200, "건보"),
            (b.pk, "job_loss", dt.date(2025, 6, 10), 1, "고용보험"),
        ]
    )
    entry = AuditEntry.objects.get(action="import", target_type="welfare_signal")
    assert entry.detail["imported"] == 3 and entry.actor_id == officer.pk


def test_name_birth_date_and_address_match_and_an_address_mismatch_waits_for_review(
    officer: Any, city: Any, dong: Any, make_person: Any
) -> None:
    sure = make_person(
        dong, name="김영희", birth_date=dt.date(1950, 2, 3), address="전주시 덕진구 송천로 1"
    )
    unsure = make_person(
        dong, name="이철수", birth_date=dt.date(1960, 4, 5), address="전주시 덕진구 송천로 2"
    )
    raw = _csv(
        "     ,김영희,1950-02-03,전주시  덕진구 송천로 1,gas_arrears,2025-06-01,2,가스",
        ",이철수,1960-04-05,전주시 덕진구 다른길 9,gas_arrears,2025-06-01,2,가스",
    )
    batch = _import(officer, city, dong, raw)

    assert (batch.imported_count, batch.review_count) == (1, 1)
    assert Signal.objects.get().person == sure
    review = MatchReview.objects.get()
    assert (review.row_number, review.candidates, review.status) == (
        3,
        [unsure.pk],
        ReviewStatus.PENDING,
    )

    signals.resolve_review(by=officer, review=review, person=unsure)
    assert Signal.objects.filter(person=unsure, kind__code="gas_arrears", value=2).exists()
    review.refresh_from_db()
    assert review.status == ReviewStatus.MATCHED


def test_every_bad_row_is_reported_and_nothing_is_imported(
    officer: Any, city: Any, dong: Any, make_person: Any
) -> None:
    good = make_person(dong)
    twin_a = make_person(dong, name="최동일", birth_date=dt.date(1970, 1, 1), address="같은집 1")
    make_person(dong, name="최동일", birth_date=dt.date(1970, 1, 1), address="같은집 1")
    raw = _csv(
        f"{good.rrn},,,,electricity_arrears,2025-05-31,3,한전",  # row 2: fine
        f"{good.rrn},,,,moon_arrears,2025-05-31,3,한전",  # row 3: unknown type
        f"{good.rrn},,,,electricity_arrears,2025-07-01,3,한전",  # row 4: future
        f"{good.rrn},,,,electricity_arrears,2025-05-31,-2,한전",  # row 5: negative
        ",최동일,1970-01-01,같은집 1,job_loss,2025-05-31,,고용",  # row 6: two people
    )
    with pytest.raises(SaramError) as caught:
        _import(officer, city, dong, raw)

    problems = {(e.row, e.field) for e in caught.value.row_errors}
    assert problems == {(3, "신호유형"), (4, "기준일"), (5, "값"), (6, "이름")}
    by_row = {e.row: e.message for e in caught.value.row_errors}
    assert "알 수 없는 신호 유형" in by_row[3]
    assert "미래" in by_row[4]
    assert "0 이상" in by_row[5]
    assert "두 명 이상" in by_row[6]
    assert not Signal.objects.exists()
    batch = SignalImport.objects.get()
    assert (batch.status, batch.error_count, batch.valid_count) == (ImportStatus.REJECTED, 4, 1)
    error_file = b"".join(review.error_csv(signals.review_key(batch))).decode("utf-8-sig")
    assert error_file.count("\n") == 5
    assert twin_a.pk  # both twins stay untouched


def test_after_the_report_the_user_may_import_only_the_valid_rows(
    officer: Any, city: Any, dong: Any, make_person: Any
) -> None:
    good = make_person(dong)
    raw = _csv(
        f"{good.rrn},,,,electricity_arrears,2025-05-31,3,한전",
        f"{good.rrn},,,,electricity_arrears,2099-01-01,3,한전",
    )
    batch = signals.start_import(by=officer, city=city, dong=dong, upload=keep_upload(raw, "s.csv"))
    with pytest.raises(SaramError):
        signals.import_signals(by=officer, batch=batch, today=TODAY)

    done = signals.import_signals(by=officer, batch=batch, today=TODAY, only_valid_rows=True)

    assert (done.status, done.imported_count, done.error_count) == (ImportStatus.IMPORTED, 1, 1)
    assert done.only_valid_rows
    assert Signal.objects.get().observed_on == dt.date(2025, 5, 31)


def test_a_resident_of_another_dong_is_routed_to_that_dong(
    officer: Any, city: Any, dong: Any, other_dong: Any, make_person: Any, client_as: Any
) -> None:
    elsewhere = make_person(other_dong)
    done = _import(officer, city, dong, _csv(f"{elsewhere.rrn},,,,job_loss,2025-05-31,,x"))
    assert (done.imported_count, done.routed_count, done.error_count) == (1, 1, 0)
    assert Signal.objects.get().person == elsewhere  # in the other dong's lists now
    # The uploading officer learns only the count, never the resident.
    uploader = Client()
    uploader.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    assert uploader.get(f"/welfare/people/{elsewhere.pk}/").status_code == 404
    there = client_as("welfare_officer", other_dong)
    assert there.get(f"/welfare/people/{elsewhere.pk}/").status_code == 200


def test_one_number_held_by_two_residents_is_an_error(
    officer: Any, city: Any, dong: Any, make_person: Any
) -> None:
    first = make_person(dong)
    make_person(dong, rrn=first.rrn)
    with pytest.raises(SaramError) as caught:
        _import(officer, city, dong, _csv(f"{first.rrn},,,,job_loss,2025-05-31,,x"))
    assert "두 명 이상" in caught.value.row_errors[0].message


def test_bad_cells_each_say_what_would_be_right(
    officer: Any, city: Any, dong: Any, make_person: Any
) -> None:
    good = make_person(dong)
    bad_check = good.rrn[:-1] + str((int(good.rrn[-1]) + 1) % 10)
    raw = _csv(
        f"{bad_check},,,,job_loss,2025-05-31,,x",  # 2: checksum
        f"{good.rrn},,,,job_loss,31/05/2025,,x",  # 3: date format
        f"{good.rrn},,,,electricity_arrears,2025-05-31,,x",  # 4: months needed
        f"{good.rrn},,,,electricity_arrears,2025-05-31,2.5,x",  # 5: not whole
        f"{good.rrn},,,,job_loss,2025-05-31,3,x",  # 6: a flag is 1
        ",,,,job_loss,2025-05-31,,x",  # 7: nobody to find
        ",김,1950-13-01,,job_loss,2025-05-31,,x",  # 8: birth date
    )
    with pytest.raises(SaramError) as caught:
        _import(officer, city, dong, raw)
    fields = {(e.row, e.field) for e in caught.value.row_errors}
    assert {
        (2, "주민등록번호"),
        (3, "기준일"),
        (4, "값"),
        (5, "값"),
        (6, "값"),
        (7, "주민등록번호"),
        (8, "생년월일"),
    } <= fields


def test_a_wrong_header_names_the_columns(officer: Any, city: Any, dong: Any) -> None:
    with pytest.raises(SaramError) as caught:
        _import(officer, city, dong, "번호,신호\n1,job_loss\n".encode())
    assert caught.value.code == "import_bad_header"
    assert {e.field for e in caught.value.row_errors} >= {"신호유형", "기준일", "번호"}
    batch = SignalImport.objects.get()
    assert batch.status == ImportStatus.REJECTED and batch.errors


def test_english_headers_and_cp949_are_read(
    officer: Any, city: Any, dong: Any, make_person: Any
) -> None:
    person = make_person(dong)
    raw = f"rrn,signal_type,observed_on,value,source\n{person.rrn},단전,2025-06-01,,한국전력\n"
    batch = _import(officer, city, dong, raw.encode("cp949"))
    assert batch.imported_count == 1 and Signal.objects.get().source == "한국전력"


def test_xlsx_imports_like_csv(officer: Any, city: Any, dong: Any, make_person: Any) -> None:
    person = make_person(dong)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["주민등록번호", "신호유형", "기준일", "값"])
    sheet.append([person.rrn, "monthly_rent_arrears", dt.datetime(2025, 6, 1), 4])
    out = io.BytesIO()
    book.save(out)
    batch = _import(officer, city, dong, out.getvalue(), name="s.xlsx")
    assert batch.imported_count == 1 and Signal.objects.get().value == 4


def test_an_officer_cannot_import_for_another_dong(
    officer: Any, city: Any, other_dong: Any
) -> None:
    with pytest.raises(SaramError) as caught:
        signals.start_import(
            by=officer, city=city, dong=other_dong, upload=keep_upload(b"x", "s.csv")
        )
    assert caught.value.code == "import_dong_forbidden"


def test_the_city_imports_for_every_dong(
    make_user: Any, city: Any, dong: Any, other_dong: Any, make_person: Any, config: Any
) -> None:
    admin = make_user("city_admin")
    a, b = make_person(dong), make_person(other_dong)
    raw = _csv(f"{a.rrn},,,,job_loss,2025-05-31,,x", f"{b.rrn},,,,job_loss,2025-05-31,,x")
    assert _import(admin, city, None, raw).imported_count == 2


# --- The pages, with the job that runs the import -------------------------------------------------


def test_an_upload_runs_as_a_job_and_its_page_reports_the_result(
    client_as: Any,
    dong: Any,
    config: Any,
    make_person: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = make_person(dong)
    client = client_as("welfare_officer", dong)
    upload = io.BytesIO(
        _csv(f"{person.rrn},,,,job_loss,2025-05-31,,x", f"{person.rrn},,,,nope,2025-05-31,,x")
    )
    upload.name = "signals.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/welfare/signals/", {"file": upload, "dong": dong.code})
    batch = SignalImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/welfare/signals/{batch.pk}/"
    job = Job.objects.get(kind="welfare_signals")
    assert job.status == JobStatus.FAILED
    # The job's title is kept as a message and its parameters, read in the reader's language.
    english = client.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Import risk signals: signals.csv</h1>" in english
    assert (
        "<h1>위험 신호 가져오기: signals.csv</h1>"
        in client.get(f"/jobs/{job.pk}/").content.decode()
    )

    page = client.get(f"/welfare/signals/{batch.pk}/").content.decode()
    assert "알 수 없는 신호 유형" in page and "올바른 1행만 가져오기" in page
    assert client.get(f"/welfare/signals/{batch.pk}/errors.csv").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/welfare/signals/{batch.pk}/accept/")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED and Signal.objects.count() == 1


def test_another_dongs_officer_cannot_see_the_report(
    client_as: Any, officer: Any, city: Any, dong: Any, other_dong: Any
) -> None:
    batch = signals.start_import(
        by=officer, city=city, dong=dong, upload=keep_upload(b"a", "s.csv")
    )
    client = client_as("welfare_officer", other_dong)
    assert client.get(f"/welfare/signals/{batch.pk}/").status_code == 404
    assert client.get(f"/welfare/signals/{batch.pk}/errors.csv").status_code == 404


def test_a_rejected_number_is_masked_in_the_report_and_the_error_file(
    officer: Any, city: Any, dong: Any, make_person: Any
) -> None:
    good = make_person(dong)
    wrong = good.rrn[:12] + str((int(good.rrn[12]) + 1) % 10)
    raw = _csv(f"{wrong},홍길동,1950-01-01,전주시 완산구 효자로 9,job_loss,2025-05-31,,x")
    with pytest.raises(SaramError):
        _import(officer, city, dong, raw)
    batch = SignalImport.objects.get()
    error_file = b"".join(review.error_csv(signals.review_key(batch))).decode("utf-8-sig")
    for text in (str(batch.errors), error_file):
        assert wrong not in text and wrong[6:] not in text and "효자로 9" not in text
    assert wrong[:6] + "*******" in error_file and "홍*동" in error_file


def test_accepting_the_valid_rows_twice_imports_them_once(
    officer: Any, city: Any, dong: Any, make_person: Any
) -> None:
    good = make_person(dong)
    raw = _csv(
        f"{good.rrn},,,,electricity_arrears,2025-05-31,3,한전",
        f"{good.rrn},,,,electricity_arrears,2099-01-01,3,한전",
    )
    batch = signals.start_import(by=officer, city=city, dong=dong, upload=keep_upload(raw, "s.csv"))
    with pytest.raises(SaramError):
        signals.import_signals(by=officer, batch=batch, today=TODAY)

    first = signals.accept_valid_rows(by=officer, batch=batch)
    second = signals.accept_valid_rows(by=officer, batch=batch)  # a double click, a second tab

    assert (first, second) == (True, False)
    signals.import_signals(by=officer, batch=batch, today=TODAY, only_valid_rows=True)
    assert Signal.objects.count() == 1
    assert not signals.accept_valid_rows(by=officer, batch=batch)


def test_an_import_whose_worker_died_is_failed_and_its_file_removed(
    officer: Any, city: Any, dong: Any
) -> None:
    import socket
    import subprocess
    import sys

    from saram.core.services import jobs
    from saram.welfare import tasks  # noqa: F401 -- registers the cleanup

    batch = signals.start_import(
        by=officer, city=city, dong=dong, upload=keep_upload(_csv(), "s.csv")
    )
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    Job.objects.create(
        kind="welfare_signals",
        label="t",
        created_by=officer,
        status=JobStatus.RUNNING,
        params={"batch": batch.pk, "worker_host": socket.gethostname(), "worker_pid": dead.pid},
    )
    assert jobs.fail_abandoned() == 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and not signals.upload_path(batch).exists()
