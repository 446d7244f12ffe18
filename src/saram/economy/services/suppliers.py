"""The supplier registry: register, change, import and export the firms that sell to the city.

A supplier is a core Organisation with an economy profile, so the city keeps one registry of
organisations. The 사업자등록번호 is checksum-validated; the address is resolved to a dong of
the city, or else to its province and municipality, which gives the locality class.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import RowError, SaramError
from saram.core.imports import (
    CellError,
    Column,
    ImportSpec,
    Upload,
    read_table,
    register_spec,
    rejected,
    typed_rows,
)
from saram.core.models import AuditAction, Dong, Organisation, OrganisationKind
from saram.core.selectors import current_city
from saram.core.services.exports import write_table_file
from saram.core.services.organisations import check_dongs_and_numbers, parse_kind
from saram.economy.engine import CityArea, FirmClass, check_business_number, classify_address
from saram.economy.engine import Supplier as PolicySupplier
from saram.economy.engine.registry import Locality as EngineLocality
from saram.economy.models import (
    PRIVATE_CONTRACT_SOCIAL_TYPES,
    Category,
    Locality,
    SocialEconomyType,
    Supplier,
)
from saram.economy.services.ledger_totals import move_supplier_payments
from saram.economy.services.rules import city_area

FLAG_FIELDS = ("is_sme", "is_small_firm", "is_women_owned", "is_disabled_owned", "is_youth_startup")

_SOCIAL_KIND = {
    SocialEconomyType.SOCIAL_ENTERPRISE: OrganisationKind.SOCIAL_ENTERPRISE,
    SocialEconomyType.PRE_SOCIAL_ENTERPRISE: OrganisationKind.SOCIAL_ENTERPRISE,
    SocialEconomyType.VILLAGE_ENTERPRISE: OrganisationKind.VILLAGE_ENTERPRISE,
    SocialEconomyType.COOPERATIVE: OrganisationKind.COOPERATIVE,
    SocialEconomyType.SOCIAL_COOPERATIVE: OrganisationKind.COOPERATIVE,
    SocialEconomyType.SELF_SUFFICIENCY: OrganisationKind.SELF_SUFFICIENCY,
}


def _require_manage(by: Any) -> None:
    scope = scope_of(by)
    if not (scope.can(Can.MANAGE_ECONOMY) or scope.can(Can.MANAGE_SOCIAL_ECONOMY)):
        scope.require(Can.MANAGE_ECONOMY)


# --- Addresses and locality ----------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where an address is: a dong of the city when it names one, else province and city."""

    dong: Dong | None
    locality: Locality
    province: str
    municipality: str


def resolve_place(*, address: str, dong: Dong | None, area: CityArea) -> Place:
    """Resolve an address (and a known dong) to dong / city / province and a locality class."""
    city = current_city()
    words = (address or "").split()
    if dong is None and words:
        # An address inside the city may name its dong ("... 덕진구 송천1동 ..."): find it.
        names = [w for w in words[:5] if w.endswith("동")]
        if names and classify_address(address, area) == EngineLocality.IN_CITY:
            dong = Dong.objects.filter(name__in=names).order_by("code").first()
    if dong is not None:
        province = city.province if city else area.province_name
        return Place(dong, Locality.IN_CITY, province, city.name if city else area.city_name)
    locality = Locality(classify_address(address, area).value)
    province = words[0] if words else ""
    municipality = words[1] if len(words) > 1 else ""
    if locality == Locality.IN_CITY:
        province, municipality = area.province_name, area.city_name
    return Place(None, locality, province, municipality)


def parse_business_number(text: str) -> str:
    """The 10 digits of a valid 사업자등록번호; a column parser."""
    check = check_business_number(text)
    if check.problem is not None:
        raise CellError(check.problem.value)
    return check.digits


# --- Reading for the policy engine ---------------------------------------------------------


