"""The learned model people can trust: stored with its coefficients and windows, shown beside
the points model with who it would add and drop, put in use only by the city administrator and
only when it beat the points model on held-out rounds; a round planned with it re-runs exactly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from saram.core.errors import SaramError
from saram.core.models import AuditEntry
from saram.welfare.models import LearnedModel, OutreachEntry
from saram.welfare.services import learned, rounds
from saram.welfare.services.config import engine_config

from .conftest import NOW, TODAY


def _stored(city: Any, config: Any, *, is_better: bool, held_out_to: dt.date | None = None) -> Any:
    """A stored model over the configuration's signals: every signal raises the odds alike."""
    codes = [t.code for t in engine_config(config).signal_types]
    return LearnedModel.objects.create(
        city=city,
        config=config,
        signal_codes=codes,
        signal_coefficients=[1.5] * len(codes),
        household_coefficients=[0.5, 0.25, 0.0],
        intercept=-2.0,
        calibration_slope=-1.0,
        calibration_offset=0.0,
        trained_from=TODAY - dt.timedelta(days=300),
        trained_to=TODAY - dt.timedelta(days=120),
        held_out_from=TODAY - dt.timedelta(days=90),
        held_out_to=held_out_to or TODAY - dt.timedelta(days=30),
        trained_rounds=6,
        held_out_rounds=3,
        trained_rows=420,
        confirmed_share=0.31,
        k=20,
        metrics={
            "learned": {"listed": 60, "found": 25 if is_better else 15, "confirmed": 40},
            "points": {"listed": 60, "found": 20, "confirmed": 40},
        },
        changes={
            "adds": 9,
            "drops": 9,
            "adds_confirmed": 7 if is_better else 1,
            "drops_confirmed": 2 if is_better else 6,
            "add_reasons": {"electricity_cut_off": 6, "lives_alone": 3},
            "drop_reasons": {"health_insurance_arrears": 9},
        },
        is_better=is_better,
        fitted_at=NOW,
    )


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_page_says_who_the_learned_model_would_add_and_drop(
    client_as: Any, city: Any, config: Any
) -> None:
    stored = _stored(city, config, is_better=True)
    page = client_as("city_admin").get(reverse("welfare:model_check")).content.decode()
    assert "학습 모형의 상위 20명이 점수 모형보다 확인된 욕구를 5건 더 찾았습니다" in page
    assert "목록에 9명이 새로 오르고(그 가운데 욕구가 확인된 사람 7명), 9명이 빠집니다" in page
    assert "단전: 6명" in page and "혼자 삶: 3명" in page
    # The windows it learned from and was judged on, and its coefficients.
    assert f"{stored.trained_from:%Y-%m-%d} ~ {stored.trained_to:%Y-%m-%d}" in page
    assert f"{stored.held_out_from:%Y-%m-%d} ~ {stored.held_out_to:%Y-%m-%d}" in page
    assert '<td class="num">1.5</td>' in page
    assert f'action="{reverse("welfare:model_use", args=[stored.pk])}"' in page


def test_the_administrator_switches_only_after_confirming_and_the_switch_is_audited(
    client_as: Any, city: Any, config: Any
) -> None:
    stored = _stored(city, config, is_better=True)
    client = client_as("city_admin", first_name="박행정")
    url = reverse("welfare:model_use", args=[stored.pk])
    client.post(url)  # without ticking "I have read who is added and dropped"
    assert learned.model_in_use(city) is None
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert learned.model_in_use(city) == stored
    stored.refresh_from_db()
    assert stored.chosen_by == client.user and stored.chosen_at is not None
    entry = AuditEntry.objects.get(target_type="welfare_learned_model", target_id=str(stored.pk))
    assert entry.actor_id == client.user.pk and entry.detail["adds"] == 9
    page = response.content.decode()
    assert "지금 새 회차에 쓰는 모형: 학습 모형" in page and "박행정" in page
    # Back to points: the model is retired, new learned rounds are refused, and it is audited.
    client.post(reverse("welfare:model_points"))
    assert learned.model_in_use(city) is None
    assert AuditEntry.objects.filter(target_type="welfare_learned_model").count() == 2


