"""The economy of the demo city: suppliers in and outside Jeonju, three years of spending in
which the library-book, school-uniform and school-meal programmes leak to outside firms,
re-spend surveys, the procurement rules, social-economy organisations and their support.

Everything comes from one seed; loading twice changes nothing. The firms are invented (their
사업자등록번호 are checksum-valid but made up), the places are real.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saram.core.models import City, Dong, Organisation, OrganisationKind
from saram.economy.demo_meals import load_meals_demo
from saram.economy.engine.registry import business_number_check_digit
from saram.economy.models import (
    Category,
    ContractMethod,
    Department,
    EmployeeSurvey,
    ImportSource,
    LedgerImport,
    Locality,
    PlannedPurchase,
    PolicyRevision,
    Programme,
    ProgrammeDemand,
    PurchasePlan,
    SocialEconomyType,
    Stage,
    Supplier,
    SupplierSurvey,
    SupportKind,
    SupportRecord,
)
from saram.economy.services.ledger import LedgerFile, validate_ledger, write_ledger
from saram.economy.services.lots import LotSettings, store_lot_plan
from saram.economy.services.rules import city_area, install_shipped_rules
from saram.economy.services.suppliers import resolve_place
from saram.economy.services.welfare_spending import WelfarePurchase, store_welfare_purchases
from saram.welfare.demo_history import load_past_cases
from saram.welfare.models import Programme as WelfareProgramme

Progress = Callable[[str], None]

DEMO_YEARS = (2023, 2024, 2025)
PLAN_YEAR = 2026
REFORM_YEAR = 2025  # the city's rule (jeonju-2025) takes effect

# (code, Korean, English, kind)
CATEGORIES = (
    ("books", "도서", "Books", "goods"),
    ("uniforms", "교복", "School uniforms", "goods"),
    ("produce", "농산물", "Fresh produce", "goods"),
    ("processed_food", "가공식품", "Processed food", "goods"),
    ("seafood", "수산물", "Seafood", "goods"),
    ("printing", "인쇄", "Printing", "services"),
    ("office", "사무용품", "Office supplies", "goods"),
    ("cleaning", "청소·시설관리", "Cleaning and facility care", "services"),
    ("construction", "건설공사", "Construction works", "works"),
)

# (code, name, English, library organisation's name or "")
DEPARTMENTS = (
    ("library-policy", "도서관정책과", "Library Policy Division", ""),
    ("education", "교육지원과", "Education Support Division", ""),
    ("food-policy", "먹거리정책과", "Food Policy Division", ""),
    ("accounting", "회계과", "Accounting Division", ""),
    ("public-relations", "공보담당관", "Public Relations Office", ""),
    ("roads", "도로과", "Roads Division", ""),
    ("facilities", "청사관리과", "Facilities Division", ""),
    ("social-economy", "사회적경제지원단", "Social Economy Support Unit", ""),
    ("lib-wansan", "전주시립 완산도서관", "Wansan Library", "전주시립 완산도서관"),
    ("lib-songcheon", "전주시립 송천도서관", "Songcheon Library", "전주시립 송천도서관"),
    ("lib-samcheon", "전주시립 삼천도서관", "Samcheon Library", "전주시립 삼천도서관"),
    ("lib-inhu", "전주시립 인후도서관", "Inhu Library", "전주시립 인후도서관"),
    ("lib-seosin", "전주시립 서신도서관", "Seosin Library", "전주시립 서신도서관"),
    ("lib-hyoja", "전주시립 효자도서관", "Hyoja Library", "전주시립 효자도서관"),
    ("lib-jjokgureum", "전주시립 쪽구름도서관", "Jjokgureum Library", "전주시립 쪽구름도서관"),
    ("lib-geumam", "전주시립 금암도서관", "Geumam Library", "전주시립 금암도서관"),
)
LIBRARIES = tuple(code for code, *_rest in DEPARTMENTS if code.startswith("lib-"))
# Share of the book budget each library spends (bigger libraries buy more).
LIBRARY_WEIGHTS = (0.18, 0.15, 0.14, 0.12, 0.11, 0.11, 0.10, 0.09)
SUBJECTS = ("총류·철학", "사회과학", "과학·기술", "문학", "아동")
SUBJECT_WEIGHTS = (0.12, 0.2, 0.16, 0.27, 0.25)

# (code, name, English, category, department, yearly budget in KRW)
PROGRAMMES = (
    (
        "library-books",
        "도서관 도서 구입",
        "Library books",
        "books",
        "library-policy",
        1_000_000_000,
    ),
    ("school-uniforms", "교복 지원", "School uniforms", "uniforms", "education", 1_300_000_000),
    ("school-meals", "학교급식 식재료", "School meals", "produce", "food-policy", 13_700_000_000),
    ("printing", "홍보물 인쇄", "Printed publicity", "printing", "public-relations", 600_000_000),
    ("office", "사무용품 구입", "Office supplies", "office", "accounting", 400_000_000),
    ("cleaning", "청사 청소·관리", "Building care", "cleaning", "facilities", 1_200_000_000),
    ("roads", "도로 보수", "Road repairs", "construction", "roads", 4_000_000_000),
)


@dataclass(frozen=True)
class Firm:
    name: str
    place: str  # "city", "province" or "outside"
    address: str
    categories: tuple[str, ...]
    social: str = ""
    kind: str = OrganisationKind.FIRM
    small: bool = True


OUTSIDE_ADDRESSES = {
    "서울": "서울특별시 중구 세종대로 {n}",
    "파주": "경기도 파주시 회동길 {n}",
    "대전": "대전광역시 서구 둔산로 {n}",
    "광주": "광주광역시 북구 첨단과기로 {n}",
    "이천": "경기도 이천시 마장면 {n}",
    "가락": "서울특별시 송파구 양재대로 {n}",
    "부산": "부산광역시 서구 충무대로 {n}",
    "안산": "경기도 안산시 단원구 원시로 {n}",
}
PROVINCE_ADDRESSES = {
    "익산": "전북특별자치도 익산시 인북로 {n}",
    "군산": "전북특별자치도 군산시 대학로 {n}",
    "완주": "전북특별자치도 완주군 봉동읍 {n}",
    "김제": "전북특별자치도 김제시 요촌동 {n}",
    "정읍": "전북특별자치도 정읍시 수성동 {n}",
}

# Invented firms; {dong} is filled with a dong of the city.
FIRMS: tuple[Firm, ...] = (
    # Bookstores.
    Firm("전주 책마루서점", "city", "{dong}", ("books",)),
    Firm("완산 한빛서점", "city", "{dong}", ("books",)),
    Firm("덕진 글벗서점", "city", "{dong}", ("books",)),
    Firm("효자 책방골목", "city", "{dong}", ("books",)),
    Firm("송천 새봄서점", "city", "{dong}", ("books",)),
    Firm("서신 다독서점", "city", "{dong}", ("books",)),
    Firm("삼천 책사랑", "city", "{dong}", ("books",)),
    Firm(
        "전주 동네서점 협동조합",
        "city",
        "{dong}",
        ("books", "office"),
        SocialEconomyType.COOPERATIVE,
        OrganisationKind.COOPERATIVE,
    ),
    Firm("대한도서유통(주)", "outside", "서울", ("books",), small=False),
    Firm("한국출판물류(주)", "outside", "파주", ("books",), small=False),
    Firm("중부교육도서총판", "outside", "대전", ("books",)),
    Firm("익산 책나라", "province", "익산", ("books",)),
    Firm("군산 바다서점", "province", "군산", ("books",)),
    # Uniforms and textiles.
    Firm("전주 한솔교복", "city", "{dong}", ("uniforms",)),
    Firm("팔복 섬유", "city", "{dong}", ("uniforms",)),
    Firm(
        "전주 청춘교복 사회적협동조합",
        "city",
        "{dong}",
        ("uniforms",),
        SocialEconomyType.SOCIAL_COOPERATIVE,
        OrganisationKind.COOPERATIVE,
    ),
    Firm("대한학생복(주)", "outside", "서울", ("uniforms",), small=False),
    Firm("에이스교복유통", "outside", "안산", ("uniforms",), small=False),
    Firm("빛고을 교복나라", "outside", "광주", ("uniforms",)),
    Firm("정읍 섬유", "province", "정읍", ("uniforms",)),
    # Farms and food.
    Firm(
        "조촌 친환경 쌀 영농조합",
        "city",
        "{dong}",
        ("produce",),
        SocialEconomyType.COOPERATIVE,
        OrganisationKind.FARM,
    ),
    Firm(
        "전주 로컬푸드 생산자협동조합",
        "city",
        "{dong}",
        ("produce", "processed_food"),
        SocialEconomyType.COOPERATIVE,
        OrganisationKind.COOPERATIVE,
    ),
    Firm("호성 딸기농원", "city", "{dong}", ("produce",), kind=OrganisationKind.FARM),
    Firm("우아 배 과수원", "city", "{dong}", ("produce",), kind=OrganisationKind.FARM),
    Firm(
        "완산 두부 마을기업",
        "city",
        "{dong}",
        ("processed_food",),
        SocialEconomyType.VILLAGE_ENTERPRISE,
        OrganisationKind.VILLAGE_ENTERPRISE,
    ),
    Firm(
        "전주 김치 자활기업",
        "city",
        "{dong}",
        ("processed_food",),
        SocialEconomyType.SELF_SUFFICIENCY,
        OrganisationKind.SELF_SUFFICIENCY,
    ),
    Firm("완주 로컬푸드 영농법인", "province", "완주", ("produce",)),
    Firm("김제 지평선 쌀", "province", "김제", ("produce",)),
    Firm("수도권 식자재 유통(주)", "outside", "이천", ("produce", "processed_food"), small=False),
    Firm("가락 농산물 도매(주)", "outside", "가락", ("produce",), small=False),
    Firm("남해 수산 유통", "outside", "부산", ("seafood",), small=False),
    Firm("군산 수협 유통", "province", "군산", ("seafood",)),
    # Printers.
    Firm("전주 한지인쇄", "city", "{dong}", ("printing",)),
    Firm(
        "완산 인쇄 협동조합",
        "city",
        "{dong}",
        ("printing",),
        SocialEconomyType.COOPERATIVE,
        OrganisationKind.COOPERATIVE,
    ),
    Firm(
        "꿈꾸는 인쇄 예비사회적기업",
        "city",
        "{dong}",
        ("printing",),
        SocialEconomyType.PRE_SOCIAL_ENTERPRISE,
        OrganisationKind.SOCIAL_ENTERPRISE,
    ),
    Firm("서울 종합인쇄(주)", "outside", "서울", ("printing",), small=False),
    # Office supplies and building care.
    Firm(
        "행복사무 사회적기업",
        "city",
        "{dong}",
        ("office",),
        SocialEconomyType.SOCIAL_ENTERPRISE,
        OrganisationKind.SOCIAL_ENTERPRISE,
    ),
    Firm("덕진 문구", "city", "{dong}", ("office",)),
    Firm("오피스 전국유통(주)", "outside", "서울", ("office",), small=False),
    Firm(
        "전주 클린 자활기업",
        "city",
        "{dong}",
        ("cleaning",),
        SocialEconomyType.SELF_SUFFICIENCY,
        OrganisationKind.SELF_SUFFICIENCY,
    ),
    Firm("한마음 시설관리", "city", "{dong}", ("cleaning",)),
    Firm("전국 빌딩서비스(주)", "outside", "대전", ("cleaning",), small=False),
    # Builders.
    Firm("전주 종합건설(주)", "city", "{dong}", ("construction",), small=False),
    Firm("덕진 토건", "city", "{dong}", ("construction",)),
    Firm("익산 토건(주)", "province", "익산", ("construction",)),
    Firm("서울 대형건설(주)", "outside", "서울", ("construction",), small=False),
)

# Share of each programme's money paid to firms in the city, the province and outside, by
# year: the reform of 2025 brings the books home; uniforms and meals still leak.
LOCAL_MIX: dict[str, dict[int, tuple[float, float, float]]] = {
    "library-books": {2023: (0.18, 0.07, 0.75), 2024: (0.2, 0.08, 0.72), 2025: (0.72, 0.05, 0.23)},
    "school-uniforms": {
        2023: (0.15, 0.05, 0.8),
        2024: (0.16, 0.05, 0.79),
        2025: (0.22, 0.06, 0.72),
    },
    "school-meals": {2023: (0.1, 0.22, 0.68), 2024: (0.11, 0.23, 0.66), 2025: (0.14, 0.25, 0.61)},
    "printing": {2023: (0.55, 0.0, 0.45), 2024: (0.58, 0.0, 0.42), 2025: (0.62, 0.0, 0.38)},
    "office": {2023: (0.5, 0.0, 0.5), 2024: (0.52, 0.0, 0.48), 2025: (0.55, 0.0, 0.45)},
    "cleaning": {2023: (0.6, 0.0, 0.4), 2024: (0.62, 0.0, 0.38), 2025: (0.66, 0.0, 0.34)},
    "roads": {2023: (0.45, 0.2, 0.35), 2024: (0.45, 0.2, 0.35), 2025: (0.5, 0.2, 0.3)},
}
# Typical payment of each programme (KRW). Most are payments under yearly contracts won by
# bid; office supplies are small private contracts, far enough apart not to be summed.
TYPICAL_PAYMENT_KRW = {
    "library-books": 4_000_000,
    "school-uniforms": 3_000_000,
    "school-meals": 5_000_000,
    "printing": 2_000_000,
    "office": 4_000_000,
    "cleaning": 25_000_000,
    "roads": 90_000_000,
}
PRIVATE_PROGRAMMES = frozenset({"office"})


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _business_number(prefix: str, serial: int) -> str:
    """A checksum-valid number: 3 digits of a tax office, 2 of a kind, 4 of a serial."""
    first9 = f"{prefix}{serial % 10_000:04d}"
    return first9 + str(business_number_check_digit(first9))


def _free_number(prefix: str, serial: int, name: str) -> str:
    """The firm's number, stepping past any number another organisation already holds."""
    for step in range(0, 10_000, 97):
        number = _business_number(prefix, serial + step)
        holder = Organisation.objects.filter(business_number=number).values_list("name", flat=True)
        if not holder or holder[0] == name:
            return number
    raise RuntimeError("no free demo business number")


