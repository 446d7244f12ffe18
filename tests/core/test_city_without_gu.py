"""A city without 구 (most 시, every 군): 시·군 → 읍·면·동, loaded from its own file's properties.

The test city (`tests/core/data/gunsan`) is shaped like 군산시: one 읍, one 면 and two 동, no
구, with property names unlike Jeonju's (mapped in its city.json) and the kind in a property.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from saram.core.access import Can, scope_of
from saram.core.models import AreaKind, City, Dong, Gu, Role
from saram.core.services.cities import load_city

GUNSAN = Path(__file__).parent / "data" / "gunsan"


@pytest.fixture
def gunsan(db: None) -> City:
    return load_city(GUNSAN).city


def test_a_city_without_gu_loads_its_eup_myeon_and_dong(gunsan: City) -> None:
    assert not Gu.objects.exists()
    kinds = dict(Dong.objects.values_list("name", "kind"))
    assert kinds == {
        "옥구읍": AreaKind.EUP,
        "회현면": AreaKind.MYEON,
        "해신동": AreaKind.DONG,
        "월명동": AreaKind.DONG,
    }
    assert set(Dong.objects.values_list("city_id", flat=True)) == {gunsan.pk}
    with translation.override("ko"):
        assert Dong.objects.get(name="옥구읍").get_kind_display() == "읍"
        assert Dong.objects.get(name="회현면").get_kind_display() == "면"
    again = load_city(GUNSAN)
    assert (again.dongs_created, again.dongs_updated) == (0, 4)


def test_the_kind_is_read_from_the_name_when_the_file_has_no_kind(tmp_path: Path, db: None) -> None:
    manifest = (GUNSAN / "city.json").read_text(encoding="utf-8")
    (tmp_path / "city.json").write_text(manifest.replace('"kind": "emd_kind"', '"kind": ""'))
    (tmp_path / "areas.geojson").write_bytes((GUNSAN / "areas.geojson").read_bytes())
    load_city(tmp_path)
    assert Dong.objects.get(name="회현면").kind == AreaKind.MYEON


def test_a_city_wide_role_covers_every_area_and_a_dong_role_one(
    gunsan: City, make_user: Any
) -> None:
    eup = Dong.objects.get(name="옥구읍")
    admin = make_user(Role.CITY_ADMIN, gunsan)
    officer = make_user(Role.WELFARE_OFFICER, eup)
    assert scope_of(admin).dong_ids(Can.VIEW_AREAS) == set(
        Dong.objects.values_list("id", flat=True)
    )
    assert scope_of(officer).dong_ids(Can.VIEW_PEOPLE) == {eup.id}


def test_pages_name_the_kind_and_no_gu(gunsan: City, make_user: Any) -> None:
    client = Client()
    client.force_login(
        make_user(Role.CITY_ADMIN, gunsan), backend="django.contrib.auth.backends.ModelBackend"
    )
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "옥구읍" in home and "회현면" in home
    assert ">구</th>" not in home  # no empty 구 column
    eup = Dong.objects.get(name="옥구읍")
    page = client.get(f"/dongs/{eup.code}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert '<dd id="area-kind">읍</dd>' in page
    geojson = client.get("/dongs.geojson").json()
    assert {f["properties"]["kind"] for f in geojson["features"]} == {"읍", "면", "동"}
    api = client.get("/api/areas/dongs").json()
    assert {d["gu_code"] for d in api} == {None}


@pytest.mark.skipif(
    bool(os.environ.get("SARAM_DATABASE_URL")),
    reason="the demo runs on its own SQLite database whatever the leg: the SQLite leg runs it",
)
def test_the_demo_runs_on_a_city_without_gu(tmp_path: Path) -> None:
    """`saram demo --no-serve` on the 군산-like city: migrate, load, residents, every app's demo."""
    env = os.environ | {
        "SARAM_ENV": "demo",
        "SARAM_CITY_DIR": str(GUNSAN),
        "SARAM_DATA_DIR": str(tmp_path),
    }
    env.pop("SARAM_DATABASE_URL", None)
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "saram.cli", "demo", "--no-serve", "--residents", "300"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "군산시" in done.stdout
    db = sqlite3.connect(tmp_path / "saram.sqlite3")
    try:
        rows = dict(db.execute("SELECT name, kind FROM core_dong WHERE gu_id IS NULL").fetchall())
        people = db.execute("SELECT COUNT(*) FROM core_person").fetchone()[0]
        on_eup = db.execute(
            "SELECT COUNT(*) FROM core_person p JOIN core_dong d ON p.dong_id = d.id "
            "WHERE d.kind = 'eup'"
        ).fetchone()[0]
        addresses = [a for (a,) in db.execute("SELECT address FROM core_person LIMIT 50")]
    finally:
        db.close()
    assert rows == {"옥구읍": "eup", "회현면": "myeon", "해신동": "dong", "월명동": "dong"}
    assert people == 300 and on_eup > 0
    assert all(a.startswith("전북특별자치도 군산시 ") for a in addresses)
    assert not any("None" in a for a in addresses)
