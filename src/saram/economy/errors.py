"""The economy's error codes and their messages, registered once (see `saram.core.errors`).

Services raise `SaramError("code", **params)`; the message is rendered in the reader's language
when it is shown (page, API, a job's result read later).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saram.core.errors import register
from saram.economy.engine.registry import BusinessNumberProblem
from saram.economy.explanations import MESSAGES as ENGINE_MESSAGES

# A refused 사업자등록번호 (a ledger row, a supplier form or file) is named by the engine's own
# code, with the one sentence `explanations` holds for it.
register({problem.value: ENGINE_MESSAGES[problem] for problem in BusinessNumberProblem})

register(
    {
        "city_rules_unreadable": _("시의 계약 규칙 파일 %(file)s을 읽을 수 없습니다: %(reason)s"),
        "ocds_nothing_to_publish": _(
            "내보낼 발주가 없습니다 (%(what)s). OCDS 패키지에는 릴리스가 하나 이상 있어야 하니, "
            "발주 계획이 있는 해를 고르세요."
        ),
        "no_welfare_purchases": _("기록할 복지 서비스 구매가 없습니다."),
        "not_a_welfare_purchase": _(
            "복지 사업의 서비스 구매가 아닌 지출은 여기서 고칠 수 없습니다."
        ),
        "rules_changed": _(
            "그사이 다른 사람이 규칙을 바꿨습니다 (개정 %(n)s). 새로 고친 뒤 다시 저장하세요."
        ),
        "rules_changed_meanwhile": _("그사이 다른 사람이 규칙을 바꿨습니다. 다시 저장하세요."),
        "bad_layer": _("알 수 없는 규칙 층입니다: %(layer)s"),
        "no_version": _("그런 규칙 버전이 없습니다: %(v)s"),
        "economy_no_city": _("도시가 없습니다. 먼저 도시를 불러오세요."),
        "ocds_invalid": _("OCDS 스키마에 맞지 않아 내보내지 않았습니다: %(problems)s"),
        # Surveys
        "economy_share_out_of_range": _("비율은 %(low)s%%에서 %(high)s%% 사이여야 합니다."),
        "economy_shares_over_one": _("지역 인건비와 지역 구매 비율의 합이 %(high)s%%를 넘습니다."),
        "economy_unknown_supplier": _("공급업체 등록부에 없는 번호입니다."),
        # Lots and demand
        "economy_programme_no_category": _(
            "사업 %(name)s에 주 품목이 없습니다. 사업에 품목을 정하세요."
        ),
        "economy_bad_award_ratio": _("낙찰률은 %(low)s%%보다 크고 %(high)s%% 이하여야 합니다."),
        "economy_bad_local_win": _(
            "지역 업체 낙찰 비율은 %(low)s%%에서 %(high)s%% 사이여야 합니다."
        ),
        "economy_unknown_departments": _("부서 코드를 찾을 수 없습니다: %(codes)s"),
        "lots_tendered": _(
            "이 사업의 %(year)s년 분할 발주 가운데 이미 공고한 건이 있어 다시 설계할 수 없습니다."
        ),
        "unlawful_split": _(
            "이미 계획했거나 지급한 발주와 합치면 분할 발주가 되어 저장하지 않았습니다: "
            "%(evidence_text)s"
        ),
        "economy_unknown_department": _("알 수 없는 부서입니다."),
        "economy_demand_repeated": _("%(row)s행과 같은 부서·분야·분기입니다."),
        # Ledger and its files
        "economy_reference_gone": _(
            "가져오는 사이 %(what)s 일부가 지워져 아무것도 가져오지 않았습니다. 다시 가져오세요."
        ),
        "economy_duplicate_payment": _(
            "그사이 같은 지급번호가 저장되어 아무것도 가져오지 않았습니다. "
            "다시 가져오면 겹치는 행을 알려 드립니다."
        ),
        "economy_bad_json": _("JSON을 읽을 수 없습니다: %(reason)s"),
        "economy_not_ocds": _("OCDS 릴리스 패키지, 릴리스 목록 또는 릴리스 하나가 아닙니다."),
        "economy_no_releases": _("'releases' 목록이 없습니다."),
        "economy_release_not_object": _("%(n)s번째 릴리스가 객체가 아닙니다."),
        "economy_release_must_be_object": _("릴리스는 JSON 객체여야 합니다."),
        "economy_ocds_no_rows": _("릴리스에 지급(거래)이나 낙찰이 없습니다."),
        "economy_ocds_needs_transactions": _(
            "contracts.implementation.transactions 또는 awards가 필요합니다."
        ),
        # Suppliers
        "economy_supplier_exists": _("이미 등록된 사업자등록번호입니다: %(name)s"),
        "economy_unknown_categories": _(
            "알 수 없는 품목입니다: %(names)s. 품목 코드나 이름을 쓰세요."
        ),
        # Plans
        "economy_outside_year": _("발주 예정일이 계획의 회계연도(%(year)s) 밖입니다."),
        "economy_already_tendered": _("이미 공고했거나 계약한 발주는 계획에서 뺄 수 없습니다."),
        "economy_not_planned": _("계획 단계의 발주만 공고할 수 있습니다."),
        "economy_already_awarded": _("이미 계약한 발주입니다."),
        "economy_bad_award_amount": _("계약 금액은 0원보다 커야 합니다."),
        "economy_naive_time": _("계약일시에는 시간대가 있어야 합니다."),
        "supplier_outside_scope": _(
            "%(name)s은(는) 이 발주의 참가 지역(%(scope)s) 밖의 업체입니다."
        ),
        # Social economy
        "economy_not_social_economy": _(
            "%(name)s은(는) 사회적경제 조직으로 등록되어 있지 않습니다. 먼저 유형을 정하세요."
        ),
        "economy_bad_support_kind": _("알 수 없는 지원 종류입니다."),
        "economy_bad_support_amount": _("금액은 0원 이상이어야 합니다."),
        "economy_grant_without_amount": _("보조금에는 금액이 필요합니다."),
        # A ledger file's rows (`services.ledger.validate_ledger`)
        "economy_value_required": _("값이 필요합니다."),
        "economy_payment_id_too_long": _("지급번호는 %(n)s자 이하여야 합니다."),
        "economy_bad_date": _("날짜는 YYYY-MM-DD 형식이어야 합니다 (예: %(year)s-03-15)."),
        "economy_outside_fiscal_year": _(
            "%(year)s 회계연도(%(year)s-01-01 ~ %(year)s-12-31) 밖의 날짜입니다."
        ),
        "economy_amount_not_positive": _("금액은 1원 이상이어야 합니다."),
        "economy_bad_currency": _("통화는 세 글자 코드로 적으세요 (예: KRW)."),
        "economy_currency_without_rate": _(
            "%(currency)s 금액은 가져오지 않습니다: 원화(KRW)로 바꾸어 적거나, "
            "가져올 때 그 통화의 환율을 입력하세요."
        ),
        "economy_bad_foreign_amount": _("외화 금액은 0보다 큰 숫자여야 합니다 (예: 60000.50)."),
        "economy_bad_vat_basis": _("부가세는 포함, 별도 또는 면세로 적으세요."),
        "economy_unregistered_number": _(
            "공급업체 등록부에 없는 사업자등록번호입니다. 검토 목록에 올린 뒤 다시 가져오세요."
        ),
        "economy_unknown_ledger_category": _(
            "알 수 없는 품목입니다. 품목 코드나 이름을 쓰세요: %(names)s"
        ),
        # Every method the ledger reads (`ContractMethod`), named as the page names them.
        "economy_unknown_method": _(
            "알 수 없는 계약방법입니다. 가능한 값: 일반경쟁입찰, 제한경쟁입찰 (지역제한), "
            "수의계약 (2인 이상 견적), 수의계약 (1인 견적)"
        ),
        "economy_negative_amount": _("금액은 음수일 수 없습니다. 반납·취소는 따로 처리하세요."),
        "economy_amount_not_whole": _("금액은 원 단위 정수여야 합니다 (소수점 없이)."),
        "economy_amount_not_number": _("금액은 숫자로만 적으세요 (예: 1250000 또는 1,250,000)."),
        "economy_payment_id_repeated": _("%(row)s행과 같은 지급번호입니다."),
        "economy_payment_id_exists": _("이미 지출 자료에 있는 지급번호입니다."),
        "economy_unregistered_programme": _(
            "등록되지 않은 사업입니다: %(programme)s. 사업 이름을 확인하거나, 새 사업을 검토한 "
            "뒤 '파일의 새 사업을 검토했고 사업 목록에 추가합니다'를 골라 다시 가져오세요."
        ),
        # Cells of the supplier, survey and demand files
        "economy_not_flag": _("Y 또는 N으로 적으세요."),
        # Every social-economy type (`SocialEconomyType`), named as the page names them.
        "economy_unknown_social_type": _(
            "알 수 없는 사회적경제 유형입니다. 가능한 값: 사회적기업, 예비사회적기업, 마을기업, "
            "협동조합, 사회적협동조합, 자활기업"
        ),
        "economy_share_not_number": _("비율은 0에서 100 사이의 숫자로 적으세요 (예: 35.5)."),
        "economy_share_too_precise": _("비율은 소수점 둘째 자리까지 적을 수 있습니다."),
        "economy_bad_survey_date": _("날짜는 YYYY-MM-DD 형식이어야 합니다."),
        "economy_bad_quarter": _("분기는 1, 2, 3, 4 가운데 하나입니다."),
        "economy_demand_amount_not_number": _("금액은 원 단위 정수로 적으세요 (예: 1250000)."),
        "economy_ledger_rejected": _("잘못된 행이 있어 아무것도 가져오지 않았습니다."),
        "economy_ledger_rejected_many": _(
            "잘못된 행이 있어 아무것도 가져오지 않았습니다. "
            "오류 %(n)s건 가운데 처음 %(shown)s건을 보여 줍니다."
        ),
        "rules_refused": _("규칙을 저장하지 않았습니다: %(reasons)s"),
        # API
        "economy_unknown_category": _("알 수 없는 품목입니다: %(category)s"),
        "economy_unknown_programme": _("알 수 없는 사업입니다: %(programme)s"),
    }
)
