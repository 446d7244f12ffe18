"""Production refuses to run unsafe: weak keys and debug stop every command; demo passwords are
disabled; a wrong personal-data key stops the start; the deploy check is clean; pages carry a
Content Security Policy and personal data is not cached."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from saram import cli, safety
from saram.core import personal_data
from saram.core.models import KeyCheck, Role
from saram.core.personal_data import WrongPersonalDataKey, verify_personal_data_key

SRC = Path(cli.__file__).resolve().parent.parent
STRONG = {
    "SARAM_SECRET_KEY": "k3J9x-Qm2vT8wL5pZr7YbN4cD6fH1gS0aEiUoWqXyVtRsPnMlKjHgFdSaZxCvBnM",
    "SARAM_PERSONAL_DATA_KEY": "Xq7Lm2Pv9Rt4Ws8Yz3Ab6Cd1Ef5Gh0Jk",
}


def _saram(
    args: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("SARAM_", "DJANGO_SETTINGS"))}
    full |= {
        "PYTHONPATH": str(SRC),
        "SARAM_DATA_DIR": str(tmp_path / "data"),
        "SARAM_ALLOWED_HOSTS": "saram.example.go.kr",
    } | env
    return subprocess.run(
        [sys.executable, "-c", "import sys; from saram import cli; sys.exit(cli.main())", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"SARAM_SECRET_KEY": "x"}, "SARAM_SECRET_KEY is too weak"),
        ({"SARAM_PERSONAL_DATA_KEY": "a"}, "SARAM_PERSONAL_DATA_KEY is too weak"),
        ({"SARAM_DEBUG": "1"}, "SARAM_DEBUG is on"),
        ({"SARAM_PERSONAL_DATA_KEY": ""}, "SARAM_PERSONAL_DATA_KEY is not set"),
    ],
)
def test_saram_check_refuses_weak_keys_and_debug_in_production(
    env: dict[str, str], says: str, tmp_path: Path
) -> None:
    done = _saram(["check"], {"SARAM_ENV": "production", **STRONG, **env}, tmp_path)
    assert done.returncode == 2, done.stderr
    assert "refuses to run with SARAM_ENV=production" in done.stderr and says in done.stderr
    assert "Traceback" not in done.stderr


def test_the_attack_settings_are_all_named_at_once(tmp_path: Path) -> None:
    env = {
        "SARAM_ENV": "production",
        "SARAM_SECRET_KEY": "x",
        "SARAM_PERSONAL_DATA_KEY": "a",
        "SARAM_DEBUG": "1",
    }
    done = _saram(["migrate"], env, tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n  - ") == 3
    assert not (tmp_path / "data" / "saram.sqlite3").exists()  # nothing ran


def test_the_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    done = _saram(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {"SARAM_ENV": "production", **STRONG},
        tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_a_demo_password_account_is_disabled_in_production(make_user: Any, settings: Any) -> None:
    settings.IS_PRODUCTION = True
    carrier = make_user(Role.WELFARE_OFFICER, username="officer-demo")
    carrier.set_password(safety.DEMO_PASSWORD)
    carrier.save()
    other = make_user(Role.WELFARE_OFFICER, username="officer-real")
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "officer-demo", "password": safety.DEMO_PASSWORD}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    carrier.refresh_from_db()
    assert not carrier.is_active and not carrier.has_usable_password()
    # Typing the demo password for an account that does not carry it locks nobody out.
    client.post("/accounts/login/", {"username": "officer-real", "password": safety.DEMO_PASSWORD})
    other.refresh_from_db()
    assert other.is_active
    response = client.post(
        "/accounts/login/", {"username": "officer-real", "password": other.raw_password}
    )
    assert response.status_code == 302


def test_the_demo_password_here_is_the_one_the_demo_sets() -> None:
    from saram.core.services import demo

    assert demo.DEMO_PASSWORD == safety.DEMO_PASSWORD


@pytest.fixture
def other_key(settings: Any) -> Any:
    def _switch(key: str) -> None:
        settings.PERSONAL_DATA_KEY = key
        personal_data.sealer.cache_clear()

    yield _switch
    personal_data.sealer.cache_clear()


def test_a_wrong_personal_data_key_is_found_by_the_key_check_value(
    db: None, other_key: Any
) -> None:
    assert verify_personal_data_key() == "recorded"
    assert verify_personal_data_key() == "ok" and KeyCheck.objects.count() == 1
    other_key(STRONG["SARAM_PERSONAL_DATA_KEY"])
    with pytest.raises(WrongPersonalDataKey, match="SARAM_PERSONAL_DATA_KEY"):
        verify_personal_data_key()


def test_a_wrong_key_on_existing_data_without_a_check_value_is_found(
    make_person: Any, dong: Any, other_key: Any
) -> None:
    make_person(dong)
    other_key(STRONG["SARAM_PERSONAL_DATA_KEY"])
    with pytest.raises(WrongPersonalDataKey):
        verify_personal_data_key()
    assert not KeyCheck.objects.exists()


def test_pages_carry_a_content_security_policy_without_inline_scripts(
    client_as: Any, dong: Any
) -> None:
    response = client_as(Role.WELFARE_OFFICER, dong).get("/people/")
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    offenders = []
    for path in Path(django_settings.BASE_DIR).rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attrs = match.group(1)
            if "src=" not in attrs and "application/json" not in attrs:
                offenders.append(f"{path.name}: inline <script>")
        offenders += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
    # json_script writes <script type="application/json">, which never runs.
    assert offenders == []


def test_pages_and_api_answers_with_personal_data_are_not_stored(
    client_as: Any, dong: Any, make_person: Any
) -> None:
    person = make_person(dong)
    client = client_as(Role.WELFARE_OFFICER, dong)
    for url in ("/people/", f"/people/{person.pk}/", f"/api/people/{person.pk}", "/"):
        assert client.get(url)["Cache-Control"] == "no-store", url


def test_static_files_stay_cacheable(client: Client) -> None:
    response = client.get("/static/core/saram.css")
    assert response.status_code == 200 and response.get("Cache-Control") != "no-store"
