"""Procurement rules as versioned data, edited by the administrator, and the policy's answers.

The rules are two layers (the law, the city's own policy), each a list of versions with
effective dates, in the engine's JSON shape. Every save writes a new immutable revision after
the engine has accepted the whole rule book; a rule book that overlaps or leaves a gap is
refused with every reason.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from importlib import resources
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction
from saram.core.selectors import current_city
from saram.economy import explanations
from saram.economy.engine import (
    CityArea,
    PolicyDecision,
    PolicyError,
    PurchaseKind,
    PurchaseRequest,
    RuleBook,
    RuleBookError,
    evaluate,
    load_rule_book,
)
from saram.economy.engine.policy import Layer, RuleEffect
from saram.economy.models import Category, Department, PolicyRevision

LAW_FILE = "law_local_contract.json"
CITY_FILE = "jeonju.json"
RULE_FIELDS = (
    "rule_id",
    "effect",
    "kinds",
    "source",
    "limit_krw",
    "limit_inclusive",
    "firm_class",
    "single_quote_limit_krw",
    "scope",
    "window_days",
    "dimensions",
    "target_share_bp",
)

_books: dict[int, RuleBook] = {}
_books_lock = threading.Lock()


def _read_shipped(name: str) -> dict[str, Any]:
    text = resources.files("saram.economy.engine").joinpath("data", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def shipped_rules(city_file: str = CITY_FILE) -> tuple[dict[str, Any], dict[str, Any]]:
    """The law and city layers shipped with Saram (the city's are the demo city's seed)."""
    return _read_shipped(LAW_FILE), _read_shipped(city_file)


def current_revision() -> PolicyRevision | None:
    """The latest saved revision of the rules, or None when only the shipped rules exist."""
    return PolicyRevision.objects.order_by("-number").first()


def current_rules() -> tuple[dict[str, Any], dict[str, Any], PolicyRevision | None]:
    """Both layers in force as data, and the revision they come from (None: shipped rules)."""
    revision = current_revision()
    if revision is None:
        law, city = shipped_rules()
        return law, city, None
    return copy.deepcopy(revision.law), copy.deepcopy(revision.city), revision


def rule_book_of(revision: PolicyRevision | None) -> RuleBook:
    """The engine's validated RuleBook for a revision (cached: revisions never change)."""
    if revision is None:
        law, city = shipped_rules()
        return load_rule_book(law, city)
    with _books_lock:
        book = _books.get(revision.pk)
    if book is None:
        book = load_rule_book(revision.law, revision.city)
        with _books_lock:
            _books[revision.pk] = book
    return book


def current_rule_book() -> RuleBook:
    """The RuleBook in force now (latest revision, else the shipped rules)."""
    return rule_book_of(current_revision())


def city_area() -> CityArea:
    """The city and province as the registry classifies addresses: the rules' city object,
    else the installation's city."""
    _law, city_rules, _revision = current_rules()
    if "city" in city_rules:
        return CityArea.from_mapping(city_rules["city"])
    city = current_city()
    if city is None:
        raise SaramError("no_city", _("도시가 없습니다. 먼저 도시를 불러오세요."))
    prefixes = tuple(sorted({g.code[:5] for g in city.gus.all()}))
    return CityArea(
        city_name=city.name,
        city_code_prefixes=prefixes,
        province_name=city.province,
        province_code_prefixes=tuple(sorted({p[:2] for p in prefixes})),
    )


def problems_text(exc: RuleBookError) -> list[str]:
    """Every reason a rule book was refused, in the current language."""
    return [explanations.explain(p.code, p.params) for p in exc.problems]


def _refused(exc: RuleBookError) -> SaramError:
    reasons = problems_text(exc)
    return SaramError(
        "rules_refused",
        _("규칙을 저장하지 않았습니다: %(reasons)s") % {"reasons": " ".join(reasons)},
        params={"problems": reasons},
    )


def _save_revision(
    *, by: Any, law: dict[str, Any], city: dict[str, Any], note: str, base_number: int | None
) -> PolicyRevision:
    try:
        load_rule_book(law, city)
    except RuleBookError as exc:
        raise _refused(exc) from exc
    try:
        with transaction.atomic():
            latest = PolicyRevision.objects.select_for_update().order_by("-number").first()
            latest_number = latest.number if latest else 0
            if base_number is not None and base_number != latest_number:
                raise SaramError(
                    "rules_changed",
                    _(
                        "그사이 다른 사람이 규칙을 바꿨습니다 (개정 %(n)s). "
                        "새로 고친 뒤 다시 저장하세요."
                    )
                    % {"n": latest_number},
                )
            revision = PolicyRevision.objects.create(
                number=latest_number + 1, law=law, city=city, note=note[:300], created_by=by
            )
            audit.record(
                actor=by,
                action=AuditAction.UPDATE if latest else AuditAction.CREATE,
                target_type="economy.policy",
                target_id=revision.number,
                purpose=note[:200] or _("계약 규칙 변경"),
                detail={"revision": revision.number, "previous": latest_number},
            )
    except IntegrityError as exc:
        raise SaramError(
            "rules_changed", _("그사이 다른 사람이 규칙을 바꿨습니다. 다시 저장하세요.")
        ) from exc
    return revision