def test_a_model_that_did_not_beat_the_points_model_cannot_be_chosen(
    client_as: Any, city: Any, config: Any
) -> None:
    stored = _stored(city, config, is_better=False)
    client = client_as("city_admin")
    page = client.get(reverse("welfare:model_check")).content.decode()
    assert "점수 모형보다 낫지 않아 고를 수 없습니다." in page
    assert reverse("welfare:model_use", args=[stored.pk]) not in page
    response = client.post(
        reverse("welfare:model_use", args=[stored.pk]),
        {"confirm": "1"},
        follow=True,
        HTTP_REFERER=reverse("welfare:model_check"),
    )
    assert "학습 모형이 시험 회차에서 점수 모형보다 낫지 않아 고를 수 없습니다." in (
        response.content.decode()
    )
    assert learned.model_in_use(city) is None
    with pytest.raises(SaramError) as refused:
        learned.choose_model(by=client.user, model=stored, now=NOW)
    assert refused.value.code == "model_not_better"


def test_an_officer_sees_the_comparison_but_cannot_switch(
    officer: Any, client_as: Any, city: Any, config: Any
) -> None:
    stored = _stored(city, config, is_better=True)
    client = _login(officer)
    page = client.get(reverse("welfare:model_check")).content.decode()
    assert "9명이 새로 오르고" in page and "새 회차부터 이 학습 모형 쓰기" not in page
    assert (
        client.post(reverse("welfare:model_use", args=[stored.pk]), {"confirm": "1"}).status_code
        == 404
    )
    assert client.post(reverse("welfare:model_points")).status_code == 404
    member = client_as("committee_member")
    assert (
        member.post(reverse("welfare:model_use", args=[stored.pk]), {"confirm": "1"}).status_code
        == 404
    )
    assert learned.model_in_use(city) is None
    assert not AuditEntry.objects.filter(target_type="welfare_learned_model").exists()
    admin = client_as("city_admin")
    assert admin.get(reverse("welfare:model_use", args=[stored.pk])).status_code == 405
    assert admin.get(reverse("welfare:model_points")).status_code == 405


def test_a_learned_round_is_scored_by_the_stored_model_and_re_runs_exactly(
    officer: Any,
    client_as: Any,
    city: Any,
    config: Any,
    dong: Any,
    make_person: Any,
    add_signal: Any,
) -> None:
    with pytest.raises(SaramError) as refused:
        rounds.plan_round(by=officer, dong=dong, model_kind="learned", today=TODAY)
    assert refused.value.code == "no_learned_model_in_use"
    people = [make_person(dong, lives_alone=i % 2 == 0) for i in range(4)]
    for person in people:
        add_signal(person, "gas_cut_off")
    add_signal(people[3], "electricity_cut_off")
    stored = _stored(city, config, is_better=True)
    learned.choose_model(by=client_as("city_admin").user, model=stored, now=NOW)
    round_ = rounds.plan_round(by=officer, dong=dong, model_kind="learned", today=TODAY)
    assert round_.learned_model == stored and round_.model_summary["learned_model"] == stored.pk
    first = list(
        OutreachEntry.objects.filter(round=round_)
        .order_by("rank")
        .values_list("person_id", "score")
    )
    # Two signals raise the odds most; living alone next: the stored coefficients decide.
    assert first[0][0] == people[3].pk and len(first) == 4
    rounds.score_round(round_=round_)
    again = list(
        OutreachEntry.objects.filter(round=round_)
        .order_by("rank")
        .values_list("person_id", "score")
    )
    assert again == first


def test_a_model_that_learned_from_later_rounds_is_refused_for_an_earlier_round(
    officer: Any, client_as: Any, city: Any, config: Any, dong: Any
) -> None:
    stored = _stored(city, config, is_better=True, held_out_to=TODAY)
    learned.choose_model(by=client_as("city_admin").user, model=stored, now=NOW)
    with pytest.raises(SaramError) as refused:
        rounds.plan_round(by=officer, dong=dong, model_kind="learned", today=TODAY)
    assert refused.value.code == "learned_model_after_round"


def test_the_comparison_page_takes_a_fixed_number_of_queries(
    client_as: Any, city: Any, config: Any, django_assert_max_num_queries: Any
) -> None:
    for better in (True, False, True):
        _stored(city, config, is_better=better)
    client = client_as("city_admin")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("welfare:model_check")).status_code == 200
