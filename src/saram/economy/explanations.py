"""The one place where the economy engines' reason codes become words a person reads.

Engines return StrEnum codes with parameters, never text; pages, exports and the API call
`explain` (or a helper below) to say them in the current language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saram.economy.engine.lots import (
    AssumptionCode,
    LotDimension,
    LotPlanProblem,
    LotReasonCode,
    PlanNote,
)
from saram.economy.engine.multiplier import LM3Assumption, SurveyProblem
from saram.economy.engine.policy import (
    BidScope,
    DecisionNote,
    FirmClass,
    Layer,
    PolicyProblem,
    PurchaseKind,
    ReasonCode,
    RuleEffect,
    RuleProblemCode,
)
from saram.economy.engine.registry import BusinessNumberProblem
from saram.economy.engine.splitting import SplitReason

MESSAGES: dict[StrEnum, str | Promise] = {
    # Why a rule was cited for a decision.
    ReasonCode.REMAINDER_WITHIN_LIMIT: _(
        "발주 후 잔액이 %(limit_krw)s원 이하라 시내 업체와 수의계약할 수 있습니다."
    ),
    ReasonCode.PRIVATE_CONTRACT_WITHIN_LIMIT: _(
        "추정가격이 수의계약 한도 %(limit_krw)s원 이하입니다 (2인 이상 견적)."
    ),
    ReasonCode.SINGLE_QUOTE_WITHIN_LIMIT: _(
        "추정가격이 1인 견적 수의계약 한도 %(limit_krw)s원 이하입니다."
    ),
    ReasonCode.CITY_RESTRICTION_WITHIN_LIMIT: _(
        "시 방침: %(limit_krw)s원 이하 입찰은 시내에 주된 영업소가 있는 업체로 제한합니다."
    ),
    ReasonCode.PROVINCE_RESTRICTION_WITHIN_LIMIT: _(
        "법령: %(limit_krw)s원 미만은 도내에 주된 영업소가 있는 업체로 입찰을 제한할 수 있습니다."
    ),
    ReasonCode.REGIONAL_RESTRICTION_BASIS: _(
        "지역제한 입찰의 법적 근거입니다 (법령 한도 %(limit_krw)s원 미만)."
    ),
    ReasonCode.ABOVE_REGIONAL_LIMIT: _(
        "지역제한 한도(%(limit_krw)s원 미만)를 넘어 일반경쟁입찰입니다."
    ),
    ReasonCode.SOCIAL_ECONOMY_FIRST: _("시 조례: 사회적경제 기업을 먼저 안내합니다."),
    ReasonCode.FIRM_CLASS_PRIVATE_CONTRACT: _(
        "이 유형의 기업과는 %(limit_krw)s원 이하까지 수의계약할 수 있습니다."
    ),
    DecisionNote.NO_ELIGIBLE_LOCAL_SUPPLIER: _(
        "이 품목에 등록된 자격 있는 지역 업체가 없습니다. 공급업체 등록부를 확인하세요."
    ),
    # Rule books that cannot be used.
    RuleProblemCode.NO_LAW_VERSION: _("법령 규칙 버전이 하나도 없습니다."),
    RuleProblemCode.EMPTY_PERIOD: _(
        "%(version)s: 시행 종료일 %(effective_to)s이 시행일 %(effective_from)s보다 앞섭니다."
    ),
    RuleProblemCode.VERSION_OVERLAP: _(
        "%(version)s와 %(other_version)s의 시행 기간이 %(overlap_from)s부터 겹칩니다. "
        "앞 버전의 시행 종료일을 새 버전 시행일 전날로 정하세요."
    ),
    RuleProblemCode.VERSION_GAP: _(
        "%(version)s와 %(other_version)s 사이 %(missing_from)s부터 %(missing_to)s까지 "
        "적용할 규칙이 없습니다."
    ),
    RuleProblemCode.DUPLICATE_VERSION_ID: _("버전 이름 %(version)s이 두 번 쓰였습니다."),
    RuleProblemCode.DUPLICATE_RULE_ID: _("%(version)s: 규칙 이름 %(rule)s이 두 번 쓰였습니다."),
    RuleProblemCode.WRONG_LAYER: _(
        "%(version)s %(rule)s: 이 규칙은 이 층(%(layer)s)에 둘 수 없습니다. "
        "법령은 시·도 단위로만 제한하고, 시 단위 제한은 시 방침입니다."
    ),
    RuleProblemCode.MISSING_FIELD: _("%(version)s %(rule)s: %(field)s 값이 필요합니다."),
    RuleProblemCode.NON_POSITIVE_VALUE: _(
        "%(version)s %(rule)s: %(field)s 값은 0보다 커야 합니다."
    ),
    RuleProblemCode.AMBIGUOUS_RULES: _(
        "%(version)s: %(rule)s와 %(other_rule)s가 같은 경우(%(kind)s)를 정해 "
        "어느 규칙이 적용될지 알 수 없습니다."
    ),
    RuleProblemCode.CITY_EXCEEDS_LAW: _(
        "시 규칙 %(rule)s의 한도가 법령(%(law_rule)s)보다 넓습니다 (%(kind)s, %(from)s부터). "
        "시 방침은 법령이 허용하는 범위를 좁힐 수만 있습니다."
    ),
    RuleProblemCode.UNREADABLE: _("규칙 자료를 읽을 수 없습니다: %(detail)s"),
    PolicyProblem.NON_POSITIVE_AMOUNT: _("추정가격은 0원보다 커야 합니다."),
    PolicyProblem.AMOUNT_TOO_LARGE: _("추정가격이 너무 큽니다."),
    PolicyProblem.NO_RULES_IN_FORCE: _("%(on)s에 시행 중인 계약 규칙이 없습니다."),
    # Splitting.
    SplitReason.PARTS_SUM_OVER_THRESHOLD: _(
        "%(department)s의 %(category)s 발주 %(parts)s건이 %(first_on)s~%(last_on)s "
        "(합산 기간: %(period)s)에 합계 %(total_krw)s원으로 %(layer)s 한도 %(threshold_krw)s원"
        "(%(threshold_source)s)을 넘는데, 각 건은 한도 이하입니다 (가장 큰 건 "
        "%(largest_part_krw)s원, 부가세 제외 금액). "
        "나누어 발주한 계약도 추정가격을 합산합니다 (지방계약법 시행령 제7조)."
    ),
    # Lots.
    LotReasonCode.SEPARATE_DEPARTMENT: _(
        "%(department)s은 스스로 발주하는 별도 부서이므로 다른 도서관의 발주와 합산하지 않습니다."
    ),
    LotReasonCode.ALONE_IN_WINDOW: _(
        "같은 부서의 다른 발주가 합산 기간(%(period)s)에 없어 합산 대상이 아닙니다."
    ),
    LotReasonCode.WINDOW_SUM_WITHIN_THRESHOLDS: _(
        "같은 부서의 합산 기간(%(period)s) 안 발주 %(lots_in_window)s건"
        "(합계 %(window_sum_krw)s원)이 "
        "어느 한도도 나누어 피하지 않습니다."
    ),
    LotReasonCode.MERGED_TO_AVOID_SPLIT: _(
        "%(parts)s개 묶음을 따로 발주하면 합계 %(parts_total_krw)s원이 한도 "
        "%(threshold_krw)s원(%(threshold_rule)s)을 나누어 피하게 되므로 한 건으로 합쳤습니다."
    ),
    LotReasonCode.BOUNDARY_NOT_ALLOWED: _(
        "규칙이 %(dimension)s 단위로 나누는 것을 허용하지 않아 함께 발주합니다."
    ),
    LotReasonCode.REMAINDER_AFTER_AWARDS: _(
        "낙찰 후 남는 예산 %(remainder_krw)s원: 마지막 발주의 합산 기간이 지난 뒤 발주합니다."
    ),
    PlanNote.REMAINDER_OUTSIDE_YEAR: _(
        "발주 후 잔액을 합산 기간 뒤에 발주하면 회계연도를 넘기므로 잔액 발주를 넣지 않았습니다."
    ),
    PlanNote.REMAINDER_WOULD_SPLIT: _(
        "발주 후 잔액을 따로 발주하면 분할 발주가 되므로 잔액 발주를 넣지 않았습니다."
    ),
    PlanNote.NO_ELIGIBLE_LOCAL_SUPPLIER: _(
        "시내 업체로 제한한 발주 가운데 자격 있는 시내 업체가 없는 건이 있습니다."
    ),
    LotPlanProblem.NON_POSITIVE_AMOUNT: _("수요 금액은 0원보다 커야 합니다."),
    LotPlanProblem.BAD_QUARTER: _("분기는 1에서 4 사이여야 합니다."),
    LotPlanProblem.NO_DEMAND: _("이 사업에는 이 회계연도의 수요가 없습니다."),
    AssumptionCode.BID_AWARD_RATIO_BP: _("낙찰가는 추정가격의 %(percent)s로 가정합니다."),
    AssumptionCode.OPEN_BID_LOCAL_WIN_BP: _(
        "전국 공개입찰에서 시내 업체가 낙찰받을 비율은 %(percent)s로 가정합니다."
    ),
    AssumptionCode.OPEN_BID_LOCAL_WIN_FROM_REGISTRY: _(
        "그 비율은 이 품목 등록 업체 가운데 시내 업체의 비율입니다."
    ),
    AssumptionCode.EQUAL_CHANCE_PER_ELIGIBLE_FIRM: _(
        "자격 있는 업체는 모두 같은 확률로 낙찰받는다고 가정합니다."
    ),
    AssumptionCode.ORDER_DAY_OF_QUARTER: _("각 분기 %(value)s일에 발주한다고 가정합니다."),
    AssumptionCode.CITY_LOT_LOCAL_IS_WINNERS_OFFICE: _(
        "시내 업체로 제한한 %(value)s건은 낙찰 업체의 주된 영업소가 시내에 있어 지역 지출로 "
        "셉니다 (제한 입찰의 기준). 그 돈이 다시 시내에서 쓰이는지는 지역승수(LM3)가 따로 봅니다."
    ),
    # LM3.
    LM3Assumption.UNSURVEYED_IN_CITY_AS_SURVEYED_MEAN: _(
        "조사하지 않은 시내 업체는 조사한 업체의 평균(%(percent)s)만큼 지역에 재지출한다고 "
        "가정합니다."
    ),
    LM3Assumption.UNSURVEYED_OUTSIDE_CITY_SPENDS_NOTHING_LOCALLY: _(
        "조사하지 않은 시 밖 업체는 지역에 재지출하지 않는다고 보수적으로 가정합니다."
    ),
    LM3Assumption.LOCAL_SUPPLIERS_RESPEND_AS_SURVEYED_MEAN: _(
        "지역 공급업체의 재지출은 조사한 업체의 평균(%(percent)s)으로 가정합니다."
    ),
    LM3Assumption.STAFF_RESPEND_AS_EMPLOYEE_MEAN: _(
        "종사자는 급여의 %(percent)s를 지역에서 쓴다고 봅니다 (종사자 조사 평균)."
    ),
    LM3Assumption.NO_EMPLOYEE_SURVEY_STAFF_RESPEND_ZERO: _(
        "종사자 조사가 없어 종사자의 지역 소비는 0으로 둡니다."
    ),
    LM3Assumption.NO_SUPPLIER_SURVEY: _("공급업체 조사가 없습니다."),
    SurveyProblem.SHARE_OUT_OF_RANGE: _("비율은 0%에서 100% 사이여야 합니다."),
    SurveyProblem.SHARES_OVER_ONE: _("지역 인건비와 지역 구매 비율의 합이 100%를 넘습니다."),
    SurveyProblem.NON_POSITIVE_SPEND: _("지출 금액은 0원보다 커야 합니다."),
    SurveyProblem.NO_SPEND: _("이 사업의 지출이 없습니다."),
    # 사업자등록번호.
    BusinessNumberProblem.EMPTY: _("사업자등록번호가 필요합니다."),
    BusinessNumberProblem.NOT_DIGITS: _(
        "사업자등록번호는 숫자 10자리입니다 (하이픈은 괜찮습니다)."
    ),
    BusinessNumberProblem.WRONG_LENGTH: _("사업자등록번호는 숫자 10자리여야 합니다."),
    BusinessNumberProblem.CHECKSUM: _(
        "사업자등록번호의 검증 숫자가 맞지 않습니다. 번호를 다시 확인하세요."
    ),
}

LABELS: dict[StrEnum, str | Promise] = {
    LotDimension.LIBRARY: _("도서관"),
    LotDimension.SUBJECT: pgettext_lazy("book subject", "분야"),
    LotDimension.QUARTER: _("분기"),
    Layer.LAW: _("법령"),
    Layer.CITY: _("시 방침"),
    FirmClass.ANY: _("모든 업체"),
    FirmClass.YOUTH_STARTUP: _("청년창업"),
    FirmClass.SMALL_FIRM: _("소기업·소상공인"),
    FirmClass.WOMEN_OWNED: _("여성기업"),
    FirmClass.DISABLED_OWNED: _("장애인기업"),
    FirmClass.SOCIAL_ECONOMY: _("사회적경제 기업"),
    RuleEffect.PRIVATE_CONTRACT: _("수의계약 한도"),
    RuleEffect.REGIONAL_RESTRICTION: _("지역제한 입찰"),
    RuleEffect.REMAINDER_PRIVATE_CONTRACT: _("발주 후 잔액 수의계약"),
    RuleEffect.SOCIAL_ECONOMY_PREFERENCE: _("사회적경제 우선"),
    RuleEffect.SPLIT_AGGREGATION: _("분할 발주 합산"),
    RuleEffect.LOT_BOUNDARY: _("분할 발주 단위"),
    RuleEffect.PRIORITY_PURCHASE_TARGET: _("우선구매 목표"),
}


# Values of different engine enums can be the same string (BidScope.CITY and Layer.CITY are
# both "city", and a StrEnum member is equal to its string), so these are kept per enum rather
# than in LABELS, where one would silently replace the other.
LABELS_BY_ENUM: dict[type[StrEnum], dict[StrEnum, str | Promise]] = {
    PurchaseKind: {
        PurchaseKind.GOODS: _("물품"),
        PurchaseKind.SERVICES: _("용역"),
        PurchaseKind.WORKS: _("공사"),
    },
    BidScope: {
        BidScope.CITY: _("시 안의 업체"),
        BidScope.PROVINCE: _("도 안의 업체"),
        BidScope.NATIONAL: _("전국 업체"),
    },
}


class _Params(dict[str, Any]):
    """Missing parameters read as empty, so a message never fails on an engine's extra detail."""

    def __missing__(self, key: str) -> str:
        return ""


