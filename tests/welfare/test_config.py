"""Signal weights as versioned configuration: who changed what, when; rounds keep their version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from saram.core.errors import SaramError
from saram.welfare.models import DongSettings, SignalConfig, SignalWeight
from saram.welfare.services import config as config_service
from saram.welfare.services import rounds

from .conftest import TODAY


@pytest.fixture
def admin(make_user: Any, config: Any) -> Any:
    return make_user("city_admin", username="admin-lee")


def test_a_change_writes_a_new_version_with_who_what_and_why(
    admin: Any, city: Any, config: Any
) -> None:
    second = config_v2 = config_change(admin, city)
    assert (second.version, second.created_by, second.note) == (2, admin, "겨울철 단전 가중")
    assert second.changes == [
        {"kind": "electricity_cut_off", "field": "weight_points", "old": 20.0, "new": 25.0},
        {"kind": "", "field": "lives_alone_points", "old": 4.0, "new": 5.0},
    ]
    old = SignalWeight.objects.get(config=config, kind__code="electricity_cut_off")
    new = SignalWeight.objects.get(config=config_v2, kind__code="electricity_cut_off")
    assert (old.weight_points, new.weight_points) == (20.0, 25.0)  # version 1 is untouched
    assert (
        SignalWeight.objects.filter(config=config_v2).count()
        == SignalWeight.objects.filter(config=config).count()
    )


def config_change(admin: Any, city: Any) -> SignalConfig:
    return config_service.change_config(
        by=admin,
        city=city,
        weights={"electricity_cut_off": {"weight_points": 25}},
        household={"lives_alone_points": 5},
        note="겨울철 단전 가중",
    )


def test_each_round_records_the_version_it_was_scored_with(
    admin: Any, officer: Any, city: Any, dong: Any, config: Any, make_person: Any, add_signal: Any
) -> None:
    add_signal(
        make_person(dong, lives_alone=True, birth_date=dt.date(1990, 1, 1)), "electricity_cut_off"
    )
    before = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    type(before).objects.filter(pk=before.pk).update(status="closed")
    second = config_change(admin, city)
    after = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    assert (before.config, after.config) == (config, second)
    assert before.entries.get().score == 24.0 and after.entries.get().score == 30.0


def test_a_kind_can_be_switched_off(
    admin: Any, officer: Any, city: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    add_signal(make_person(dong), "telecom_arrears", TODAY, 6)
    config_service.change_config(
        by=admin, city=city, weights={"telecom_arrears": {"is_active": False}}, note="통신비는 제외"
    )
    assert rounds.plan_round(by=officer, dong=dong, today=TODAY).listed_count == 0


def test_a_new_kind_comes_with_a_new_version(admin: Any, city: Any, config: Any) -> None:
    added = config_service.add_signal_kind(
        by=admin,
        city=city,
        code="school_absence",
        label_ko="장기 결석",
        label_en="Long school absence",
        unit="flag",
        weight_points=7,
        cap_value=1,
        half_life_days=120,
        note="교육청 자료 연계",
    )
    assert added.version == 2 and added.weights.filter(kind__code="school_absence").exists()


@pytest.mark.parametrize(
    ("weights", "code"),
    [
        ({"electricity_cut_off": {"half_life_days": 0}}, "config_bad_weight"),
        ({"electricity_cut_off": {"cap_value": 3}}, "config_bad_weight"),  # a flag's cap is 1
        ({"moon_dust": {"weight_points": 1}}, "config_unknown_kind"),
        ({"electricity_cut_off": {"weight_points": 20}}, "config_no_change"),
    ],
)
def test_impossible_or_empty_changes_are_refused(
    admin: Any, city: Any, weights: Any, code: str
) -> None:
    with pytest.raises(SaramError) as caught:
        config_service.change_config(by=admin, city=city, weights=weights, note="x")
    assert caught.value.code == code
    assert SignalConfig.objects.count() == 1


def test_only_the_city_administrator_changes_weights(officer: Any, city: Any) -> None:
    with pytest.raises(SaramError):
        config_service.change_config(
            by=officer, city=city, weights={"job_loss": {"weight_points": 1}}, note="x"
        )


def test_a_dongs_sla_is_set_by_the_administrator_or_its_officers(
    admin: Any, officer: Any, dong: Any, other_dong: Any
) -> None:
    config_service.set_dong_settings(
        by=officer, dong=dong, sla_days=7, list_size=30, recent_visit_days=60
    )
    assert DongSettings.objects.get(dong=dong).sla_days == 7
    config_service.set_dong_settings(
        by=admin, dong=other_dong, sla_days=21, list_size=30, recent_visit_days=60
    )
    with pytest.raises(SaramError):
        config_service.set_dong_settings(
            by=officer, dong=other_dong, sla_days=1, list_size=1, recent_visit_days=0
        )
    with pytest.raises(SaramError):
        config_service.set_dong_settings(
            by=admin, dong=dong, sla_days=0, list_size=30, recent_visit_days=60
        )


def test_the_settings_pages_record_a_version(client_as: Any, config: Any) -> None:
    client = client_as("city_admin")
    page = client.get("/welfare/config/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    data |= {k: v for k, v in form.initial.items()}
    data = {k: v for k, v in data.items() if not (k.endswith("__is_active") and not v)}
    data["job_loss__weight_points"] = 15
    data["note"] = "실직 가중"
    response = client.post("/welfare/config/edit/", data)
    assert response.status_code == 302
    latest = SignalConfig.objects.order_by("-version").first()
    assert latest.version == 2 and latest.changes[0]["kind"] == "job_loss"
    assert "실직 가중" in client.get("/welfare/config/").content.decode()
