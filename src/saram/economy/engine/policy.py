"""Procurement policy as versioned data: which contract method a purchase takes, and why.

Two layers of rules, each a list of versions with effective dates: the law (지방계약법 시행령)
and the city's own policy. `evaluate` decides one purchase request; `evaluate_many` decides
columns of them with numpy, giving the same answers.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from saram.economy.engine.registry import CityArea, Locality

# Amounts at or above this cannot be keyed into the batch ladder (17.6조 KRW; no city buys that).
AMOUNT_CEILING_KRW = 2**44


class PurchaseKind(StrEnum):
    GOODS = "goods"
    SERVICES = "services"
    WORKS = "works"


class Layer(StrEnum):
    LAW = "law"
    CITY = "city"


class RuleEffect(StrEnum):
    PRIVATE_CONTRACT = "private_contract"
    REGIONAL_RESTRICTION = "regional_restriction"
    REMAINDER_PRIVATE_CONTRACT = "remainder_private_contract"
    SOCIAL_ECONOMY_PREFERENCE = "social_economy_preference"
    SPLIT_AGGREGATION = "split_aggregation"
    LOT_BOUNDARY = "lot_boundary"
    PRIORITY_PURCHASE_TARGET = "priority_purchase_target"


class SplitWindow(StrEnum):
    """Over what period split orders of one need are summed: a number of days, or the fiscal
    year (1 January to 31 December, 지방재정법 제6조) for needs that recur through the year."""

    DAYS = "days"
    FISCAL_YEAR = "fiscal_year"


class FirmClass(StrEnum):
    ANY = "any"
    YOUTH_STARTUP = "youth_startup"
    SMALL_FIRM = "small_firm"
    WOMEN_OWNED = "women_owned"
    DISABLED_OWNED = "disabled_owned"
    SOCIAL_ECONOMY = "social_economy"


class BidScope(StrEnum):
    """Who may take part: firms of the city, of the province (시·도), or any firm."""

    CITY = "city"
    PROVINCE = "province"
    NATIONAL = "national"


class ContractMethod(StrEnum):
    OPEN_BID = "open_bid"  # 일반경쟁입찰
    RESTRICTED_BID = "restricted_bid"  # 제한경쟁입찰 (지역제한)
    PRIVATE_CONTRACT_QUOTES = "private_contract_quotes"  # 수의계약, 2인 이상 견적
    PRIVATE_CONTRACT_SINGLE = "private_contract_single"  # 수의계약, 1인 견적


class LotDimension(StrEnum):
    LIBRARY = "library"
    SUBJECT = "subject"
    QUARTER = "quarter"


class ReasonCode(StrEnum):
    """Why a rule was cited for a decision."""

    REMAINDER_WITHIN_LIMIT = "remainder_within_limit"
    PRIVATE_CONTRACT_WITHIN_LIMIT = "private_contract_within_limit"
    SINGLE_QUOTE_WITHIN_LIMIT = "single_quote_within_limit"
    CITY_RESTRICTION_WITHIN_LIMIT = "city_restriction_within_limit"
    PROVINCE_RESTRICTION_WITHIN_LIMIT = "province_restriction_within_limit"
    REGIONAL_RESTRICTION_BASIS = "regional_restriction_basis"
    ABOVE_REGIONAL_LIMIT = "above_regional_limit"
    SOCIAL_ECONOMY_FIRST = "social_economy_first"
    FIRM_CLASS_PRIVATE_CONTRACT = "firm_class_private_contract"


class DecisionNote(StrEnum):
    NO_ELIGIBLE_LOCAL_SUPPLIER = "no_eligible_local_supplier"


class PolicyProblem(StrEnum):
    NON_POSITIVE_AMOUNT = "non_positive_amount"
    AMOUNT_TOO_LARGE = "amount_too_large"
    NO_RULES_IN_FORCE = "no_rules_in_force"


class RuleProblemCode(StrEnum):
    """Why a rule book was refused."""

    NO_LAW_VERSION = "no_law_version"
    EMPTY_PERIOD = "empty_period"
    VERSION_OVERLAP = "version_overlap"
    VERSION_GAP = "version_gap"
    DUPLICATE_VERSION_ID = "duplicate_version_id"
    DUPLICATE_RULE_ID = "duplicate_rule_id"
    WRONG_LAYER = "wrong_layer"
    MISSING_FIELD = "missing_field"
    NON_POSITIVE_VALUE = "non_positive_value"
    AMBIGUOUS_RULES = "ambiguous_rules"
    CITY_EXCEEDS_LAW = "city_exceeds_law"
    UNREADABLE = "unreadable"


Param = str | int


@dataclass(frozen=True, slots=True)
class RuleProblem:
    code: RuleProblemCode
    params: Mapping[str, Param] = field(default_factory=dict)


class RuleBookError(ValueError):
    """A rule book that cannot be used; `problems` says every reason."""

    def __init__(self, problems: Sequence[RuleProblem]) -> None:
        super().__init__("; ".join(p.code.value for p in problems))
        self.problems = tuple(problems)


class PolicyError(ValueError):
    """A request the policy cannot decide; `code` and `params` say why."""

    def __init__(self, code: PolicyProblem, **params: Param) -> None:
        super().__init__(code.value)
        self.code = code
        self.params: Mapping[str, Param] = params


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a version. Which optional fields matter depends on `effect`."""

    rule_id: str
    effect: RuleEffect
    kinds: frozenset[PurchaseKind]
    source: str
    limit_krw: int | None = None
    limit_inclusive: bool = True
    firm_class: FirmClass | None = None
    single_quote_limit_krw: int | None = None
    scope: BidScope | None = None
    window_days: int | None = None
    dimensions: frozenset[LotDimension] = frozenset()
    target_share_bp: int | None = None
    window: SplitWindow | None = None

    @property
    def cap_krw(self) -> int | None:
        """The largest amount the rule covers, inclusive (money is integer, so 미만 M is M-1)."""
        if self.limit_krw is None:
            return None
        return self.limit_krw if self.limit_inclusive else self.limit_krw - 1