def firm_classes_of(supplier: Any) -> frozenset[FirmClass]:
    """The firm classes the decree's private-contract limits know this supplier by (a
    `Supplier` or anything with its flags)."""
    classes = {FirmClass.ANY}
    if supplier.is_small_firm:
        classes.add(FirmClass.SMALL_FIRM)
    if supplier.is_women_owned:
        classes.add(FirmClass.WOMEN_OWNED)
    if supplier.is_disabled_owned:
        classes.add(FirmClass.DISABLED_OWNED)
    if supplier.is_youth_startup:
        classes.add(FirmClass.YOUTH_STARTUP)
    if supplier.social_economy_type in PRIVATE_CONTRACT_SOCIAL_TYPES:
        classes.add(FirmClass.SOCIAL_ECONOMY)
    return frozenset(classes)


@dataclass(frozen=True)
class _Flags:
    is_small_firm: bool
    is_women_owned: bool
    is_disabled_owned: bool
    is_youth_startup: bool
    social_economy_type: str


_POLICY_FIELDS = (
    "organisation__business_number",
    "organisation__name",
    "locality",
    "is_small_firm",
    "is_women_owned",
    "is_disabled_owned",
    "is_youth_startup",
    "social_economy_type",
)


def policy_suppliers(*, category: str | None = None) -> list[PolicySupplier]:
    """The registry as the policy engine sees it (suppliers awaiting review left out); with
    `category` only the firms that supply it, which is all one purchase's check needs.

    One query: a row per (firm, category it supplies) with the firm's fields, read as plain
    values. A policy check runs this on every request, so it builds no model objects and does
    not prefetch (that cost ~50 ms a check); a firm that supplies no category is in nobody's
    check, so reading the pairs loses no firm a check could name."""
    pairs = Supplier.categories.through.objects.filter(supplier__needs_review=False)
    if category is not None:
        supplying = Supplier.categories.through.objects.filter(category__code=category)
        pairs = pairs.filter(supplier_id__in=supplying.values("supplier_id"))
    rows = pairs.order_by("supplier_id", "category__code").values_list(
        "supplier_id", "category__code", *(f"supplier__{name}" for name in _POLICY_FIELDS)
    )
    firms: dict[int, tuple[tuple[Any, ...], set[str]]] = {}
    for supplier_id, code, *fields in rows:
        firm = firms.get(supplier_id)
        if firm is None:
            firm = firms[supplier_id] = (tuple(fields), set())
        firm[1].add(code)
    return [
        PolicySupplier(
            business_number=number,
            name=name,
            locality=EngineLocality(locality),
            categories=frozenset(codes),
            firm_classes=firm_classes_of(_Flags(*flags)),
        )
        for (number, name, locality, *flags), codes in firms.values()
    ]


# --- Registering and changing --------------------------------------------------------------


def _kind_for(social_type: str, kind: str | None) -> str:
    if kind:
        return kind
    return _SOCIAL_KIND.get(SocialEconomyType(social_type or ""), OrganisationKind.FIRM)


def register_supplier(
    *,
    by: Any,
    name: str,
    business_number: str,
    address: str = "",
    dong: Dong | None = None,
    phone: str = "",
    kind: str | None = None,
    social_economy_type: str = "",
    categories: Iterable[Category] = (),
    is_sme: bool = False,
    is_small_firm: bool = False,
    is_women_owned: bool = False,
    is_disabled_owned: bool = False,
    is_youth_startup: bool = False,
) -> Supplier:
    """Add a firm to the registry (reusing its organisation if the number is already known)."""
    _require_manage(by)
    check = check_business_number(business_number)
    if check.problem is not None:
        raise SaramError(check.problem.value, params={"field": "business_number"})
    number = check_business_number(business_number).digits
    place = resolve_place(address=address, dong=dong, area=city_area())
    with transaction.atomic():
        org = Organisation.objects.select_for_update().filter(business_number=number).first()
        if org is not None and hasattr(org, "supplier"):
            raise SaramError("economy_supplier_exists", name=org.name)
        if org is None:
            org = Organisation.objects.create(
                kind=_kind_for(social_economy_type, kind),
                name=name.strip(),
                business_number=number,
                address=address.strip(),
                dong=place.dong,
                phone=phone.strip(),
            )
        supplier = Supplier.objects.create(
            organisation=org,
            locality=place.locality,
            province=place.province,
            municipality=place.municipality,
            social_economy_type=social_economy_type or "",
            is_sme=is_sme,
            is_small_firm=is_small_firm,
            is_women_owned=is_women_owned,
            is_disabled_owned=is_disabled_owned,
            is_youth_startup=is_youth_startup,
        )
        supplier.categories.set(list(categories))
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="economy.supplier",
            target_id=supplier.pk,
            purpose=_("공급업체 등록"),
            detail={"business_number": number, "locality": place.locality},
        )
    return supplier


