"""Slicing with PrusaSlicer's command line, headless, under a time limit.

A machine's printer profile is an `.ini` file (`profiles/<key>.ini`); material and quality come
as options. The slicer's own figures (filament length, volume, grams, time) are read from the
comments it writes at the end of the G-code.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

PROFILES = Path(__file__).with_name("profiles")
EXECUTABLE = "prusa-slicer"


class SliceFailure(StrEnum):
    NOT_INSTALLED = "slicer_not_installed"
    TIMEOUT = "slicer_timeout"
    CRASHED = "slicer_crashed"
    NO_FIGURES = "slicer_no_figures"
    UNKNOWN_PROFILE = "slicer_unknown_profile"


class SliceError(Exception):
    def __init__(self, reason: SliceFailure, **params: object) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class SliceSettings:
    """What the citizen chose (quality, infill) and what the material is (density, diameter)."""

    layer_height_mm: float = 0.2
    infill_percent: int = 20
    perimeters: int = 2
    density_g_cm3: float = 1.24
    filament_diameter_mm: float = 1.75

    def options(self) -> list[str]:
        return [
            "--layer-height",
            f"{self.layer_height_mm:g}",
            "--first-layer-height",
            f"{self.layer_height_mm:g}",
            "--fill-density",
            f"{self.infill_percent}%",
            "--perimeters",
            str(self.perimeters),
            # PrusaSlicer's default density is 0, which makes every weight 0 g.
            "--filament-density",
            f"{self.density_g_cm3:g}",
            "--filament-diameter",
            f"{self.filament_diameter_mm:g}",
        ]


@dataclass(frozen=True)
class SliceResult:
    gcode: Path
    filament_mm: float
    filament_cm3: float
    grams: float
    seconds: int


def profile_path(key: str) -> Path:
    """The printer profile stored as data for machines of kind `key`."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", key):
        raise SliceError(SliceFailure.UNKNOWN_PROFILE, profile=key[:40])
    path = PROFILES / f"{key}.ini"
    if not path.is_file():
        raise SliceError(SliceFailure.UNKNOWN_PROFILE, profile=key)
    return path


def profile_keys() -> list[str]:
    return sorted(p.stem for p in PROFILES.glob("*.ini"))


_PROGRESS = re.compile(rb"^\s*(\d{1,3})\s*=>")


def slice_model(
    model: Path,
    *,
    out: Path,
    profile: str,
    settings: SliceSettings,
    timeout_s: float = 300.0,
    on_progress: Callable[[int], None] | None = None,
    executable: str = EXECUTABLE,
) -> SliceResult:
    """Slice `model` to G-code at `out`; refuse cleanly on a crash, a hang or missing figures."""
    exe = shutil.which(executable)
    if exe is None:
        raise SliceError(SliceFailure.NOT_INSTALLED)
    command = [
        exe,
        "--load",
        str(profile_path(profile)),
        *settings.options(),
        "--export-gcode",
        str(model),
        "--output",
        str(out),
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so a hang can be ended whole
        env={**os.environ, "DISPLAY": ""},
    )
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout_s, stop)
    timer.start()
    tail: list[bytes] = []
    shown = 0
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            match = _PROGRESS.match(line)
            # PrusaSlicer's steps do not come in order: the bar only moves forward.
            if match and int(match.group(1)) > shown:
                shown = min(int(match.group(1)), 100)
                if on_progress is not None:
                    on_progress(shown)
            tail = [*tail[-9:], line]
        code = proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:
            stop()
            proc.wait()
    if timed_out.is_set():
        out.unlink(missing_ok=True)
        raise SliceError(SliceFailure.TIMEOUT, seconds=int(timeout_s))
    if code != 0 or not out.is_file():
        out.unlink(missing_ok=True)
        last = b"".join(tail).decode("utf-8", "replace").strip().splitlines()
        raise SliceError(SliceFailure.CRASHED, code=code, detail=(last[-1] if last else "")[:200])
    return read_figures(out)


_FIGURES = {
    "filament_mm": re.compile(r"^; filament used \[mm\] = ([\d.]+)", re.M),
    "filament_cm3": re.compile(r"^; filament used \[cm3\] = ([\d.]+)", re.M),
    "grams": re.compile(r"^; (?:total )?filament used \[g\] = ([\d.]+)", re.M),
    "time": re.compile(r"^; estimated printing time \(normal mode\) = (.+)$", re.M),
}
_DURATION = re.compile(r"(\d+)\s*([dhms])")


def parse_duration(text: str) -> int:
    """Seconds from PrusaSlicer's '1d 2h 3m 4s'."""
    unit = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    parts = _DURATION.findall(text)
    if not parts:
        raise ValueError(text)
    return sum(int(n) * unit[u] for n, u in parts)


def read_figures(gcode: Path) -> SliceResult:
    """The slicer's own figures from the comments at the end of its G-code."""
    size = gcode.stat().st_size
    with gcode.open("rb") as f:
        f.seek(max(0, size - 512 * 1024))
        text = f.read().decode("utf-8", "replace")
    found = {k: p.search(text) for k, p in _FIGURES.items()}
    missing = [k for k, m in found.items() if m is None]
    if missing:
        raise SliceError(SliceFailure.NO_FIGURES, missing=", ".join(missing))
    values = {k: m.group(1) for k, m in found.items() if m is not None}
    return SliceResult(
        gcode=gcode,
        filament_mm=float(values["filament_mm"]),
        filament_cm3=float(values["filament_cm3"]),
        grams=float(values["grams"]),
        seconds=parse_duration(values["time"]),
    )


def timed_slice(model: Path, **kwargs: object) -> tuple[SliceResult, float]:
    """Slice and say how long it took (for benchmarks' baselines)."""
    start = time.perf_counter()
    result = slice_model(model, **kwargs)  # type: ignore[arg-type]
    return result, time.perf_counter() - start
