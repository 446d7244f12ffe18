"""The learned model, stored and chosen: fit it on the city's older past rounds, compare it with
the points model on the newer rounds held out (confirmed needs found, and who it would add to
and drop from the list), store it with its coefficients and windows, and let the city put it
in use only when it beat the points model. Every choice is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from saram.core import audit
from saram.core.access import Can, not_found, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction, City
from saram.welfare import engine
from saram.welfare.models import LearnedModel
from saram.welfare.services.config import engine_config, ensure_default_config
from saram.welfare.services.rounds import (
    _round_outcomes,
    model_in_use,
    past_outcomes,
)


def _plain(result: engine.TopKResult) -> dict[str, int]:
    return {"listed": result.listed, "found": result.found, "confirmed": result.confirmed}


def fit_and_compare(
    *, city: City, k: int, today: dt.date, now: dt.datetime, by: Any = None
) -> LearnedModel:
    """Fit the learned model on the older two thirds of the city's past rounds with outcomes
    (only what was known on each round's day), compare both models' top-k on the newer third,
    and store the model with its numbers, windows, metrics and list changes."""
    config_row = ensure_default_config(city=city)
    config = engine_config(config_row)
    past = past_outcomes(city=city, config=config, before=today)
    n = len(past.rounds)
    if n < 2:
        raise SaramError("model_needs_rounds", rounds=n)
    held = max(1, n // 3)
    train = _round_outcomes(past, config, range(n - held))
    test = _round_outcomes(past, config, range(n - held, n))
    try:
        model = engine.fit_outcome_model(rounds=train, signal_types=config.signal_types)
    except ValueError:
        raise SaramError("model_needs_outcomes") from None
    evaluation = engine.evaluate_top_k(
        rounds=test, learned_model=model, points_model=config.model, k=k
    )
    changes = engine.compare_lists(rounds=test, learned_model=model, points_model=config.model, k=k)
    days = [as_of for _i, as_of, _index, _confirmed in past.rounds]
    return LearnedModel.objects.create(
        city=city,
        config=config_row,
        signal_codes=[t.code for t in config.signal_types],
        signal_coefficients=model.signal_coefficients.tolist(),
        household_coefficients=model.household_coefficients.tolist(),
        intercept=model.intercept,
        calibration_slope=model.calibration_slope,
        calibration_offset=model.calibration_offset,
        trained_from=days[0],
        trained_to=days[n - held - 1],
        held_out_from=days[n - held],
        held_out_to=days[-1],
        trained_rounds=n - held,
        held_out_rounds=held,
        trained_rows=model.trained_rows,
        confirmed_share=model.confirmed_share,
        k=k,
        metrics={"learned": _plain(evaluation.learned), "points": _plain(evaluation.points)},
        changes={
            "adds": changes.adds,
            "drops": changes.drops,
            "adds_confirmed": changes.adds_confirmed,
            "drops_confirmed": changes.drops_confirmed,
            "add_reasons": changes.add_reasons,
            "drop_reasons": changes.drop_reasons,
        },
        is_better=evaluation.learned.found > evaluation.points.found,
        fitted_at=now,
        fitted_by=by,
    )


def _require_city_admin(user: Any, city: City) -> None:
    """Only the city administrator puts a model in use; anyone else is answered as if there
    were nothing here."""
    scope = scope_of(user)
    if not scope.can(Can.CONFIGURE) or not any(a.city_id == city.pk for a in scope.assignments):
        raise not_found()


def choose_model(*, by: Any, model: LearnedModel, now: dt.datetime) -> LearnedModel:
    """Put a stored learned model in use for the city's new rounds (the one in use before is
    retired). Refused unless it found more confirmed needs than the points model on the
    held-out rounds; audited with who chose it."""
    _require_city_admin(by, model.city)
    with transaction.atomic():
        model = LearnedModel.objects.select_for_update().get(pk=model.pk)
        if not model.is_better:
            raise SaramError("model_not_better")
        if model.is_in_use:
            return model
        previous = model_in_use(model.city)
        if previous is not None:
            LearnedModel.objects.filter(pk=previous.pk).update(retired_at=now, retired_by=by)
        LearnedModel.objects.filter(pk=model.pk).update(chosen_at=now, chosen_by=by)
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="welfare_learned_model",
            target_id=model.pk,
            purpose="학습 모형 사용 시작",
            detail={
                "previous": previous.pk if previous else None,
                "k": model.k,
                "metrics": model.metrics,
                "adds": model.changes.get("adds"),
                "drops": model.changes.get("drops"),
            },
        )
    model.refresh_from_db()
    return model


def use_points_model(*, by: Any, city: City, now: dt.datetime) -> LearnedModel | None:
    """Stop using the learned model: new rounds that ask for it are refused until another is
    chosen. Audited; returns the model retired (None if none was in use)."""
    _require_city_admin(by, city)
    with transaction.atomic():
        current = model_in_use(city)
        if current is None:
            return None
        LearnedModel.objects.filter(pk=current.pk).update(retired_at=now, retired_by=by)
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="welfare_learned_model",
            target_id=current.pk,
            purpose="학습 모형 사용 중지 (점수 모형으로)",
            detail={},
        )
    return current