def update_supplier(
    *,
    by: Any,
    supplier: Supplier,
    name: str,
    address: str,
    dong: Dong | None = None,
    phone: str = "",
    social_economy_type: str = "",
    categories: Iterable[Category] = (),
    is_sme: bool = False,
    is_small_firm: bool = False,
    is_women_owned: bool = False,
    is_disabled_owned: bool = False,
    is_youth_startup: bool = False,
    review_note: str = "",
) -> Supplier:
    """Change a supplier; a changed locality re-classifies its past payments too."""
    _require_manage(by)
    place = resolve_place(address=address, dong=dong, area=city_area())
    with transaction.atomic():
        before = supplier.locality
        org = supplier.organisation
        org.name, org.address, org.dong, org.phone = (
            name.strip(),
            address.strip(),
            place.dong,
            phone,
        )
        if social_economy_type and org.kind in (OrganisationKind.FIRM,):
            org.kind = _kind_for(social_economy_type, None)
        org.save()
        supplier.locality = place.locality
        supplier.province = place.province
        supplier.municipality = place.municipality
        supplier.social_economy_type = social_economy_type or ""
        supplier.is_sme = is_sme
        supplier.is_small_firm = is_small_firm
        supplier.is_women_owned = is_women_owned
        supplier.is_disabled_owned = is_disabled_owned
        supplier.is_youth_startup = is_youth_startup
        supplier.review_note = review_note
        supplier.needs_review = place.locality == Locality.UNKNOWN
        supplier.save()
        supplier.categories.set(list(categories))
        moved = 0
        if before != supplier.locality:
            moved = move_supplier_payments(supplier=supplier, locality=supplier.locality)
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="economy.supplier",
            target_id=supplier.pk,
            purpose=_("공급업체 수정"),
            detail={"locality": [before, supplier.locality], "ledger_rows_reclassified": moved},
        )
    return supplier


def ensure_profiles(*, numbers: Iterable[str]) -> dict[str, Supplier]:
    """Suppliers for these numbers: organisations already known get a profile from their
    address. Numbers of no organisation are left out."""
    wanted = set(numbers)
    found = {
        s.organisation.business_number: s
        for s in Supplier.objects.select_related("organisation").filter(
            organisation__business_number__in=wanted
        )
    }
    missing = wanted - set(found)
    if missing:
        area = city_area()
        for org in Organisation.objects.filter(business_number__in=missing).select_related("dong"):
            place = resolve_place(address=org.address, dong=org.dong, area=area)
            found[org.business_number] = Supplier.objects.create(
                organisation=org,
                locality=place.locality,
                province=place.province,
                municipality=place.municipality,
                needs_review=place.locality == Locality.UNKNOWN,
                social_economy_type=_SOCIAL_TYPE_OF_KIND.get(org.kind, ""),
            )
    return found


