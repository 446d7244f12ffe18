"""Procurement rules as versioned data, edited by the administrator.

The rules are two layers (the law, the city's own policy), each a list of versions with
effective dates, in the engine's JSON shape. The law ships with Saram; the city's layer comes
from the loaded city's own directory (`procurement_rules` in its `city.json`), so a city is
data: a city without a rule file has the law alone until its administrator adds a version.
Every save writes a new immutable revision after the engine has accepted the whole rule book;
a rule book that overlaps or leaves a gap is refused with every reason.

The bottom service layer of the economy: it reads only models, the engine and core.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction
from saram.core.selectors import current_city
from saram.economy import explanations
from saram.economy.engine import (
    CityArea,
    PurchaseKind,
    RuleBook,
    RuleBookError,
    load_rule_book,
)
from saram.economy.engine.policy import Layer, RuleEffect, shipped_law
from saram.economy.models import PolicyRevision

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


def _city_manifest(directory: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads((directory / "city.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data


def city_rules_file(directory: Path | None = None) -> Path | None:
    """The loaded city's own rule file, named in its `city.json`; None when the city directory
    is another city's or names none."""
    directory = Path(directory or settings.SARAM_CITY_DIR)
    manifest = _city_manifest(directory)
    city = current_city()
    if not manifest.get("procurement_rules") or city is None:
        return None
    if str(manifest.get("code", "")) != city.code:
        return None
    return directory / str(manifest["procurement_rules"])


def _no_city_rules() -> dict[str, Any]:
    """A city layer with one empty version: only the law applies."""
    city = current_city()
    return {
        "layer": "city",
        "title": city.name if city else "",
        "versions": [
            {
                "version_id": f"{city.code if city else 'city'}-none",
                "effective_from": "2000-01-01",
                "effective_to": None,
                "source": "",
                "rules": [],
            }
        ],
    }


def shipped_rules() -> tuple[dict[str, Any], dict[str, Any]]:
    """The law layer shipped with Saram and the loaded city's own layer from its directory."""
    law = copy.deepcopy(dict(shipped_law()))
    path = city_rules_file()
    if path is None:
        return law, _no_city_rules()
    try:
        city: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise SaramError("city_rules_unreadable", file=path.name, reason=str(exc)) from exc
    return law, city


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


def rule_index() -> dict[tuple[str, str], dict[str, Any]]:
    """Every rule in force or past, by (version id, rule id): what a stored citation names."""
    law, city, _revision = current_rules()
    return {
        (v["version_id"], r["rule_id"]): r
        for layer in (law, city)
        for v in layer.get("versions", [])
        for r in v.get("rules", [])
    }


def current_rule_book() -> RuleBook:
    """The RuleBook in force now (latest revision, else the shipped rules). Reads only the
    latest revision's id when its book is cached (revisions never change)."""
    pk = PolicyRevision.objects.order_by("-number").values_list("pk", flat=True).first()
    if pk is not None:
        with _books_lock:
            book = _books.get(pk)
        if book is not None:
            return book
    return rule_book_of(current_revision())


def city_area() -> CityArea:
    """The city and province as the registry classifies addresses: the rules' city object,
    else the installation's city."""
    _law, city_rules, _revision = current_rules()
    if "city" in city_rules:
        return CityArea.from_mapping(city_rules["city"])
    city = current_city()
    if city is None:
        raise SaramError("economy_no_city")
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
        params={
            "problems": reasons,
            # The reasons again, rendered when the message is read (in the reader's language).
            "reasons": lazy(lambda: " ".join(problems_text(exc)), str)(),
        },
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
                raise SaramError("rules_changed", n=latest_number)
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
        raise SaramError("rules_changed_meanwhile") from exc
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
        raise SaramError("bad_layer", layer=layer)
    law, city, _revision = current_rules()
    data = law if layer == Layer.LAW else city
    versions: list[dict[str, Any]] = list(data.get("versions", []))
    if replaces is not None:
        if not any(v["version_id"] == replaces for v in versions):
            raise SaramError("no_version", v=replaces)
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
        raise SaramError("no_version", v=version_id)
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