def install_shipped_rules(*, by: Any) -> PolicyRevision:
    """Make the shipped rules revision 1 if there is none yet; idempotent."""
    existing = current_revision()
    if existing is not None:
        return existing
    law, city = shipped_rules()
    return _save_revision(
        by=by, law=law, city=city, note=_("기본 규칙 (법령과 시 방침)"), base_number=0
    )


def _clean_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """Only the engine's fields, without empty optional ones."""
    out: dict[str, Any] = {}
    for name in RULE_FIELDS:
        value = rule.get(name)
        if value is None or value == "" or (name in ("kinds", "dimensions") and not value):
            if name in ("rule_id", "effect", "source", "kinds"):
                out[name] = value if value is not None else ""
            continue
        out[name] = value
    if out.get("limit_krw") is None:
        out.pop("limit_inclusive", None)  # says nothing without a limit
    return out


def save_version(
    *,
    by: Any,
    layer: str,
    version_id: str,
    effective_from: dt.date,
    effective_to: dt.date | None,
    source: str,
    rules: list[dict[str, Any]],
    note: str,
    replaces: str | None = None,
    base_number: int | None = None,
) -> PolicyRevision:
    """Add a version to a layer, or replace `replaces`; saved only if the whole book is valid."""
    scope_of(by).require(Can.CONFIGURE)
    if layer not in (Layer.LAW, Layer.CITY):
        raise SaramError("bad_layer", _("알 수 없는 규칙 층입니다: %(layer)s") % {"layer": layer})
    law, city, _revision = current_rules()
    data = law if layer == Layer.LAW else city
    versions: list[dict[str, Any]] = list(data.get("versions", []))
    if replaces is not None:
        if not any(v["version_id"] == replaces for v in versions):
            raise SaramError("no_version", _("그런 규칙 버전이 없습니다: %(v)s") % {"v": replaces})
        versions = [v for v in versions if v["version_id"] != replaces]
    versions.append(
        {
            "version_id": version_id.strip(),
            "effective_from": effective_from.isoformat(),
            "effective_to": effective_to.isoformat() if effective_to else None,
            "source": source.strip(),
            "rules": [_clean_rule(r) for r in rules],
        }
    )
    versions.sort(key=lambda v: str(v["effective_from"]))
    data["versions"] = versions
    return _save_revision(by=by, law=law, city=city, note=note, base_number=base_number)


def remove_version(
    *, by: Any, layer: str, version_id: str, note: str, base_number: int | None = None
) -> PolicyRevision:
    """Remove a version from a layer; refused if that leaves a gap or no law."""
    scope_of(by).require(Can.CONFIGURE)
    law, city, _revision = current_rules()
    data = law if layer == Layer.LAW else city
    versions = [v for v in data.get("versions", []) if v["version_id"] != version_id]
    if len(versions) == len(data.get("versions", [])):
        raise SaramError("no_version", _("그런 규칙 버전이 없습니다: %(v)s") % {"v": version_id})
    data["versions"] = versions
    return _save_revision(by=by, law=law, city=city, note=note, base_number=base_number)


def target_share_bp(*, on: dt.date) -> int | None:
    """The city's priority-purchase target for social-economy products on a day (basis points)."""
    book = current_rule_book()
    targets = [
        r.target_share_bp
        for kind in (PurchaseKind.GOODS, PurchaseKind.SERVICES)
        for r, _v in book.rules_on(on, kind)
        if r.effect is RuleEffect.PRIORITY_PURCHASE_TARGET and r.target_share_bp
    ]
    return max(targets) if targets else None


def check_purchase(
    *,
    by: Any,
    category: Category,
    amount_krw: int,
    department: Department | None,
    requested_on: dt.date,
    is_remainder: bool = False,
) -> PolicyDecision:
    """The engine's answer for one purchase request, with the registry's local suppliers."""
    from saram.economy.services.suppliers import policy_suppliers

    scope = scope_of(by)
    if not (scope.can(Can.MANAGE_ECONOMY) or scope.can(Can.VIEW_REPORTS)):
        scope.require(Can.MANAGE_ECONOMY)
    request = PurchaseRequest(
        category=category.code,
        estimated_amount_krw=amount_krw,
        department=department.code if department else "",
        requested_on=requested_on,
        kind=PurchaseKind(category.kind),
        is_remainder=is_remainder,
    )
    try:
        return evaluate(request, current_rule_book(), policy_suppliers())
    except PolicyError as exc:
        raise SaramError(
            exc.code.value, explanations.explain(exc.code, exc.params), params=dict(exc.params)
        ) from exc
