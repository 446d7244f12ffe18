"""The real PrusaSlicer on small models: figures read from its G-code, failures refused cleanly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import trimesh

from saram.making.engine.slicer import (
    SliceError,
    SliceFailure,
    SliceSettings,
    parse_duration,
    profile_keys,
    slice_model,
)


def test_slicing_a_cube_reads_the_slicers_own_figures(tmp_path: Path) -> None:
    model = tmp_path / "cube.stl"
    trimesh.creation.box((10, 10, 10)).export(model)
    seen: list[int] = []
    result = slice_model(
        model,
        out=tmp_path / "cube.gcode",
        profile="fdm-mk3",
        settings=SliceSettings(layer_height_mm=0.3, infill_percent=20, density_g_cm3=1.24),
        on_progress=seen.append,
    )
    assert result.gcode.is_file()
    assert result.filament_cm3 > 0
    # Density was passed: grams are volume × density, not PrusaSlicer's default 0.
    assert result.grams == pytest.approx(result.filament_cm3 * 1.24, rel=0.02)
    assert 60 < result.seconds < 3600
    assert seen and seen == sorted(seen)


def test_a_hanging_slicer_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    fake = tmp_path / "hangs"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    model = tmp_path / "m.stl"
    trimesh.creation.box((5, 5, 5)).export(model)
    with pytest.raises(SliceError) as caught:
        slice_model(
            model,
            out=tmp_path / "m.gcode",
            profile="fdm-mk3",
            settings=SliceSettings(),
            timeout_s=0.5,
            executable=str(fake),
        )
    assert caught.value.reason == SliceFailure.TIMEOUT
    assert not (tmp_path / "m.gcode").exists()


def test_a_crashing_slicer_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "crashes"
    fake.write_text("#!/bin/sh\necho 'boom' >&2\nkill -SEGV $$\n")
    fake.chmod(0o755)
    model = tmp_path / "m.stl"
    trimesh.creation.box((5, 5, 5)).export(model)
    with pytest.raises(SliceError) as caught:
        slice_model(
            model,
            out=tmp_path / "m.gcode",
            profile="fdm-mk3",
            settings=SliceSettings(),
            executable=str(fake),
        )
    assert caught.value.reason == SliceFailure.CRASHED


def test_a_model_that_is_no_mesh_makes_the_real_slicer_fail_cleanly(tmp_path: Path) -> None:
    model = tmp_path / "m.stl"
    model.write_bytes(os.urandom(300))
    with pytest.raises(SliceError) as caught:
        slice_model(model, out=tmp_path / "m.gcode", profile="fdm-mk3", settings=SliceSettings())
    assert caught.value.reason == SliceFailure.CRASHED


def test_unknown_or_hostile_profile_names_are_refused(tmp_path: Path) -> None:
    for key in ("nope", "../../etc/passwd"):
        with pytest.raises(SliceError) as caught:
            slice_model(
                tmp_path / "m.stl", out=tmp_path / "o", profile=key, settings=SliceSettings()
            )
        assert caught.value.reason == SliceFailure.UNKNOWN_PROFILE
    assert "fdm-mk3" in profile_keys()


def test_durations() -> None:
    assert parse_duration("1d 2h 3m 4s") == 93784
    assert parse_duration("19m 11s") == 1151