def _reference_data() -> None:
    for code, name, name_en, kind in CATEGORIES:
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": kind}
        )
    for code, name, name_en, library in DEPARTMENTS:
        organisation = (
            Organisation.objects.filter(name=library, kind=OrganisationKind.LIBRARY).first()
            if library
            else None
        )
        Department.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "organisation": organisation}
        )
    categories = {c.code: c for c in Category.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    for code, name, name_en, category, department, _budget in PROGRAMMES:
        Programme.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "category": categories[category],
                "department": departments[department],
            },
        )


def _suppliers(city: City, rng: np.random.Generator) -> dict[str, Supplier]:
    """The invented firms as organisations with supplier profiles (existing ones kept)."""
    dongs = list(Dong.objects.filter(city=city).select_related("gu").order_by("code"))
    area = city_area()
    categories = {c.code: c for c in Category.objects.all()}
    out: dict[str, Supplier] = {}
    tax_office = {"city": "402", "province": "403", "outside": "220"}
    for i, firm in enumerate(FIRMS):
        prefix = tax_office[firm.place] + ("81" if not firm.small else "05")
        number = _free_number(prefix, 1000 + i, firm.name)
        existing = Supplier.objects.filter(organisation__business_number=number).first()
        if existing is not None:
            out[firm.name] = existing
            continue
        dong = None
        if firm.place == "city":
            dong = dongs[int(rng.integers(0, len(dongs)))]
            gu = dong.gu.name if dong.gu is not None else ""
            where = " ".join(p for p in (city.province, city.name, gu, dong.name) if p)
            address = f"{where} {100 + i}번지"
        elif firm.place == "province":
            address = PROVINCE_ADDRESSES[firm.address].format(n=10 + i)
        else:
            address = OUTSIDE_ADDRESSES[firm.address].format(n=10 + i)
        place = resolve_place(address=address, dong=dong, area=area)
        org = Organisation.objects.filter(business_number=number).first() or (
            Organisation.objects.create(
                kind=firm.kind,
                name=firm.name,
                business_number=number,
                address=address,
                dong=place.dong,
                phone=f"063-{200 + i:03d}-{1000 + i * 7:04d}" if firm.place == "city" else "",
            )
        )
        supplier = Supplier.objects.create(
            organisation=org,
            locality=place.locality,
            province=place.province,
            municipality=place.municipality,
            social_economy_type=firm.social,
            is_sme=firm.small,
            is_small_firm=firm.small,
            is_women_owned=bool(firm.small and i % 7 == 3),
        )
        supplier.categories.set([categories[c] for c in firm.categories])
        out[firm.name] = supplier
    return out


