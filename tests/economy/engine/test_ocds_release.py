"""OCDS 1.1 releases of plans, tenders and awards, validated against the release schema."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from saram.economy.engine.lots import DemandLine, Programme, plan_lots
from saram.economy.engine.ocds import (
    AwardRecord,
    OcdsError,
    OcdsProblem,
    ProcurementProcess,
    ReleaseStage,
    build_release,
    process_from_lot,
    release_schema,
    validate_release,
)
from saram.economy.engine.policy import (
    BidScope,
    ContractMethod,
    PurchaseKind,
    PurchaseRequest,
    RuleBook,
    evaluate,
)

SEOUL = ZoneInfo("Asia/Seoul")
AT = dt.datetime(2025, 4, 10, 9, 30, tzinfo=SEOUL)


def process(method: ContractMethod = ContractMethod.RESTRICTED_BID) -> ProcurementProcess:
    return ProcurementProcess(
        process_id="2025-books-0001",
        title="완산도서관 2분기 도서 구입",
        buyer_id="jeonju-library",
        buyer_name="전주시 완산도서관",
        kind=PurchaseKind.GOODS,
        estimated_amount_krw=45_000_000,
        method=method,
        scope=BidScope.CITY,
        area_name="전주시",
        budget_amount_krw=45_000_000,
        awards=(AwardRecord("a1", "1248100998", "전주서점", 40_500_000, AT),),
    )


@pytest.mark.parametrize("stage", list(ReleaseStage))
def test_each_stage_is_a_valid_release(stage: ReleaseStage) -> None:
    release = build_release(process(), stage=stage, ocid_prefix="ocds-saram", released_at=AT)
    assert validate_release(release) == ()
    assert release["ocid"] == "ocds-saram-2025-books-0001"
    assert release["tag"] == [stage.value]
    assert release["date"] == "2025-04-10T09:30:00+09:00"


@pytest.mark.parametrize(
    ("method", "ocds", "korean"),
    [
        (ContractMethod.OPEN_BID, "open", "일반경쟁입찰"),
        (ContractMethod.RESTRICTED_BID, "selective", "제한경쟁입찰(지역제한): 전주시"),
        (ContractMethod.PRIVATE_CONTRACT_QUOTES, "limited", "수의계약(2인 이상 견적)"),
        (ContractMethod.PRIVATE_CONTRACT_SINGLE, "direct", "수의계약(1인 견적)"),
    ],
)
def test_methods_map_to_the_codelist_with_the_korean_name(
    method: ContractMethod, ocds: str, korean: str
) -> None:
    tender = build_release(
        process(method), stage=ReleaseStage.TENDER, ocid_prefix="ocds-saram", released_at=AT
    )["tender"]
    assert tender["procurementMethod"] == ocds
    assert tender["procurementMethodDetails"] == korean


def test_award_names_the_supplier_by_business_number() -> None:
    release = build_release(
        process(), stage=ReleaseStage.AWARD, ocid_prefix="ocds-saram", released_at=AT
    )
    (award,) = release["awards"]
    assert award["value"] == {"amount": 40_500_000, "currency": "KRW"}
    supplier = next(p for p in release["parties"] if "supplier" in p["roles"])
    assert supplier["identifier"]["id"] == "1248100998"


def test_the_validator_catches_what_the_standard_forbids() -> None:
    release = build_release(
        process(), stage=ReleaseStage.TENDER, ocid_prefix="ocds-saram", released_at=AT
    )
    release["tender"]["procurementMethod"] = "auction"
    del release["ocid"]
    release["tag"] = []
    release["date"] = "10 April 2025"
    problems = {(p.code, p.path) for p in validate_release(release)}
    assert ("enum", "tender/procurementMethod") in problems
    assert ("required", "") in problems
    assert ("minItems", "tag") in problems
    assert ("format", "date") in problems


def test_the_shipped_schema_is_the_published_1_1_5_release_schema() -> None:
    schema = release_schema()
    assert (
        schema["id"] == "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
    )
    assert schema["required"] == ["ocid", "id", "date", "tag", "initiationType"]
    # Whole, not a subset: the published schema's definitions are all there.
    assert {"Award", "Contract", "Implementation", "Transaction", "Organization"} <= set(
        schema["definitions"]
    )


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(OcdsError) as caught:
        build_release(
            process(),
            stage=ReleaseStage.TENDER,
            ocid_prefix="ocds-saram",
            released_at=dt.datetime(2025, 4, 10, 9, 30),
        )
    assert caught.value.code is OcdsProblem.NAIVE_DATETIME


def test_planned_lots_export_as_valid_planning_releases(jeonju_rules: RuleBook) -> None:
    lines = tuple(
        DemandLine("완산도서관", s, q, 4_000_000) for s in ("아동", "문학") for q in (1, 2)
    )
    programme = Programme("books-2025", "도서관본부", "books", PurchaseKind.GOODS, 2025, lines)
    plan = plan_lots(programme, jeonju_rules, ())
    for lot in plan.lots:
        release = build_release(
            process_from_lot(lot, programme, buyer_name="전주시 완산도서관", area_name="전주시"),
            stage=ReleaseStage.PLANNING,
            ocid_prefix="ocds-saram",
            released_at=AT,
        )
        assert validate_release(release) == ()
        assert release["tender"]["procurementMethodRationale"].startswith("law.private.any")
    decision = evaluate(
        PurchaseRequest(
            "books", 14_000_000, "완산도서관", dt.date(2025, 1, 10), PurchaseKind.GOODS
        ),
        jeonju_rules,
        (),
    )
    assert decision.method is ContractMethod.PRIVATE_CONTRACT_SINGLE
