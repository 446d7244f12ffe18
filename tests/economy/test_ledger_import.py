"""Importing the spending ledger: all or nothing, every bad row named, suppliers matched."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import tablib
from django.utils import translation

from saram.core.errors import RowError, SaramError
from saram.core.imports import keep_upload
from saram.core.models import AuditEntry, Organisation, OrganisationKind, Role
from saram.economy.engine.registry import make_business_number
from saram.economy.models import Department, LedgerEntry, LedgerImport, Programme, Supplier
from saram.economy.services import ledger, suppliers

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user(Role.PROCUREMENT_OFFICER)


@pytest.fixture
def firms(make_supplier: Any) -> dict[str, Any]:
    return {
        "local": make_supplier("in_city", name="전주 책방"),
        "province": make_supplier("in_province", name="익산 서점"),
        "outside": make_supplier("outside", name="서울 도서유통"),
    }


@pytest.fixture(autouse=True)
def book_programme(db: None) -> Programme:
    """The 사업 the rows name is in the programme list (an unknown one is a row error)."""
    return Programme.objects.create(code="books", name="도서 구입")


def _rows(firms: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        ("P-1", "2024-03-05", "가 도서관", "도서 구입", "books", firms["local"].business_number,
         "", 1_250_000, "수의계약"),
        ("P-2", "2024.03.06", "가 도서관", "도서 구입", "도서", firms["outside"].business_number,
         "", "3,000,000", "일반경쟁입찰"),
        ("P-3", "20240407", "나 도서관", "", "books", firms["province"].business_number,
         "", "500000.0", ""),
    ]  # fmt: skip


def test_a_good_file_is_imported_with_suppliers_matched_by_number(
    officer: Any, firms: dict[str, Any], departments: Any, ledger_csv: Any
) -> None:
    result = ledger.import_ledger(
        by=officer, upload=keep_upload(ledger_csv(_rows(firms)), "ledger.csv"), fiscal_year=2024
    )

    assert (result.rows, result.total_krw) == (3, 4_750_000)
    entries = {e.payment_id: e for e in LedgerEntry.objects.all()}
    assert entries["P-1"].supplier == firms["local"] and entries["P-1"].locality == 0
    assert entries["P-2"].locality == 2 and entries["P-2"].method == "open_bid"
    assert entries["P-3"].locality == 1 and entries["P-3"].amount_krw == 500_000
    assert entries["P-3"].paid_on.isoformat() == "2024-04-07"
    assert entries["P-3"].programme is None
    assert AuditEntry.objects.filter(target_type="economy.ledger", action="import").count() == 1


def test_departments_named_for_the_first_time_are_created(
    officer: Any, firms: dict[str, Any], ledger_csv: Any
) -> None:
    result = ledger.import_ledger(
        by=officer, upload=keep_upload(ledger_csv(_rows(firms)), "l.csv"), fiscal_year=2024
    )

    assert result.new_departments == ("가 도서관", "나 도서관")
    assert set(Department.objects.values_list("name", flat=True)) >= {"가 도서관", "나 도서관"}


def test_an_unknown_programme_is_a_row_error_until_the_user_accepts_it(
    officer: Any, firms: dict[str, Any], ledger_csv: Any
) -> None:
    rows = [(*r[:3], "새 사업", *r[4:]) if r[0] == "P-2" else r for r in _rows(firms)]

    with pytest.raises(SaramError) as exc:
        ledger.import_ledger(
            by=officer, upload=keep_upload(ledger_csv(rows), "l.csv"), fiscal_year=2024
        )

    assert {(e.row, e.field) for e in exc.value.row_errors} == {(3, "사업")}
    assert "새 사업" in exc.value.row_errors[0].message
    assert not Programme.objects.filter(name="새 사업").exists()
    assert LedgerEntry.objects.count() == 0

    result = ledger.import_ledger(
        by=officer,
        upload=keep_upload(ledger_csv(rows), "l.csv"),
        fiscal_year=2024,
        accept_new_programmes=True,
    )
    assert result.new_programmes == ("새 사업",)
    assert LedgerEntry.objects.get(payment_id="P-2").programme.name == "새 사업"


def _errors(exc: pytest.ExceptionInfo[SaramError]) -> set[tuple[int, str]]:
    return {(e.row, e.field) for e in exc.value.row_errors}


def test_every_bad_row_is_reported_and_nothing_is_written(
    officer: Any, firms: dict[str, Any], ledger_csv: Any
) -> None:
    local = firms["local"].business_number
    unknown = make_business_number(999_000_001)
    bad_checksum = local[:9] + str((int(local[9]) + 1) % 10)
    rows = [
        ("A-1", "2024-01-10", "회계과", "", "books", local, "", 100_000, ""),  # good
        ("A-2", "2024-01-11", "회계과", "", "books", unknown, "모르는 서점", 100_000, ""),
        ("A-3", "2024-01-12", "회계과", "", "books", local, "", -5_000, ""),
        ("A-4", "2024-01-13", "회계과", "", "books", local, "", "1000.5", ""),
        ("A-5", "2023-12-31", "회계과", "", "books", local, "", 100_000, ""),
        ("A-1", "2024-01-14", "회계과", "", "books", local, "", 100_000, ""),
        ("A-7", "2024-02-30", "회계과", "", "books", local, "", 100_000, ""),
        ("A-8", "2024-01-15", "회계과", "", "books", bad_checksum, "", 100_000, ""),
        ("A-9", "2024-01-16", "회계과", "", "장난감", local, "", 100_000, ""),
        ("A-10", "2024-01-17", "회계과", "", "books", local, "", "", ""),
        ("A-11", "2024-01-18", "회계과", "", "books", local, "", "열 만원", "경매"),
    ]
    with pytest.raises(SaramError) as exc:
        ledger.import_ledger(
            by=officer, upload=keep_upload(ledger_csv(rows), "bad.csv"), fiscal_year=2024
        )

    assert _errors(exc) == {
        (3, "사업자등록번호"),  # not in the registry
        (4, "금액"),  # negative
        (5, "금액"),  # not a whole number of won
        (6, "지급일"),  # outside the fiscal year
        (7, "지급번호"),  # the same payment id as row 2
        (8, "지급일"),  # not a date
        (9, "사업자등록번호"),  # wrong checksum
        (10, "품목"),  # unknown category
        (11, "금액"),  # missing
        (12, "금액"),  # not a number
        (12, "계약방법"),  # unknown method
    }
    messages = {(e.row, e.field): e.message for e in exc.value.row_errors}
    assert "2행" in messages[(7, "지급번호")]
    assert "음수" in messages[(4, "금액")]
    assert "정수" in messages[(5, "금액")]
    assert "회계연도" in messages[(6, "지급일")]
    assert "검증 숫자" in messages[(9, "사업자등록번호")]
    # Each row error is a registered code with parameters, rendered in the reader's language
    # when read (a job stores the codes; an English reader sees English).
    codes = {(e.row, e.field): (e.code, e.params) for e in exc.value.row_errors}
    assert codes[(7, "지급번호")] == ("economy_payment_id_repeated", {"row": 2})
    assert codes[(6, "지급일")] == ("economy_outside_fiscal_year", {"year": 2024})
    assert codes[(9, "사업자등록번호")] == ("brn_checksum", {})
    assert codes[(12, "계약방법")] == ("economy_unknown_method", {})
    stored = [RowError.from_dict(e.as_dict()) for e in exc.value.row_errors]
    with translation.override("en"):
        english = {(e.row, e.field): e.message for e in stored}
    assert english[(7, "지급번호")] == "Same payment id as row 2."
    assert "Open bid" in english[(12, "계약방법")] and "일반" not in english[(12, "계약방법")]
    assert exc.value.params["unmatched"] == [
        {"business_number": unknown, "name": "모르는 서점", "rows": 1}
    ]
    assert not LedgerEntry.objects.exists() and not LedgerImport.objects.exists()
    assert not Department.objects.filter(name="회계과").exists()


def test_a_payment_id_already_in_the_ledger_is_refused(
    officer: Any, firms: dict[str, Any], ledger_csv: Any
) -> None:
    rows = _rows(firms)
    ledger.import_ledger(
        by=officer, upload=keep_upload(ledger_csv(rows), "a.csv"), fiscal_year=2024
    )

    with pytest.raises(SaramError) as exc:
        ledger.import_ledger(
            by=officer, upload=keep_upload(ledger_csv(rows[1:2]), "b.csv"), fiscal_year=2024
        )

    assert _errors(exc) == {(2, "지급번호")}
    assert LedgerEntry.objects.count() == 3


def test_unmatched_firms_listed_for_review_then_the_file_imports(
    officer: Any, firms: dict[str, Any], ledger_csv: Any
) -> None:
    unknown = make_business_number(999_000_002)
    rows = [("U-1", "2024-05-01", "회계과", "", "books", unknown, "새 서점", 10_000, "")]
    with pytest.raises(SaramError) as exc:
        ledger.import_ledger(
            by=officer, upload=keep_upload(ledger_csv(rows), "u.csv"), fiscal_year=2024
        )

    firms_seen = [(u["business_number"], u["name"]) for u in exc.value.params["unmatched"]]
    assert suppliers.register_for_review(by=officer, firms=firms_seen) == 1
    pending = Supplier.objects.get(organisation__business_number=unknown)
    assert pending.needs_review and pending.locality == "unknown"

    ledger.import_ledger(
        by=officer, upload=keep_upload(ledger_csv(rows), "u.csv"), fiscal_year=2024
    )
    assert LedgerEntry.objects.get(payment_id="U-1").locality == 3  # unknown until reviewed


def test_an_organisation_known_by_number_gets_a_supplier_profile(
    officer: Any, dong: Any, categories: Any, ledger_csv: Any
) -> None:
    number = make_business_number(999_000_003)
    Organisation.objects.create(
        kind=OrganisationKind.FIRM, name="동네 문구", business_number=number, dong=dong
    )
    rows = [("O-1", "2024-05-01", "회계과", "", "books", number, "", 10_000, "")]

    ledger.import_ledger(
        by=officer, upload=keep_upload(ledger_csv(rows), "o.csv"), fiscal_year=2024
    )

    entry = LedgerEntry.objects.get(payment_id="O-1")
    assert entry.supplier.organisation.business_number == number
    assert entry.supplier.locality == "in_city" and entry.locality == 0


def test_cp949_csv_and_xlsx_are_read(officer: Any, firms: dict[str, Any], ledger_csv: Any) -> None:
    rows = _rows(firms)
    ledger.import_ledger(
        by=officer,
        upload=keep_upload(ledger_csv(rows[:1]).decode().encode("cp949"), "cp949.csv"),
        fiscal_year=2024,
    )
    data = tablib.Dataset(headers=[h for h, *_ in ledger.LEDGER_COLUMNS][: len(rows[0])])
    for row in rows[1:]:
        data.append([str(v) for v in row])
    ledger.import_ledger(
        by=officer, upload=keep_upload(data.export("xlsx"), "ledger.xlsx"), fiscal_year=2024
    )

    assert LedgerEntry.objects.count() == 3


def test_a_wrong_header_is_named(officer: Any, firms: dict[str, Any], ledger_csv: Any) -> None:
    raw = ledger_csv([], header="지급번호,날짜,부서,품목,사업자등록번호,금액")
    with pytest.raises(SaramError) as exc:
        ledger.import_ledger(by=officer, upload=keep_upload(raw, "h.csv"), fiscal_year=2024)

    assert exc.value.code == "import_bad_header"
    assert {e.field for e in exc.value.row_errors} == {"날짜", "지급일"}


def test_english_headers_are_accepted(officer: Any, firms: dict[str, Any], ledger_csv: Any) -> None:
    header = "payment_id,paid_on,department,programme,category,business_number,amount_krw"
    raw = ledger_csv(
        [("E-1", "2024-06-01", "회계과", "", "books", firms["local"].business_number, 1000)],
        header=header,
    )
    assert (
        ledger.import_ledger(by=officer, upload=keep_upload(raw, "e.csv"), fiscal_year=2024).rows
        == 1
    )


def test_only_the_procurement_officer_imports(
    make_user: Any, firms: dict[str, Any], ledger_csv: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    for role in (Role.SOCIAL_ECONOMY_OFFICER, Role.CITY_ADMIN, Role.CITIZEN):
        with pytest.raises(PermissionDenied):
            ledger.import_ledger(
                by=make_user(role),
                upload=keep_upload(ledger_csv(_rows(firms)), "l.csv"),
                fiscal_year=2024,
            )


def test_ocds_releases_are_imported_as_payments(
    officer: Any, firms: dict[str, Any], departments: Any
) -> None:
    local = firms["local"].business_number
    package = {
        "version": "1.1",
        "releases": [
            {
                "ocid": "ocds-test-1",
                "id": "r1",
                "date": "2024-02-01T09:00:00+09:00",
                "tag": ["contract"],
                "buyer": {"id": "lib-a", "name": "가 도서관"},
                "planning": {"budget": {"description": "도서 구입"}},
                "tender": {
                    "procurementMethod": "selective",
                    "items": [{"id": "1", "classification": {"scheme": "X", "id": "books"}}],
                },
                "parties": [
                    {"id": f"KR-BRN-{local}", "identifier": {"scheme": "KR-BRN", "id": local}}
                ],
                "contracts": [
                    {
                        "id": "c1",
                        "implementation": {
                            "transactions": [
                                {
                                    "id": "T-1",
                                    "date": "2024-02-10T10:00:00+09:00",
                                    "value": {"amount": 2_000_000, "currency": "KRW"},
                                    "payee": {"id": f"KR-BRN-{local}", "name": "전주 책방"},
                                },
                                {
                                    "id": "T-2",
                                    "date": "2024-03-10T10:00:00+09:00",
                                    "value": {"amount": 1_000_000.0, "currency": "KRW"},
                                    "payee": {"id": f"KR-BRN-{local}", "name": "전주 책방"},
                                },
                            ]
                        },
                    }
                ],
            }
        ],
    }
    raw = json.dumps(package, ensure_ascii=False).encode()

    result = ledger.import_ledger(by=officer, upload=keep_upload(raw, "r.json"), fiscal_year=2024)

    assert (result.rows, result.total_krw) == (2, 3_000_000)
    entry = LedgerEntry.objects.get(payment_id="T-1")
    assert entry.department.name == "가 도서관" and entry.method == "restricted_bid"
    assert LedgerImport.objects.get().source == "ocds"


def test_an_ocds_payment_with_a_fractional_amount_names_its_release(
    officer: Any, firms: dict[str, Any]
) -> None:
    local = firms["local"].business_number
    release = {
        "ocid": "ocds-test-2",
        "id": "r2",
        "date": "2024-02-01T09:00:00+09:00",
        "tag": ["award"],
        "buyer": {"name": "가 도서관"},
        "tender": {"items": [{"id": "1", "classification": {"id": "books"}}]},
        "awards": [
            {
                "id": "AW-1",
                "date": "2024-02-01T09:00:00+09:00",
                "value": {"amount": 1000.5},
                "suppliers": [{"id": f"KR-BRN-{local}"}],
            }
        ],
    }
    with pytest.raises(SaramError) as exc:
        ledger.import_ledger(
            by=officer,
            upload=keep_upload(json.dumps([release]).encode(), "r.json"),
            fiscal_year=2024,
        )
    assert _errors(exc) == {(1, "금액")}


def test_a_large_file_is_checked_without_a_row_loop(
    officer: Any, firms: dict[str, Any], ledger_csv: Any
) -> None:
    local = firms["local"].business_number
    out = io.StringIO()
    out.write("지급번호,지급일,부서,품목,사업자등록번호,금액\n")
    for i in range(20_000):
        out.write(f"L-{i:06d},2024-{i % 12 + 1:02d}-01,회계과,books,{local},{1000 + i}\n")
    out.write(f"L-000005,2024-01-01,회계과,books,{local},1\n")

    with pytest.raises(SaramError) as exc:
        ledger.import_ledger(
            by=officer, upload=keep_upload(out.getvalue().encode(), "big.csv"), fiscal_year=2024
        )

    assert _errors(exc) == {(20_002, "지급번호")}


def test_removing_an_import_takes_its_rows_out(
    officer: Any, firms: dict[str, Any], ledger_csv: Any
) -> None:
    result = ledger.import_ledger(
        by=officer, upload=keep_upload(ledger_csv(_rows(firms)), "a.csv"), fiscal_year=2024
    )
    removed = ledger.remove_import(
        by=officer,
        ledger_import=LedgerImport.objects.get(pk=result.ledger_import_id),
        purpose="잘못 올림",
    )
    assert removed == 3 and not LedgerEntry.objects.exists()


def test_the_import_page_runs_a_job_and_offers_review_of_unknown_firms(
    rules: None,
    client_as: Any,
    firms: dict[str, Any],
    ledger_csv: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as(Role.PROCUREMENT_OFFICER)
    unknown = make_business_number(999_000_009)
    rows = [
        *_rows(firms),
        ("N-1", "2024-09-01", "가 도서관", "", "books", unknown, "새 책방", 7, ""),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/economy/ledger/import/",
            {"fiscal_year": 2024, "file": SimpleUploadedFile("l.csv", ledger_csv(rows))},
        )
    assert started.status_code == 302
    failed = client.get(started["Location"]).content.decode()
    assert 'data-status="failed"' in failed and "새 책방" in failed and unknown in failed
    assert not LedgerEntry.objects.exists()

    job_id = started["Location"].rstrip("/").split("/")[-1]
    reviewed = client.post(f"/economy/ledger/jobs/{job_id}/review/")
    assert reviewed.status_code == 302
    assert Supplier.objects.filter(needs_review=True).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            "/economy/ledger/import/",
            {"fiscal_year": 2024, "file": SimpleUploadedFile("l.csv", ledger_csv(rows))},
        )
    done = client.get(again["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="succeeded"' in done and "4행을 가져왔습니다" in done
    assert LedgerEntry.objects.count() == 4


def test_the_ledger_keeps_its_indexes_after_a_large_first_import(
    officer: Any, firms: dict[str, Any], ledger_csv: Any
) -> None:
    from django.db import connection

    ledger.import_ledger(
        by=officer, upload=keep_upload(ledger_csv(_rows(firms)), "l.csv"), fiscal_year=2024
    )

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "economy_ledgerentry")
    names = {name for name, c in constraints.items() if c["index"]}
    assert {"ledger_year_dept", "ledger_year_category", "ledger_supplier_year"} <= names
    assert any(c["unique"] and c["columns"] == ["payment_id"] for c in constraints.values())