def won(amount_krw: int | None) -> str:
    """An amount as a person writes it: 50,000,000."""
    return "" if amount_krw is None else f"{int(amount_krw):,}"


def percent_bp(value_bp: int | float) -> str:
    """Basis points as a percentage: 1250 → 12.5%."""
    return f"{value_bp / 100:.1f}%"


def split_period(window_days: int | None) -> str:
    """The period split orders are summed over, in words: the fiscal year or N days."""
    if window_days is None:
        return ""
    if window_days >= 365:
        return str(_("회계연도"))
    return str(_("%(n)s일") % {"n": window_days})


def _prepare(params: Mapping[str, Any]) -> _Params:
    out = _Params()
    if "window_days" in params and "period" not in params:
        out["period"] = split_period(params["window_days"])
    for key, value in params.items():
        if key.endswith("_krw") and isinstance(value, int):
            out[key] = won(value)
        elif isinstance(value, StrEnum) and value in LABELS:
            out[key] = str(LABELS[value])
        elif key == "dimension" and value in {d.value for d in LotDimension}:
            out[key] = str(LABELS[LotDimension(value)])
        else:
            out[key] = value
    return out


def explain(code: StrEnum | str, params: Mapping[str, Any] | None = None) -> str:
    """The sentence for an engine code with its parameters, in the current language."""
    message = MESSAGES.get(code) if isinstance(code, StrEnum) else None
    if message is None:
        for key, candidate in MESSAGES.items():
            if key.value == code:
                message = candidate
                break
    if message is None:
        return str(code)
    return str(message) % _prepare(params or {})