_SOCIAL_TYPE_OF_KIND = {
    OrganisationKind.SOCIAL_ENTERPRISE: SocialEconomyType.SOCIAL_ENTERPRISE,
    OrganisationKind.COOPERATIVE: SocialEconomyType.COOPERATIVE,
    OrganisationKind.VILLAGE_ENTERPRISE: SocialEconomyType.VILLAGE_ENTERPRISE,
    OrganisationKind.SELF_SUFFICIENCY: SocialEconomyType.SELF_SUFFICIENCY,
}


def register_for_review(*, by: Any, firms: Sequence[tuple[str, str]]) -> int:
    """Add firms seen in a ledger but not in the registry, marked for review (locality unknown
    until someone enters the address). `firms` are (사업자등록번호, name). Returns how many."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    created = 0
    with transaction.atomic():
        valid = {}
        for number, name in firms:
            check = check_business_number(number)
            if check.problem is None:
                valid.setdefault(check.digits, name)
        known = ensure_profiles(numbers=valid)
        for number, name in valid.items():
            if number in known:
                continue
            org = Organisation.objects.create(
                kind=OrganisationKind.FIRM, name=(name or number)[:200], business_number=number
            )
            Supplier.objects.create(
                organisation=org,
                locality=Locality.UNKNOWN,
                needs_review=True,
                review_note=_("지출 자료에서 발견: 주소를 확인하세요."),
            )
            created += 1
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="economy.supplier",
            purpose=_("미등록 거래처를 검토 대상으로 등록"),
            detail={"created": created},
        )
    return created


# --- Import and export ---------------------------------------------------------------------

_TRUE = {"y", "yes", "예", "o", "1", "true", "t", "네"}
_FALSE = {"n", "no", "아니오", "x", "0", "false", "f", ""}


def parse_flag(text: str) -> bool:
    """Y/N (예/아니오, 1/0, O/X) → bool; a column parser."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError("economy_not_flag")


def _social_types() -> dict[str, str]:
    with translation.override("ko"):
        korean = {str(t.label): t.value for t in SocialEconomyType if t.value}
    return (
        {t.value: t.value for t in SocialEconomyType if t.value}
        | korean
        | {str(t.label): t.value for t in SocialEconomyType if t.value}
    )


def parse_social_type(text: str) -> str:
    """A social-economy type by code or Korean or English name; a column parser."""
    found = _social_types().get(text.strip())
    if found is None:
        raise CellError("economy_unknown_social_type")
    return found


_SPLIT = re.compile(r"[;,/|]")


def _category_lookup() -> dict[str, Category]:
    found: dict[str, Category] = {}
    for c in Category.objects.all():
        found[c.code] = c
        found[c.name] = c
        if c.name_en:
            found[c.name_en] = c
    return found


SUPPLIER_COLUMNS = (
    Column("사업자등록번호", parse_business_number),
    Column("상호"),
    Column("유형", parse_kind, required=False),
    Column("주소", required=False),
    Column("행정동코드", required=False),
    Column("전화", required=False),
    Column("사회적경제유형", parse_social_type, required=False),
    Column("중소기업", parse_flag, required=False),
    Column("소기업·소상공인", parse_flag, required=False),
    Column("여성기업", parse_flag, required=False),
    Column("장애인기업", parse_flag, required=False),
    Column("청년창업", parse_flag, required=False),
    Column("공급품목", required=False),
)
SUPPLIER_SPEC = register_spec(ImportSpec("economy_suppliers", SUPPLIER_COLUMNS))
_FLAG_COLUMNS = dict(
    zip(
        ("중소기업", "소기업·소상공인", "여성기업", "장애인기업", "청년창업"),
        FLAG_FIELDS,
        strict=True,
    )
)