@dataclass(frozen=True, slots=True)
class RuleSetVersion:
    """The rules of one layer in force from `effective_from` to `effective_to` (inclusive)."""

    version_id: str
    layer: Layer
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    rules: tuple[Rule, ...]

    def covers(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True, slots=True)
class Citation:
    """A rule that shaped a decision, with the reason it applied."""

    rule_id: str
    layer: Layer
    version_id: str
    source: str
    reason: ReasonCode


@dataclass(frozen=True, slots=True)
class Supplier:
    """A registered firm as the policy sees it."""

    business_number: str
    name: str
    locality: Locality
    categories: frozenset[str]
    firm_classes: frozenset[FirmClass] = frozenset({FirmClass.ANY})


@dataclass(frozen=True, slots=True)
class PurchaseRequest:
    category: str
    estimated_amount_krw: int
    department: str
    requested_on: dt.date
    kind: PurchaseKind
    is_remainder: bool = False


@dataclass(frozen=True, slots=True)
class MethodOption:
    """A lawful private-contract route open to one class of firm (e.g. social-economy)."""

    firm_class: FirmClass
    method: ContractMethod
    scope: BidScope
    eligible_suppliers: tuple[Supplier, ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class PolicyDecision:
    """The contract method for a request, who may take part, and every rule that applied."""

    method: ContractMethod
    scope: BidScope
    eligible_suppliers: tuple[Supplier, ...]
    citations: tuple[Citation, ...]
    options: tuple[MethodOption, ...] = ()
    notes: tuple[DecisionNote, ...] = ()

    @property
    def is_restricted_to_city(self) -> bool:
        return self.scope is BidScope.CITY

    @property
    def is_restricted_to_province(self) -> bool:
        return self.scope is BidScope.PROVINCE


@dataclass(frozen=True, slots=True)
class Threshold:
    """An amount above which the method changes: splitting to stay at or below it is unlawful.
    `layer` says whether the cap is the law's or the city's own policy."""

    cap_krw: int
    rule_id: str
    source: str
    layer: Layer = Layer.LAW


# --------------------------------------------------------------------------- rule book


@dataclass(frozen=True, slots=True)
class _Segment:
    """A stretch of days in which neither layer changes version."""

    starts_on: dt.date
    ends_on: dt.date | None
    law: RuleSetVersion
    city: RuleSetVersion | None


@dataclass(frozen=True, slots=True)
class _Outcome:
    method: ContractMethod
    scope: BidScope
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Both layers' versions, validated: construction raises RuleBookError with every problem."""

    law: tuple[RuleSetVersion, ...]
    city: tuple[RuleSetVersion, ...] = ()
    area: CityArea | None = None
    _segments: tuple[_Segment, ...] = field(init=False, repr=False, compare=False)
    _segment_starts: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = validate_rule_book(self.law, self.city)
        if problems:
            raise RuleBookError(problems)
        segments = _segments_of(self.law, self.city)
        object.__setattr__(self, "_segments", segments)
        object.__setattr__(self, "_segment_starts", tuple(s.starts_on for s in segments))

    def _segment_on(self, on: dt.date) -> _Segment | None:
        i = bisect.bisect_right(self._segment_starts, on) - 1
        if i < 0:
            return None
        seg = self._segments[i]
        if seg.ends_on is not None and on > seg.ends_on:
            return None
        return seg

    def rules_on(self, on: dt.date, kind: PurchaseKind) -> tuple[tuple[Rule, RuleSetVersion], ...]:
        """Every rule of either layer in force on a day for a kind, with its version."""
        seg = self._segment_on(on)
        if seg is None:
            return ()
        versions = (seg.law,) if seg.city is None else (seg.law, seg.city)
        return tuple((r, v) for v in versions for r in v.rules if kind in r.kinds)

    def split_window_days(self, on: dt.date, kind: PurchaseKind) -> int:
        """Days within which purchases of one department and category are summed (0: none);
        a fiscal-year window counts as the whole year (366 days)."""
        windows = [
            366 if r.window is SplitWindow.FISCAL_YEAR else (r.window_days or 0)
            for r, _ in self.rules_on(on, kind)
            if r.effect is RuleEffect.SPLIT_AGGREGATION
        ]
        return max(windows, default=0)

    def split_by_fiscal_year(self, on: dt.date, kind: PurchaseKind) -> bool:
        """Whether split orders are summed over the fiscal year of the order."""
        return any(
            r.window is SplitWindow.FISCAL_YEAR
            for r, _ in self.rules_on(on, kind)
            if r.effect is RuleEffect.SPLIT_AGGREGATION
        )

    def split_thresholds(self, on: dt.date, kind: PurchaseKind) -> tuple[Threshold, ...]:
        """The statutory cap that splitting evades (수의계약 쪼개기): the law's private-contract
        cap for any firm (20M for goods and services, one quote allowed). A city's own
        restriction (its 50M bid limit) is policy, never the cap the statute's rule rests on."""
        ladder = _ladder_rules(self.rules_on(on, kind))
        found: dict[int, Threshold] = {}
        for rule, version in (ladder.any_private,):
            if rule is None or rule.cap_krw is None or version is None:
                continue
            if version.layer is not Layer.LAW:
                continue
            found.setdefault(
                rule.cap_krw, Threshold(rule.cap_krw, rule.rule_id, rule.source, version.layer)
            )
        return tuple(found[k] for k in sorted(found))

    def lot_dimensions(self, on: dt.date, kind: PurchaseKind) -> frozenset[LotDimension]:
        """The lot boundaries the rules allow on a day (none: one lot per department)."""
        dims: set[LotDimension] = set()
        for rule, _ in self.rules_on(on, kind):
            if rule.effect is RuleEffect.LOT_BOUNDARY:
                dims |= rule.dimensions
        return frozenset(dims)


def _segments_of(
    law: Sequence[RuleSetVersion], city: Sequence[RuleSetVersion]
) -> tuple[_Segment, ...]:
    law_sorted = sorted(law, key=lambda v: v.effective_from)
    city_sorted = sorted(city, key=lambda v: v.effective_from)
    cuts: set[dt.date] = set()
    for v in (*law_sorted, *city_sorted):
        cuts.add(v.effective_from)
        if v.effective_to is not None:
            cuts.add(v.effective_to + dt.timedelta(days=1))
    starts = sorted(cuts)
    segments: list[_Segment] = []
    for i, start in enumerate(starts):
        law_v = next((v for v in law_sorted if v.covers(start)), None)
        if law_v is None:
            continue  # no law: nothing may be decided on these days
        city_v = next((v for v in city_sorted if v.covers(start)), None)
        end = starts[i + 1] - dt.timedelta(days=1) if i + 1 < len(starts) else None
        if end is None and law_v.effective_to is not None:
            end = law_v.effective_to
        segments.append(_Segment(start, end, law_v, city_v))
    return tuple(segments)


def _check_layer(versions: Sequence[RuleSetVersion], layer: Layer) -> list[RuleProblem]:
    problems: list[RuleProblem] = []
    seen_ids: set[str] = set()
    for v in versions:
        if v.version_id in seen_ids:
            problems.append(
                RuleProblem(RuleProblemCode.DUPLICATE_VERSION_ID, {"version": v.version_id})
            )
        seen_ids.add(v.version_id)
        if v.layer is not layer:
            problems.append(
                RuleProblem(
                    RuleProblemCode.WRONG_LAYER, {"version": v.version_id, "layer": v.layer.value}
                )
            )
        if v.effective_to is not None and v.effective_to < v.effective_from:
            problems.append(
                RuleProblem(
                    RuleProblemCode.EMPTY_PERIOD,
                    {
                        "version": v.version_id,
                        "effective_from": v.effective_from.isoformat(),
                        "effective_to": v.effective_to.isoformat(),
                    },
                )
            )
        problems.extend(_check_rules(v))
    ordered = sorted(versions, key=lambda v: v.effective_from)
    for before, after in itertools.pairwise(ordered):
        if before.effective_to is None or after.effective_from <= before.effective_to:
            problems.append(
                RuleProblem(
                    RuleProblemCode.VERSION_OVERLAP,
                    {
                        "layer": layer.value,
                        "version": before.version_id,
                        "other_version": after.version_id,
                        "overlap_from": after.effective_from.isoformat(),
                    },
                )
            )
        elif after.effective_from > before.effective_to + dt.timedelta(days=1):
            problems.append(
                RuleProblem(
                    RuleProblemCode.VERSION_GAP,
                    {
                        "layer": layer.value,
                        "version": before.version_id,
                        "other_version": after.version_id,
                        "missing_from": (before.effective_to + dt.timedelta(days=1)).isoformat(),
                        "missing_to": (after.effective_from - dt.timedelta(days=1)).isoformat(),
                    },
                )
            )
    return problems


_REQUIRED: dict[RuleEffect, tuple[str, ...]] = {
    RuleEffect.PRIVATE_CONTRACT: ("limit_krw", "firm_class"),
    RuleEffect.REGIONAL_RESTRICTION: ("limit_krw", "scope"),
    RuleEffect.REMAINDER_PRIVATE_CONTRACT: ("limit_krw",),
    RuleEffect.SOCIAL_ECONOMY_PREFERENCE: (),
    RuleEffect.SPLIT_AGGREGATION: (),
    RuleEffect.LOT_BOUNDARY: (),
    RuleEffect.PRIORITY_PURCHASE_TARGET: ("target_share_bp",),
}


def _check_rules(version: RuleSetVersion) -> list[RuleProblem]:
    problems: list[RuleProblem] = []
    seen: set[str] = set()
    # One rule per (effect, kind, firm class, scope): two would leave the answer to rule order.
    slots: dict[tuple[RuleEffect, PurchaseKind, FirmClass | None, BidScope | None], str] = {}
    for rule in version.rules:
        where: dict[str, Param] = {"version": version.version_id, "rule": rule.rule_id}
        if rule.rule_id in seen:
            problems.append(RuleProblem(RuleProblemCode.DUPLICATE_RULE_ID, where))
        seen.add(rule.rule_id)
        for name in _REQUIRED[rule.effect]:
            if getattr(rule, name) is None:
                problems.append(
                    RuleProblem(RuleProblemCode.MISSING_FIELD, {**where, "field": name})
                )
        for name in ("limit_krw", "single_quote_limit_krw", "window_days", "target_share_bp"):
            value = getattr(rule, name)
            if value is not None and value <= 0:
                problems.append(
                    RuleProblem(RuleProblemCode.NON_POSITIVE_VALUE, {**where, "field": name})
                )
        if (
            rule.effect is RuleEffect.SPLIT_AGGREGATION
            and rule.window is not SplitWindow.FISCAL_YEAR
            and rule.window_days is None
        ):
            problems.append(
                RuleProblem(RuleProblemCode.MISSING_FIELD, {**where, "field": "window_days"})
            )
        if version.layer is Layer.LAW and rule.scope is BidScope.CITY:
            # The decree restricts by 시·도; a city-only restriction is the city's own policy.
            problems.append(
                RuleProblem(RuleProblemCode.WRONG_LAYER, {**where, "layer": version.layer.value})
            )
        if rule.effect in (RuleEffect.SPLIT_AGGREGATION, RuleEffect.LOT_BOUNDARY):
            continue
        clashes: set[str] = set()
        for kind in sorted(rule.kinds):
            slot = (rule.effect, kind, rule.firm_class, rule.scope)
            if slot in slots and slots[slot] not in clashes:
                clashes.add(slots[slot])
                problems.append(
                    RuleProblem(
                        RuleProblemCode.AMBIGUOUS_RULES,
                        {**where, "other_rule": slots[slot], "kind": kind.value},
                    )
                )
            slots[slot] = rule.rule_id
    return problems


def _check_city_within_law(
    law: Sequence[RuleSetVersion], city: Sequence[RuleSetVersion]
) -> list[RuleProblem]:
    """The city may narrow what the law allows, never widen it."""
    problems: list[RuleProblem] = []
    for seg in _segments_of(law, city):
        if seg.city is None:
            continue
        for kind in PurchaseKind:
            ladder = _ladder_rules(
                tuple((r, v) for v in (seg.law, seg.city) for r in v.rules if kind in r.kinds)
            )
            pairs = (
                (ladder.remainder, ladder.any_private),
                (ladder.city_region, ladder.province_region),
            )
            for (city_rule, _), (law_rule, _) in pairs:
                if city_rule is None or city_rule.cap_krw is None:
                    continue
                law_cap = law_rule.cap_krw if law_rule is not None else None
                if law_cap is None or city_rule.cap_krw > law_cap:
                    problems.append(
                        RuleProblem(
                            RuleProblemCode.CITY_EXCEEDS_LAW,
                            {
                                "rule": city_rule.rule_id,
                                "law_rule": law_rule.rule_id if law_rule is not None else "",
                                "kind": kind.value,
                                "from": seg.starts_on.isoformat(),
                            },
                        )
                    )
    # The same city rule shows up in every segment and kind it spans; report it once.
    unique: dict[tuple[Param, ...], RuleProblem] = {}
    for p in problems:
        unique.setdefault((p.params["rule"], p.params["law_rule"]), p)
    return list(unique.values())


def validate_rule_book(
    law: Sequence[RuleSetVersion], city: Sequence[RuleSetVersion] = ()
) -> tuple[RuleProblem, ...]:
    """Every reason the two layers cannot be used together; empty when they can."""
    problems: list[RuleProblem] = []
    if not law:
        problems.append(RuleProblem(RuleProblemCode.NO_LAW_VERSION))
    problems += _check_layer(law, Layer.LAW)
    problems += _check_layer(city, Layer.CITY)
    if not problems:
        problems += _check_city_within_law(law, city)
    return tuple(problems)


# --------------------------------------------------------------------------- loading data


def _parse_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    return dt.date.fromisoformat(str(value))


def parse_versions(data: Mapping[str, Any]) -> tuple[RuleSetVersion, ...]:
    """Versions of one layer from its JSON object; raises RuleBookError(UNREADABLE) on bad shape."""
    try:
        layer = Layer(data["layer"])
        versions = []
        for v in data["versions"]:
            rules = tuple(
                Rule(
                    rule_id=str(r["rule_id"]),
                    effect=RuleEffect(r["effect"]),
                    kinds=frozenset(PurchaseKind(k) for k in r["kinds"]),
                    source=str(r["source"]),
                    limit_krw=_opt_int(r.get("limit_krw")),
                    limit_inclusive=bool(r.get("limit_inclusive", True)),
                    firm_class=FirmClass(r["firm_class"]) if r.get("firm_class") else None,
                    single_quote_limit_krw=_opt_int(r.get("single_quote_limit_krw")),
                    scope=BidScope(r["scope"]) if r.get("scope") else None,
                    window_days=_opt_int(r.get("window_days")),
                    dimensions=frozenset(LotDimension(d) for d in r.get("dimensions", ())),
                    target_share_bp=_opt_int(r.get("target_share_bp")),
                    window=SplitWindow(r["window"]) if r.get("window") else None,
                )
                for r in v["rules"]
            )
            effective_from = _parse_date(v["effective_from"])
            assert effective_from is not None
            versions.append(
                RuleSetVersion(
                    version_id=str(v["version_id"]),
                    layer=layer,
                    effective_from=effective_from,
                    effective_to=_parse_date(v.get("effective_to")),
                    source=str(v["source"]),
                    rules=rules,
                )
            )
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise RuleBookError(
            [RuleProblem(RuleProblemCode.UNREADABLE, {"detail": f"{type(exc).__name__}: {exc}"})]
        ) from exc
    return tuple(versions)


def _opt_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        # Money and days are whole numbers; 1.5e7 or "20000000" in a rule file is a typo.
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def load_rule_book(law: Mapping[str, Any], city: Mapping[str, Any] | None = None) -> RuleBook:
    """A validated RuleBook from the law's and the city's JSON objects."""
    area = CityArea.from_mapping(city["city"]) if city is not None and "city" in city else None
    return RuleBook(
        law=parse_versions(law),
        city=parse_versions(city) if city is not None else (),
        area=area,
    )


def _read_data(name: str) -> Mapping[str, Any]:
    text = resources.files("saram.economy.engine").joinpath("data", name).read_text("utf-8")
    loaded: Mapping[str, Any] = json.loads(text)
    return loaded


def shipped_law() -> Mapping[str, Any]:
    """The law layer as shipped (national: the same for every city)."""
    return _read_data("law_local_contract.json")


def default_rule_book(city: Mapping[str, Any] | None = None) -> RuleBook:
    """The shipped law with a city's own layer (its rule file's data), or the law alone."""
    return load_rule_book(shipped_law(), city)


# --------------------------------------------------------------------------- deciding


@dataclass(frozen=True, slots=True)
class _LadderRules:
    """The rules that set the method for one kind on one day, each with its version."""

    remainder: tuple[Rule | None, RuleSetVersion | None]
    any_private: tuple[Rule | None, RuleSetVersion | None]
    city_region: tuple[Rule | None, RuleSetVersion | None]
    province_region: tuple[Rule | None, RuleSetVersion | None]
    social_economy: tuple[Rule | None, RuleSetVersion | None]
    firm_private: tuple[tuple[Rule, RuleSetVersion], ...]


def _ladder_rules(rules: Iterable[tuple[Rule, RuleSetVersion]]) -> _LadderRules:
    none: tuple[None, None] = (None, None)
    remainder: tuple[Rule | None, RuleSetVersion | None] = none
    any_private: tuple[Rule | None, RuleSetVersion | None] = none
    city_region: tuple[Rule | None, RuleSetVersion | None] = none
    province_region: tuple[Rule | None, RuleSetVersion | None] = none
    social: tuple[Rule | None, RuleSetVersion | None] = none
    firm: list[tuple[Rule, RuleSetVersion]] = []
    for rule, version in rules:
        if rule.effect is RuleEffect.REMAINDER_PRIVATE_CONTRACT:
            remainder = (rule, version)
        elif rule.effect is RuleEffect.PRIVATE_CONTRACT:
            if rule.firm_class is FirmClass.ANY:
                any_private = (rule, version)
            else:
                firm.append((rule, version))
        elif rule.effect is RuleEffect.REGIONAL_RESTRICTION:
            if rule.scope is BidScope.CITY:
                city_region = (rule, version)
            elif rule.scope is BidScope.PROVINCE:
                province_region = (rule, version)
        elif rule.effect is RuleEffect.SOCIAL_ECONOMY_PREFERENCE:
            social = (rule, version)
    return _LadderRules(remainder, any_private, city_region, province_region, social, tuple(firm))


def _cite(pair: tuple[Rule | None, RuleSetVersion | None], reason: ReasonCode) -> Citation:
    rule, version = pair
    assert rule is not None and version is not None
    return Citation(rule.rule_id, version.layer, version.version_id, rule.source, reason)


def _within(pair: tuple[Rule | None, RuleSetVersion | None], amount_krw: int) -> bool:
    rule = pair[0]
    return rule is not None and rule.cap_krw is not None and amount_krw <= rule.cap_krw


def _private_method(rule: Rule, amount_krw: int) -> ContractMethod:
    single = rule.single_quote_limit_krw
    if single is not None and amount_krw <= single:
        return ContractMethod.PRIVATE_CONTRACT_SINGLE
    return ContractMethod.PRIVATE_CONTRACT_QUOTES


def _private_reason(method: ContractMethod) -> ReasonCode:
    if method is ContractMethod.PRIVATE_CONTRACT_SINGLE:
        return ReasonCode.SINGLE_QUOTE_WITHIN_LIMIT
    return ReasonCode.PRIVATE_CONTRACT_WITHIN_LIMIT


def _decide(ladder: _LadderRules, amount_krw: int, is_remainder: bool) -> _Outcome:
    """The method ladder, then the city's social-economy preference (which orders the firms)."""
    outcome = _decide_method(ladder, amount_krw, is_remainder)
    if ladder.social_economy[0] is None:
        return outcome
    preference = _cite(ladder.social_economy, ReasonCode.SOCIAL_ECONOMY_FIRST)
    return _Outcome(outcome.method, outcome.scope, (*outcome.citations, preference))


def _decide_method(ladder: _LadderRules, amount_krw: int, is_remainder: bool) -> _Outcome:
    """The method ladder, read top to bottom; every test is `amount <= cap`, so the outcome is
    constant between consecutive caps (which is what lets `evaluate_many` tabulate it)."""
    city_covers = _within(ladder.city_region, amount_krw)
    if is_remainder and _within(ladder.remainder, amount_krw):
        citations = [_cite(ladder.remainder, ReasonCode.REMAINDER_WITHIN_LIMIT)]
        method = ContractMethod.PRIVATE_CONTRACT_SINGLE
        if ladder.any_private[0] is not None:
            method = _private_method(ladder.any_private[0], amount_krw)
            citations.append(_cite(ladder.any_private, _private_reason(method)))
        return _Outcome(method, BidScope.CITY, tuple(citations))
    if _within(ladder.any_private, amount_krw):
        rule = ladder.any_private[0]
        assert rule is not None
        method = _private_method(rule, amount_krw)
        citations = [_cite(ladder.any_private, _private_reason(method))]
        # The decree leaves the choice of firm to the buyer; the city's rule narrows it.
        scope = BidScope.NATIONAL
        if city_covers:
            scope = BidScope.CITY
            citations.append(_cite(ladder.city_region, ReasonCode.CITY_RESTRICTION_WITHIN_LIMIT))
        return _Outcome(method, scope, tuple(citations))
    if city_covers:
        citations = [_cite(ladder.city_region, ReasonCode.CITY_RESTRICTION_WITHIN_LIMIT)]
        if ladder.province_region[0] is not None:
            citations.append(_cite(ladder.province_region, ReasonCode.REGIONAL_RESTRICTION_BASIS))
        return _Outcome(ContractMethod.RESTRICTED_BID, BidScope.CITY, tuple(citations))
    if _within(ladder.province_region, amount_krw):
        citation = _cite(ladder.province_region, ReasonCode.PROVINCE_RESTRICTION_WITHIN_LIMIT)
        return _Outcome(ContractMethod.RESTRICTED_BID, BidScope.PROVINCE, (citation,))
    citations_open: tuple[Citation, ...] = ()
    if ladder.province_region[0] is not None:
        citations_open = (_cite(ladder.province_region, ReasonCode.ABOVE_REGIONAL_LIMIT),)
    return _Outcome(ContractMethod.OPEN_BID, BidScope.NATIONAL, citations_open)


_SCOPE_LOCALITIES: dict[BidScope, frozenset[Locality]] = {
    BidScope.CITY: frozenset({Locality.IN_CITY}),
    # Outside firms may bid nationally, but only local firms are listed: the list is for
    # the officer who wants local firms to know about the bid.
    BidScope.PROVINCE: frozenset({Locality.IN_CITY, Locality.IN_PROVINCE}),
    BidScope.NATIONAL: frozenset({Locality.IN_CITY, Locality.IN_PROVINCE}),
}


def _eligible(
    suppliers: Iterable[Supplier],
    category: str,
    scope: BidScope,
    *,
    social_economy_first: bool,
    firm_class: FirmClass = FirmClass.ANY,
) -> tuple[Supplier, ...]:
    allowed = _SCOPE_LOCALITIES[scope]
    found = [
        s
        for s in suppliers
        if category in s.categories
        and s.locality in allowed
        and (firm_class is FirmClass.ANY or firm_class in s.firm_classes)
    ]

    def order(s: Supplier) -> tuple[int, int, str]:
        se_rank = 0 if social_economy_first and FirmClass.SOCIAL_ECONOMY in s.firm_classes else 1
        return (se_rank, 0 if s.locality is Locality.IN_CITY else 1, s.business_number)

    return tuple(sorted(found, key=order))


def _check_amount(amount_krw: int) -> None:
    if amount_krw <= 0:
        raise PolicyError(PolicyProblem.NON_POSITIVE_AMOUNT, amount_krw=amount_krw)
    if amount_krw >= AMOUNT_CEILING_KRW:
        raise PolicyError(PolicyProblem.AMOUNT_TOO_LARGE, amount_krw=amount_krw)


def decide_method(
    rules: RuleBook, *, amount_krw: int, kind: PurchaseKind, on: dt.date, is_remainder: bool = False
) -> tuple[ContractMethod, BidScope, tuple[Citation, ...]]:
    """Method, scope and citations for an amount on a day, without looking at suppliers."""
    _check_amount(amount_krw)
    if rules._segment_on(on) is None:
        raise PolicyError(PolicyProblem.NO_RULES_IN_FORCE, on=on.isoformat())
    outcome = _decide(_ladder_rules(rules.rules_on(on, kind)), amount_krw, is_remainder)
    return outcome.method, outcome.scope, outcome.citations


def evaluate(
    request: PurchaseRequest, rules: RuleBook, suppliers: Sequence[Supplier]
) -> PolicyDecision:
    """Decide one purchase: method, city/province restriction, eligible local suppliers, and
    every rule applied, cited. Raises PolicyError for a non-positive amount or a day no law
    version covers."""
    amount_krw = request.estimated_amount_krw
    _check_amount(amount_krw)
    if rules._segment_on(request.requested_on) is None:
        raise PolicyError(PolicyProblem.NO_RULES_IN_FORCE, on=request.requested_on.isoformat())
    ladder = _ladder_rules(rules.rules_on(request.requested_on, request.kind))
    outcome = _decide(ladder, amount_krw, request.is_remainder)
    social_first = ladder.social_economy[0] is not None
    eligible = _eligible(
        suppliers, request.category, outcome.scope, social_economy_first=social_first
    )
    options = _firm_class_options(ladder, request, suppliers, outcome)
    notes = () if eligible else (DecisionNote.NO_ELIGIBLE_LOCAL_SUPPLIER,)
    return PolicyDecision(
        method=outcome.method,
        scope=outcome.scope,
        eligible_suppliers=eligible,
        citations=outcome.citations,
        options=options,
        notes=notes,
    )


def _firm_class_options(
    ladder: _LadderRules,
    request: PurchaseRequest,
    suppliers: Sequence[Supplier],
    outcome: _Outcome,
) -> tuple[MethodOption, ...]:
    """Private-contract routes the decree opens to particular firms above the general limit."""
    if outcome.method is not ContractMethod.RESTRICTED_BID and (
        outcome.method is not ContractMethod.OPEN_BID
    ):
        return ()
    amount_krw = request.estimated_amount_krw
    social_first = ladder.social_economy[0] is not None
    options: list[MethodOption] = []
    for rule, version in sorted(ladder.firm_private, key=lambda rv: rv[0].rule_id):
        if rule.cap_krw is None or amount_krw > rule.cap_krw or rule.firm_class is None:
            continue
        citations = [
            Citation(
                rule.rule_id,
                version.layer,
                version.version_id,
                rule.source,
                ReasonCode.FIRM_CLASS_PRIVATE_CONTRACT,
            )
        ]
        # The city's scope still applies: a private contract is a choice of firm, and the
        # city's policy is that the firm be local wherever its restriction covers the amount.
        scope = outcome.scope
        if rule.firm_class is FirmClass.SOCIAL_ECONOMY and social_first:
            citations.append(_cite(ladder.social_economy, ReasonCode.SOCIAL_ECONOMY_FIRST))
        eligible = _eligible(
            suppliers,
            request.category,
            scope,
            social_economy_first=social_first,
            firm_class=rule.firm_class,
        )
        options.append(
            MethodOption(
                firm_class=rule.firm_class,
                method=_private_method(rule, amount_krw),
                scope=scope,
                eligible_suppliers=eligible,
                citations=tuple(citations),
            )
        )
    return tuple(options)


# --------------------------------------------------------------------------- batch path

METHOD_CODES: tuple[ContractMethod, ...] = tuple(ContractMethod)
SCOPE_CODES: tuple[BidScope, ...] = tuple(BidScope)
KIND_CODES: tuple[PurchaseKind, ...] = tuple(PurchaseKind)
PROBLEM_CODES: tuple[PolicyProblem | None, ...] = (None, *PolicyProblem)


@dataclass(frozen=True, slots=True)
class RequestColumns:
    """Purchase requests as columns: one row per request, all arrays the same length."""

    category: npt.NDArray[Any]  # str
    amount_krw: npt.NDArray[np.int64]
    requested_on: npt.NDArray[np.datetime64]  # datetime64[D]
    kind: npt.NDArray[np.int8]  # index into KIND_CODES
    is_remainder: npt.NDArray[np.bool_]

    @classmethod
    def from_requests(cls, requests: Sequence[PurchaseRequest]) -> RequestColumns:
        """Columns from request objects (a Python loop: for callers that already hold them)."""
        kind_index = {k: i for i, k in enumerate(KIND_CODES)}
        return cls(
            category=np.array([r.category for r in requests], dtype=np.str_),
            amount_krw=np.array([r.estimated_amount_krw for r in requests], dtype=np.int64),
            requested_on=np.array([r.requested_on for r in requests], dtype="datetime64[D]"),
            kind=np.array([kind_index[r.kind] for r in requests], dtype=np.int8),
            is_remainder=np.array([r.is_remainder for r in requests], dtype=np.bool_),
        )

    def __len__(self) -> int:
        return int(self.amount_krw.shape[0])


@dataclass(frozen=True, slots=True)
class BatchDecisions:
    """Decisions for RequestColumns, as columns. `problem` is 0 where the row was decided."""

    method: npt.NDArray[np.int8]  # index into METHOD_CODES (-1: not decided)
    scope: npt.NDArray[np.int8]  # index into SCOPE_CODES (-1: not decided)
    problem: npt.NDArray[np.int8]  # index into PROBLEM_CODES
    outcome: npt.NDArray[np.int32]  # index into `outcomes` (-1: not decided)
    eligible_count: npt.NDArray[np.int32]
    outcomes: tuple[tuple[ContractMethod, BidScope, tuple[Citation, ...]], ...]
    _category_code: npt.NDArray[np.intp] = field(repr=False)
    _eligible_by_code: tuple[dict[tuple[BidScope, bool], tuple[Supplier, ...]], ...] = field(
        repr=False
    )

    def __len__(self) -> int:
        return int(self.method.shape[0])

    def method_of(self, i: int) -> ContractMethod | None:
        code = int(self.method[i])
        return METHOD_CODES[code] if code >= 0 else None

    def scope_of(self, i: int) -> BidScope | None:
        code = int(self.scope[i])
        return SCOPE_CODES[code] if code >= 0 else None

    def problem_of(self, i: int) -> PolicyProblem | None:
        return PROBLEM_CODES[int(self.problem[i])]

    def citations_of(self, i: int) -> tuple[Citation, ...]:
        k = int(self.outcome[i])
        return self.outcomes[k][2] if k >= 0 else ()

    def eligible_suppliers_of(self, i: int) -> tuple[Supplier, ...]:
        scope = self.scope_of(i)
        if scope is None:
            return ()
        social_first = any(
            c.reason is ReasonCode.SOCIAL_ECONOMY_FIRST for c in self.citations_of(i)
        )
        return self._eligible_by_code[int(self._category_code[i])][(scope, social_first)]


def _segment_ladders(rules: RuleBook) -> list[tuple[_LadderRules, ...]]:
    return [
        tuple(
            _ladder_rules(
                (r, v)
                for v in ((seg.law,) if seg.city is None else (seg.law, seg.city))
                for r in v.rules
                if kind in r.kinds
            )
            for kind in KIND_CODES
        )
        for seg in rules._segments
    ]


def _breakpoints(ladder: _LadderRules, is_remainder: bool) -> list[int]:
    caps = {AMOUNT_CEILING_KRW - 1}
    pairs = [ladder.any_private, ladder.city_region, ladder.province_region]
    if is_remainder:
        pairs.append(ladder.remainder)
    for rule, _ in pairs:
        if rule is None:
            continue
        for cap in (rule.cap_krw, rule.single_quote_limit_krw):
            if cap is not None and 0 < cap < AMOUNT_CEILING_KRW:
                caps.add(cap)
    return sorted(caps)


def evaluate_many(
    requests: RequestColumns, rules: RuleBook, suppliers: Sequence[Supplier]
) -> BatchDecisions:
    """Decide every request at once; row i agrees with `evaluate` on request i.

    The ladder of each (day segment, kind, remainder flag) is tabulated at its caps once, and
    all rows are looked up with one `searchsorted` on (ladder id, amount) keys.
    """
    n = len(requests)
    ladders = _segment_ladders(rules)
    n_kinds = len(KIND_CODES)
    # One sorted key table for all ladders: key = ladder id × 2^44 + cap.
    bound_keys: list[int] = []
    bound_outcome: list[int] = []
    outcomes: list[tuple[ContractMethod, BidScope, tuple[Citation, ...]]] = []
    outcome_index: dict[tuple[ContractMethod, BidScope, tuple[Citation, ...]], int] = {}
    for seg_i, per_kind in enumerate(ladders):
        for kind_i, ladder in enumerate(per_kind):
            for rem in (0, 1):
                ladder_id = (seg_i * n_kinds + kind_i) * 2 + rem
                for cap in _breakpoints(ladder, bool(rem)):
                    o = _decide(ladder, cap, bool(rem))
                    key = (o.method, o.scope, o.citations)
                    if key not in outcome_index:
                        outcome_index[key] = len(outcomes)
                        outcomes.append(key)
                    bound_keys.append(ladder_id * AMOUNT_CEILING_KRW + cap)
                    bound_outcome.append(outcome_index[key])
    keys_table = np.array(bound_keys, dtype=np.int64)
    outcome_table = np.array(bound_outcome, dtype=np.int32)
    method_table = np.array([METHOD_CODES.index(o[0]) for o in outcomes], dtype=np.int8)
    scope_table = np.array([SCOPE_CODES.index(o[1]) for o in outcomes], dtype=np.int8)

    # Which segment each request's day falls in.
    seg_starts = np.array(rules._segment_starts, dtype="datetime64[D]")
    seg_ends = np.array(
        [s.ends_on if s.ends_on is not None else dt.date.max for s in rules._segments],
        dtype="datetime64[D]",
    )
    days = requests.requested_on.astype("datetime64[D]")
    seg = np.searchsorted(seg_starts, days, side="right") - 1
    seg_clipped = np.clip(seg, 0, max(len(seg_starts) - 1, 0))
    in_force = (seg >= 0) & (days <= seg_ends[seg_clipped]) if len(seg_starts) else seg >= 0

    amount = requests.amount_krw.astype(np.int64)
    problem = np.zeros(n, dtype=np.int8)
    problem[~in_force] = PROBLEM_CODES.index(PolicyProblem.NO_RULES_IN_FORCE)
    problem[amount >= AMOUNT_CEILING_KRW] = PROBLEM_CODES.index(PolicyProblem.AMOUNT_TOO_LARGE)
    problem[amount <= 0] = PROBLEM_CODES.index(PolicyProblem.NON_POSITIVE_AMOUNT)
    ok = problem == 0

    row_ladder = (seg_clipped.astype(np.int64) * n_kinds + requests.kind.astype(np.int64)) * 2
    row_ladder += requests.is_remainder.astype(np.int64)
    keys = row_ladder * AMOUNT_CEILING_KRW + np.where(ok, amount, 1)
    pos = np.searchsorted(keys_table, keys, side="left")
    outcome = np.where(ok, outcome_table[np.minimum(pos, len(outcome_table) - 1)], -1)
    outcome = outcome.astype(np.int32)
    method = np.where(ok, method_table[outcome], -1).astype(np.int8)
    scope = np.where(ok, scope_table[outcome], -1).astype(np.int8)

    # Eligible suppliers depend only on (category, scope): count them per unique category.
    categories, category_code = np.unique(requests.category, return_inverse=True)
    eligible_by_code: list[dict[tuple[BidScope, bool], tuple[Supplier, ...]]] = []
    counts = np.zeros((len(categories), len(SCOPE_CODES)), dtype=np.int32)
    for c, category in enumerate(categories.tolist()):
        by_scope: dict[tuple[BidScope, bool], tuple[Supplier, ...]] = {}
        for s_i, scope_value in enumerate(SCOPE_CODES):
            for social_first in (False, True):
                found = _eligible(
                    suppliers, str(category), scope_value, social_economy_first=social_first
                )
                by_scope[(scope_value, social_first)] = found
            counts[c, s_i] = len(found)
        eligible_by_code.append(by_scope)
    eligible_count = np.where(ok, counts[category_code, np.maximum(scope, 0)], 0).astype(np.int32)
    return BatchDecisions(
        method=method,
        scope=scope,
        problem=problem,
        outcome=outcome,
        eligible_count=eligible_count,
        outcomes=tuple(outcomes),
        _category_code=category_code.astype(np.intp),
        _eligible_by_code=tuple(eligible_by_code),
    )