# The engine's sentence rendered when it is read (a page, the API, a job's result), in the
# reader's language: what services hand to `SaramError` for an engine refusal.
lazy_explain = lazy(explain, str)


def label(code: StrEnum) -> str:
    """The short name of an engine value (a layer, firm class, rule effect, lot dimension)."""
    found = LABELS_BY_ENUM.get(type(code), LABELS).get(code)
    return str(found) if found is not None else str(code)


def citations_in_words(
    citations: Sequence[Any], rules: Mapping[tuple[str, str], Mapping[str, Any]]
) -> list[dict[str, str]]:
    """Citations (engine objects or stored dicts) with the reason, and the rule's limit, in
    words; `rules` indexes the rule book's rules by (version id, rule id)."""
    out = []
    for c in citations:
        data = (
            c
            if isinstance(c, dict)
            else {
                "rule_id": c.rule_id,
                "layer": c.layer.value,
                "version_id": c.version_id,
                "source": c.source,
                "reason": c.reason.value,
            }
        )
        rule = rules.get((data["version_id"], data["rule_id"]), {})
        limit = rule.get("limit_krw")
        if data["reason"] == ReasonCode.SINGLE_QUOTE_WITHIN_LIMIT:
            limit = rule.get("single_quote_limit_krw") or limit
        out.append(
            data
            | {
                "layer_label": label(Layer(data["layer"])),
                "why": explain(ReasonCode(data["reason"]), {"limit_krw": limit}),
            }
        )
    return out


def lot_reasons_in_words(
    reasons: Sequence[Mapping[str, Any]], department_names: Mapping[str, str]
) -> list[str]:
    """A lot's stored reasons (code and parameters) in words, departments by name
    (`department_names`: code to name)."""
    out = []
    for r in reasons:
        try:
            code: Any = LotReasonCode(r["code"])
        except ValueError:
            code = r["code"]
        params = dict(r.get("params", {}))
        if "department" in params:
            params["department"] = department_names.get(params["department"], params["department"])
        out.append(explain(code, params))
    return out