def _ledger_frame(
    suppliers: dict[str, Supplier],
    rng: np.random.Generator,
    year: int,
    lot_payments: list[dict[str, str]],
) -> pl.DataFrame:
    """A year's payments of every programme, as ledger columns (strings, as a file has them)."""
    by_place: dict[tuple[str, str], list[Supplier]] = {}
    for firm in FIRMS:
        supplier = suppliers[firm.name]
        for category in firm.categories:
            by_place.setdefault((category, firm.place), []).append(supplier)
    rows: dict[str, list[str]] = {
        k: []
        for k in (
            "payment_id",
            "paid_on",
            "department",
            "programme",
            "category",
            "business_number",
            "supplier_name",
            "amount_krw",
            "method",
        )
    }
    serial = 0
    start = dt.date(year, 1, 1)
    days_in_year = (dt.date(year, 12, 31) - start).days + 1
    for code, _name, _en, category, department, budget in PROGRAMMES:
        if code == "library-books" and year >= REFORM_YEAR:
            continue  # after the reform the books are paid lot by lot (see _lot_payments)
        mix = LOCAL_MIX[code][year]
        typical = TYPICAL_PAYMENT_KRW[code]
        for place, share in zip(("city", "province", "outside"), mix, strict=True):
            money = int(budget * share * rng.uniform(0.95, 1.05))
            pool_category = category
            if code == "school-meals" and place == "outside" and rng.random() < 0.15:
                pool_category = "seafood"
            pool = by_place.get((pool_category, place))
            if pool is None:
                pool_category, pool = category, by_place.get((category, place))
            if not pool or money <= 0:
                continue
            # Before the reform the books came in a few big national orders.
            size = typical * (30 if code == "library-books" and year < REFORM_YEAR else 1)
            count = max(1, money // size)
            weights = rng.dirichlet(np.ones(count) * 4)
            amounts = np.maximum((weights * money).astype(np.int64) // 1000 * 1000, 10_000)
            if code in PRIVATE_PROGRAMMES:
                # One small order every seven weeks or so, so no three are summed together.
                count = min(count, 6)
                weights = rng.dirichlet(np.ones(count) * 4)
                amounts = np.minimum(
                    np.maximum((weights * money).astype(np.int64) // 1000 * 1000, 10_000),
                    9_000_000,
                )
                days = np.arange(count) * 50 + (20 if place == "city" else 45)
            else:
                days = np.sort(rng.integers(0, days_in_year, count))
            picks = rng.integers(0, len(pool), count)
            for amount, day, pick in zip(
                amounts.tolist(), days.tolist(), picks.tolist(), strict=True
            ):
                serial += 1
                supplier = pool[pick]
                who = department
                if code in PRIVATE_PROGRAMMES:
                    # A recurring need is summed over the fiscal year (제7조): the year's office
                    # supplies are bought by open bid; only the planted split below is 수의계약.
                    method = "일반경쟁입찰"
                elif year >= REFORM_YEAR and place == "city":
                    method = "제한경쟁입찰"
                else:
                    method = "일반경쟁입찰"
                rows["payment_id"].append(f"{year}-{code}-{serial:06d}")
                rows["paid_on"].append((start + dt.timedelta(days=day)).isoformat())
                rows["department"].append(who)
                rows["programme"].append(code)
                rows["category"].append(pool_category)
                rows["business_number"].append(supplier.organisation.business_number)
                rows["supplier_name"].append(supplier.organisation.name)
                rows["amount_krw"].append(str(amount))
                rows["method"].append(method)
    for payment in lot_payments:
        for key, value in payment.items():
            rows[key].append(value)
    # The accounting division's office supplies bought in three parts within sixteen days:
    # each under the private-contract limit, together over it (수의계약 쪼개기, for the audit page).
    split_firm = suppliers["덕진 문구"].organisation
    for part, day in enumerate((330, 337, 345), start=1):
        rows["payment_id"].append(f"{year}-office-split-{part}")
        rows["paid_on"].append((start + dt.timedelta(days=day)).isoformat())
        rows["department"].append("accounting")
        rows["programme"].append("office")
        rows["category"].append("office")
        rows["business_number"].append(split_firm.business_number)
        rows["supplier_name"].append(split_firm.name)
        rows["amount_krw"].append(str(9_500_000 + part * 300_000))
        rows["method"].append("수의계약")
    return pl.DataFrame(rows)


def _ledger(suppliers: dict[str, Supplier], seed: int, progress: Progress | None) -> int:
    if LedgerImport.objects.filter(source=ImportSource.DEMO).exists():
        return 0
    written = 0
    for year in DEMO_YEARS:
        rng = np.random.default_rng([seed, 5, year])
        frame = _ledger_frame(suppliers, rng, year, _lot_payments(year))
        _say(progress, _("%(year)s년 지출 %(n)s건 쓰는 중…") % {"year": year, "n": frame.height})
        validated = validate_ledger(
            LedgerFile(frame, ImportSource.DEMO, f"demo-{year}.csv"),
            fiscal_year=year,
            accept_new_programmes=True,
        )
        if validated.error_count:
            raise RuntimeError(f"demo ledger {year} is invalid: {validated.errors[:3]}")
        write_ledger(
            validated,
            by=None,
            fiscal_year=year,
            filename=f"demo-{year}.csv",
            source=ImportSource.DEMO,
        )
        written += frame.height
    return written


def _surveys(suppliers: dict[str, Supplier], rng: np.random.Generator) -> None:
    """A spring survey round each year: most firms answer; local firms re-spend far more."""
    if SupplierSurvey.objects.exists():
        return
    answers = []
    employees = []
    local_firms = [suppliers[f.name] for f in FIRMS if f.place == "city"]
    for year in DEMO_YEARS:
        spring = dt.date(year, 3, 1)
        for firm in FIRMS:
            if rng.random() < 0.3:
                continue  # not every firm answers
            if firm.place == "city":
                staff, local = rng.integers(3000, 5200), rng.integers(1500, 3000)
            elif firm.place == "province":
                staff, local = rng.integers(200, 800), rng.integers(300, 900)
            else:
                staff, local = rng.integers(0, 150), rng.integers(0, 300)
            answers.append(
                SupplierSurvey(
                    supplier=suppliers[firm.name],
                    surveyed_on=spring + dt.timedelta(days=int(rng.integers(0, 60))),
                    local_staff_bp=int(staff),
                    local_supplier_bp=int(local),
                    note=_("데모 조사"),
                )
            )
        employees += [
            EmployeeSurvey(
                supplier=local_firms[int(rng.integers(0, len(local_firms)))],
                surveyed_on=spring + dt.timedelta(days=int(rng.integers(30, 60))),
                local_spend_bp=int(rng.integers(5500, 8500)),
            )
            for _i in range(20)
        ]
    SupplierSurvey.objects.bulk_create(answers)
    EmployeeSurvey.objects.bulk_create(employees)


def _support(suppliers: dict[str, Supplier], rng: np.random.Generator) -> None:
    if SupportRecord.objects.exists():
        return
    records = []
    descriptions = {
        SupportKind.GRANT: _("일자리 창출 사업비"),
        SupportKind.CONSULTING: _("경영 컨설팅"),
        SupportKind.TRAINING: _("공공구매 입찰 교육"),
        SupportKind.MARKETING: _("공공기관 판로 상담회"),
        SupportKind.SPACE: _("사회적경제 혁신타운 입주"),
    }
    for firm in FIRMS:
        if not firm.social:
            continue
        for year in DEMO_YEARS:
            for kind in rng.choice(list(SupportKind), size=int(rng.integers(1, 4)), replace=False):
                amount = int(rng.integers(5, 31)) * 1_000_000 if kind == SupportKind.GRANT else 0
                records.append(
                    SupportRecord(
                        supplier=suppliers[firm.name],
                        kind=kind,
                        given_on=dt.date(year, 2, 1) + dt.timedelta(days=int(rng.integers(0, 300))),
                        amount_krw=amount,
                        description=str(descriptions[SupportKind(kind)]),
                    )
                )
    SupportRecord.objects.bulk_create(records)


def _demand(rng: np.random.Generator) -> None:
    programme = Programme.objects.get(code="library-books")
    budget = next(p[5] for p in PROGRAMMES if p[0] == "library-books")
    departments = {d.code: d for d in Department.objects.filter(code__in=LIBRARIES)}
    for year in (REFORM_YEAR, PLAN_YEAR):
        if ProgrammeDemand.objects.filter(programme=programme, fiscal_year=year).exists():
            continue
        lines = []
        for library, weight in zip(LIBRARIES, LIBRARY_WEIGHTS, strict=True):
            quarter_shares = rng.dirichlet(np.ones(4) * 20)
            for quarter in range(1, 5):
                for subject, subject_weight in zip(SUBJECTS, SUBJECT_WEIGHTS, strict=True):
                    amount = int(budget * weight * quarter_shares[quarter - 1] * subject_weight)
                    lines.append(
                        ProgrammeDemand(
                            programme=programme,
                            fiscal_year=year,
                            department=departments[library],
                            subject=subject,
                            quarter=quarter,
                            amount_krw=amount // 1000 * 1000,
                        )
                    )
        ProgrammeDemand.objects.bulk_create(lines)


def _plans() -> None:
    """The library books of the reform year planned as lots, every lot awarded to one of its
    eligible firms at 90 % of the estimate (the ledger then pays them)."""
    programme = Programme.objects.get(code="library-books")
    if PurchasePlan.objects.filter(programme=programme, fiscal_year=REFORM_YEAR).exists():
        return
    plan = store_lot_plan(
        by=None, programme=programme, fiscal_year=REFORM_YEAR, settings=LotSettings()
    )
    fallback = (
        Supplier.objects.filter(categories__code="books", locality=Locality.IN_CITY)
        .order_by("id")
        .values_list("id", flat=True)
    )
    lots = list(plan.purchases.order_by("order_on", "reference"))
    for i, lot in enumerate(lots):
        winners = lot.eligible_supplier_ids or list(fallback)
        lot.stage = Stage.AWARD
        lot.award_supplier_id = winners[i % len(winners)]
        lot.award_amount_krw = lot.amount_krw * 9 // 10
        lot.awarded_at = timezone.make_aware(
            dt.datetime.combine(lot.order_on + dt.timedelta(days=14), dt.time(10))
        )
    PlannedPurchase.objects.bulk_update(
        lots, ["stage", "award_supplier", "award_amount_krw", "awarded_at"]
    )


def _lot_payments(year: int) -> list[dict[str, str]]:
    """The payments of the year's awarded library lots: one per lot, a month after award."""
    out = []
    for lot in PlannedPurchase.objects.filter(
        plan__fiscal_year=year, plan__programme__code="library-books", stage=Stage.AWARD
    ).select_related("department", "award_supplier__organisation"):
        assert lot.awarded_at is not None and lot.award_supplier is not None
        paid_on = min(
            timezone.localdate(lot.awarded_at) + dt.timedelta(days=30), dt.date(year, 12, 28)
        )
        out.append(
            {
                "payment_id": f"{year}-library-books-{lot.reference}",
                "paid_on": paid_on.isoformat(),
                "department": lot.department.code,
                "programme": "library-books",
                "category": "books",
                "business_number": lot.award_supplier.organisation.business_number,
                "supplier_name": lot.award_supplier.organisation.name,
                "amount_krw": str(lot.award_amount_krw),
                "method": lot.method,
            }
        )
    return out


def load_demo(
    *, city: City, seed: int, progress: Progress | None = None, with_meals: bool = True
) -> dict[str, Any]:
    """Load the demo economy for `city`; idempotent (a second load changes nothing).

    `with_meals` adds the school meals and uniforms (schools, menus, ~300 farms and their
    offers: several seconds), which most tests of the ledger and rules do not need."""
    rng = np.random.default_rng([seed, 5])
    _say(progress, _("자립경제: 계약 규칙과 품목…"))
    with transaction.atomic():
        if not _has_rules():
            install_shipped_rules(by=None)
        _reference_data()
        _say(progress, _("자립경제: 공급업체 등록부…"))
        suppliers = _suppliers(city, rng)
        _say(progress, _("자립경제: 도서 수요와 분할 발주…"))
        _demand(np.random.default_rng([seed, 8]))
        _plans()
    rows = _ledger(suppliers, seed, progress)
    with transaction.atomic():
        _say(progress, _("자립경제: 재지출 조사와 지원 기록…"))
        _surveys(suppliers, np.random.default_rng([seed, 6]))
        _support(suppliers, np.random.default_rng([seed, 7]))
    _say(progress, _("자립경제: 동네복지 서비스 구매…"))
    welfare = _welfare_purchases(city, seed)
    past_referrals = _welfare_history(city, seed)
    meals = {}
    if with_meals:
        _say(progress, _("자립경제: 학교급식 식단과 농가, 교복…"))
        meals = load_meals_demo(city=city, year=PLAN_YEAR, seed=seed)
    return {
        "suppliers": len(suppliers),
        "ledger_rows": rows,
        "welfare_purchases": welfare,
        "welfare_past_referrals": past_referrals,
        **meals,
    }


# --- Welfare money counted as local circulation (#13 Part D) --------------------------------

# Services bought for welfare cases are paid from the welfare division's budget to the
# providers that serve the cases' referrals: the city's social-economy organisations (the same
# ones the welfare resource directory sends people to), and a few firms from elsewhere.
WELFARE_CATEGORY = ("social_services", "사회복지 서비스", "Social welfare services", "services")
WELFARE_DEPARTMENT = ("welfare-policy", "복지정책과", "Welfare Policy Division")
WELFARE_PROVIDER_KINDS = {
    OrganisationKind.SOCIAL_ENTERPRISE: SocialEconomyType.SOCIAL_ENTERPRISE,
    OrganisationKind.COOPERATIVE: SocialEconomyType.COOPERATIVE,
    OrganisationKind.SELF_SUFFICIENCY: SocialEconomyType.SELF_SUFFICIENCY,
    OrganisationKind.VILLAGE_ENTERPRISE: SocialEconomyType.VILLAGE_ENTERPRISE,
}
WELFARE_PROVIDERS_PER_KIND = 3
# Providers from elsewhere: (name, place, address key).
WELFARE_OUTSIDE_PROVIDERS = (
    ("(주)한국통합돌봄서비스", "outside", "서울"),
    ("익산 재가복지센터", "province", "익산"),
)
# Per welfare programme: payments a year, and the range of one payment (KRW).
WELFARE_PAYMENTS = {
    WelfareProgramme.INTEGRATED: (90, 300_000, 1_500_000),
    WelfareProgramme.EMERGENCY: (35, 500_000, 3_000_000),
    WelfareProgramme.SIMPLE: (60, 100_000, 600_000),
}
# Share of each year's welfare payments made to the city's own providers (the rest to the
# province's and outside firms): rising as the city steers referrals to local providers.
WELFARE_LOCAL_SHARE = {2023: 0.55, 2024: 0.62, 2025: 0.71}


def _welfare_providers(city: City) -> tuple[list[Supplier], list[Supplier]]:
    """The social-economy organisations of the city that welfare resources point at, as
    suppliers of social services (made on first use), and the providers from elsewhere."""
    category, _created = Category.objects.get_or_create(
        code=WELFARE_CATEGORY[0],
        defaults={
            "name": WELFARE_CATEGORY[1],
            "name_en": WELFARE_CATEGORY[2],
            "kind": WELFARE_CATEGORY[3],
        },
    )
    area = city_area()
    local: list[Supplier] = []
    for kind, social_type in WELFARE_PROVIDER_KINDS.items():
        orgs = Organisation.objects.filter(
            kind=kind, dong__city=city, business_number__isnull=False
        ).exclude(business_number="")
        for org in orgs.select_related("supplier").order_by("id")[:WELFARE_PROVIDERS_PER_KIND]:
            supplier = getattr(org, "supplier", None)
            if supplier is None:
                place = resolve_place(address=org.address, dong=org.dong, area=area)
                supplier = Supplier.objects.create(
                    organisation=org,
                    locality=place.locality,
                    province=place.province,
                    municipality=place.municipality,
                    social_economy_type=social_type,
                    is_sme=True,
                    is_small_firm=True,
                )
            supplier.categories.add(category)
            local.append(supplier)
    elsewhere: list[Supplier] = []
    for i, (name, where, key) in enumerate(WELFARE_OUTSIDE_PROVIDERS):
        number = _free_number("22081" if where == "outside" else "40305", 3000 + i, name)
        supplier = Supplier.objects.filter(organisation__business_number=number).first()
        if supplier is None:
            addresses = OUTSIDE_ADDRESSES if where == "outside" else PROVINCE_ADDRESSES
            address = addresses[key].format(n=70 + i)
            place = resolve_place(address=address, dong=None, area=area)
            org = Organisation.objects.filter(business_number=number).first() or (
                Organisation.objects.create(
                    kind=OrganisationKind.FIRM, name=name, business_number=number, address=address
                )
            )
            supplier = Supplier.objects.create(
                organisation=org,
                locality=place.locality,
                province=place.province,
                municipality=place.municipality,
                is_sme=True,
            )
        supplier.categories.add(category)
        elsewhere.append(supplier)
    return local, elsewhere


def _welfare_provider_surveys(local: list[Supplier], rng: np.random.Generator) -> None:
    """The city's welfare providers answer the spring re-spend survey too: care work is mostly
    local wages, so their money stays in the city more than most firms'."""
    SupplierSurvey.objects.bulk_create(
        SupplierSurvey(
            supplier=supplier,
            surveyed_on=dt.date(year, 3, 1) + dt.timedelta(days=int(rng.integers(0, 60))),
            local_staff_bp=int(rng.integers(5000, 7000)),
            local_supplier_bp=int(rng.integers(1500, 2500)),
            note=_("데모 조사"),
        )
        for year in DEMO_YEARS
        for supplier in local
        if not supplier.surveys.filter(surveyed_on__year=year).exists()
    )


def _welfare_purchases(city: City, seed: int) -> int:
    """Three years of services bought for welfare cases, entered into the ledger under the
    welfare programmes (through the same service and checks as any welfare purchase), so the
    local-share and LM3 pages count them (#13 Part D). Linked to programmes, never to people."""
    if LedgerImport.objects.filter(source=ImportSource.WELFARE).exists():
        return 0
    if not Organisation.objects.filter(kind__in=WELFARE_PROVIDER_KINDS, dong__city=city).exists():
        return 0  # a city without social-economy organisations buys nothing from them here
    code, name, name_en = WELFARE_DEPARTMENT
    Department.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
    local, elsewhere = _welfare_providers(city)
    if not local:
        return 0  # its organisations have no 사업자등록번호: nothing to pay them under
    _welfare_provider_surveys(local, np.random.default_rng([seed, 10]))
    written = 0
    for year in DEMO_YEARS:
        rng = np.random.default_rng([seed, 9, year])
        purchases = []
        for programme, (count, low, high) in WELFARE_PAYMENTS.items():
            for _n in range(count):
                is_local = not elsewhere or rng.random() < WELFARE_LOCAL_SHARE[year]
                pool = local if is_local else elsewhere
                supplier = pool[int(rng.integers(0, len(pool)))]
                amount = int(rng.integers(low // 10_000, high // 10_000 + 1)) * 10_000
                purchases.append(
                    WelfarePurchase(
                        payment_id=f"W{year}-{len(purchases) + 1:05d}",
                        paid_on=dt.date(year, 1, 15) + dt.timedelta(days=int(rng.integers(0, 345))),
                        welfare_programme=programme.value,
                        welfare_programme_label=programme.label,
                        department=code,
                        category=WELFARE_CATEGORY[0],
                        business_number=supplier.organisation.business_number,
                        amount_krw=amount,
                        # Each provider serves cases under a yearly agreement chosen by open
                        # call (공모): these are its instalments, not private contracts to sum
                        # in the split check.
                        method=ContractMethod.OPEN_BID,
                    )
                )
        store_welfare_purchases(by=None, fiscal_year=year, purchases=purchases)
        written += len(purchases)
    return written


def _welfare_history(city: City, seed: int) -> int:
    """Closed welfare cases of the ledger's years whose referrals the city's welfare providers
    served: the welfare demo's own cases are this year's, the ledger's years are past ones, and
    Part D reads both for the same year."""
    providers = Supplier.objects.filter(categories__code=WELFARE_CATEGORY[0]).exclude(
        social_economy_type=""
    )
    return load_past_cases(
        city=city,
        years=DEMO_YEARS,
        organisation_ids=providers.values_list("organisation_id", flat=True),
        seed=seed,
    )


def _has_rules() -> bool:
    return PolicyRevision.objects.exists()
