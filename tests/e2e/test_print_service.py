"""A citizen uploads a model, sees the check, the 3D view and the quote, accepts; staff assign
and start it on a real OctoPrint virtual printer; the citizen sees it printed."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import trimesh
from playwright.sync_api import expect

from saram.core.models import Role
from saram.making import virtual_printers
from saram.making.models import JobStatus, Machine, MachineKind, Material, MaterialKind, PrintJob
from saram.making.services import printing

REPO = Path(__file__).resolve().parents[2]


def _login(context: Any, base: str, user: Any) -> Any:
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", user.raw_password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return page


@pytest.fixture
def octoprint(tmp_path: Path) -> Any:
    if not virtual_printers.executable().is_file():
        subprocess.run([str(REPO / "scripts" / "octoprint"), "install"], check=True)
    (server,) = virtual_printers.start(1, tmp_path, fast=True)
    try:
        virtual_printers.wait_ready([server])
        yield server
    finally:
        server.stop()


def test_citizen_orders_a_print_and_sees_it_done(
    browser: Any, live_server: Any, make_user: Any, octoprint: Any, tmp_path: Path
) -> None:
    base = live_server.url
    staff_user = make_user(Role.MAKING_STAFF)
    citizen = make_user(Role.CITIZEN)
    pla = Material.objects.create(
        code="PLA-B",
        name="PLA",
        kind=MaterialKind.PLA,
        colour="파랑",
        density_g_cm3="1.24",
        price_per_kg_krw=25_000,
        stock_g=1_000,
    )
    machine = Machine.objects.create(
        code="FDM-E2E",
        name="출력 프린터 1호기",
        kind=MachineKind.FDM,
        build_x_mm=250,
        build_y_mm=210,
        build_z_mm=210,
        loaded_material=pla,
        hourly_rate_krw=3_000,
    )
    machine.accepted_materials.add(pla)
    printing.link_printer(
        by=staff_user, machine=machine, url=octoprint.url, api_key=octoprint.api_key
    )
    model = tmp_path / "cube.stl"
    trimesh.creation.box((6, 6, 6)).export(model)

    context = browser.new_context(locale="ko-KR")
    page = _login(context, base, citizen)
    page.goto(f"{base}/making/print/")
    page.fill("input[name=title]", "작은 상자")
    page.set_input_files("input[name=model]", str(model))
    page.select_option("select[name=material]", str(pla.pk))
    page.select_option("select[name=layer_height_mm]", "0.30")
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    expect(page.locator("#no-problems")).to_be_visible()
    expect(page.locator("#check")).to_contain_text("6 × 6 × 6 mm")
    # The 3D view drew the model (three.js from our own static files).
    expect(page.locator("#model-view canvas")).to_be_visible()
    expect(page.locator("#model-view")).to_have_attribute("data-ready", "true")
    with page.expect_navigation():
        page.click("#slice-button")
    expect(page.locator("#quote-total")).to_contain_text("원", timeout=60_000)
    expect(page.locator("#sliced")).to_be_visible()
    with page.expect_navigation():
        page.click("#accept-button")
    expect(page.locator("#job-status")).to_have_text("견적 수락·대기")
    job = PrintJob.objects.get()

    staff = _login(browser.new_context(locale="ko-KR"), base, staff_user)
    staff.goto(f"{base}/making/print/queue/")
    expect(staff.locator("#queue")).to_contain_text("작은 상자")
    with staff.expect_navigation():
        staff.click("#printers button[type=submit]")  # confirm the plate is clear
    staff.goto(f"{base}/making/print/{job.pk}/")
    expect(staff.locator("#proposed")).to_contain_text("출력 프린터 1호기")
    with staff.expect_navigation():
        staff.click("#start-button")
    expect(staff.locator("#job-status")).to_have_text("출력 중")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with staff.expect_navigation():
            staff.click("#follow-button")
        if staff.locator("#follow-button").count() == 0:
            break
        time.sleep(1)
    expect(staff.locator("#job-status")).to_have_text("출력 완료")

    page.goto(f"{base}/making/print/")
    expect(page.locator("#my-jobs")).to_contain_text("출력 완료")
    assert PrintJob.objects.get().status == JobStatus.DONE
    assert re.search(r"\d", page.locator("#my-jobs").inner_text())