def import_suppliers(*, by: Any, upload: Upload) -> int:
    """All-or-nothing: every bad row is reported; known numbers are updated, others added."""
    _require_manage(by)
    table = read_table(upload, SUPPLIER_SPEC)
    rows, errors = typed_rows(table, SUPPLIER_SPEC)
    dongs = {d.code: d for d in Dong.objects.all()}
    categories = _category_lookup()
    seen = check_dongs_and_numbers(rows, dongs, errors)
    for row in rows:
        n = row["_row"]
        wanted = [p.strip() for p in _SPLIT.split(row["공급품목"] or "") if p.strip()]
        unknown = [p for p in wanted if p not in categories]
        if unknown:
            errors.append(
                RowError(
                    n,
                    "공급품목",
                    value=row["공급품목"],
                    code="economy_unknown_categories",
                    params={"names": ", ".join(unknown)},
                )
            )
        row["_categories"] = [categories[p] for p in wanted if p in categories]
    if errors:
        raise rejected(errors, table=table.frame, spec=SUPPLIER_SPEC)
    area = city_area()
    with transaction.atomic():
        orgs = {
            o.business_number: o
            for o in Organisation.objects.filter(business_number__in=list(seen)).select_related(
                "supplier"
            )
        }
        created = updated = 0
        for row in rows:
            number = row["사업자등록번호"]
            social = row["사회적경제유형"] or ""
            place = resolve_place(
                address=row["주소"] or "", dong=dongs.get(row["행정동코드"] or ""), area=area
            )
            org = orgs.get(number)
            org_values = {
                "name": row["상호"],
                "address": row["주소"] or "",
                "dong": place.dong,
                "phone": row["전화"] or "",
            }
            if org is None:
                org = Organisation.objects.create(
                    kind=_kind_for(social, row["유형"]), business_number=number, **org_values
                )
            else:
                for key, value in org_values.items():
                    setattr(org, key, value)
                if row["유형"]:
                    org.kind = row["유형"]
                org.save()
            profile = {
                "locality": place.locality,
                "province": place.province,
                "municipality": place.municipality,
                "social_economy_type": social,
                "needs_review": place.locality == Locality.UNKNOWN,
            } | {field: bool(row[column]) for column, field in _FLAG_COLUMNS.items()}
            supplier = Supplier.objects.filter(organisation=org).first()
            if supplier is None:
                supplier = Supplier.objects.create(organisation=org, **profile)
                created += 1
            else:
                before = supplier.locality
                for key, value in profile.items():
                    setattr(supplier, key, value)
                supplier.save()
                if before != supplier.locality:
                    move_supplier_payments(supplier=supplier, locality=supplier.locality)
                updated += 1
            supplier.categories.set(row["_categories"])
        audit.record(
            actor=by,
            action=AuditAction.IMPORT,
            target_type="economy.supplier",
            purpose=_("공급업체 가져오기"),
            detail={"file": upload.filename, "created": created, "updated": updated},
        )
    return len(rows)


# The export has exactly the import's columns, so an exported file imports again unchanged.
EXPORT_HEADERS = tuple(c.name for c in SUPPLIER_COLUMNS)


def export_suppliers(*, by: Any, fmt: str, suppliers: Iterable[Supplier]) -> BinaryIO:
    """Suppliers as CSV or XLSX with the import's columns."""
    with translation.override("ko"):
        kinds = {k.value: str(k.label) for k in OrganisationKind}
        socials = {t.value: str(t.label) for t in SocialEconomyType}

    def flag(value: bool) -> str:
        return "Y" if value else "N"

    rows = [
        (
            s.organisation.business_number,
            s.organisation.name,
            kinds.get(s.organisation.kind, s.organisation.kind),
            s.organisation.address,
            s.organisation.dong.code if s.organisation.dong else "",
            s.organisation.phone,
            socials.get(s.social_economy_type, "") if s.social_economy_type else "",
            *(flag(getattr(s, f)) for f in FLAG_FIELDS),
            ";".join(c.code for c in s.categories.all()),
        )
        for s in suppliers
    ]
    audit.record(
        actor=by,
        action=AuditAction.EXPORT,
        target_type="economy.supplier",
        purpose=_("공급업체 내보내기"),
        detail={"rows": len(rows), "format": fmt},
    )
    return write_table_file(EXPORT_HEADERS, rows, fmt)
