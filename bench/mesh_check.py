"""Figure: check and estimate a 1,000,000-triangle STL, the file read included, beside the time
PrusaSlicer takes to slice the same file (the baseline).

The path is the one an upload takes: `read_mesh` → `check_mesh` → `estimate` (the service's
`_check_and_estimate` minus the database).

    PYTHONPATH=src .venv/bin/python bench/mesh_check.py [--triangles N]

Last line: RESULT mesh_check <s> s baseline=<prusaslicer_s> ratio=<s/prusaslicer_s> target=2

The machine is shared: the load average and the process's CPU time per run are printed too, so
a wall time stretched by other work can be told apart from a slow check.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import trimesh

from saram.making.engine.estimate import Coefficients, Profile, estimate
from saram.making.engine.mesh import BuildVolume, Geometry, check_mesh, read_mesh
from saram.making.engine.slicer import SliceSettings, slice_model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triangles", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    # A torus with major × minor sections × 2 triangles.
    minor = 500
    major = max(args.triangles // (2 * minor), 3)
    mesh = trimesh.creation.torus(40, 12, major_sections=major, minor_sections=minor)
    profile, coefficients = Profile.load("fdm-mk3"), Coefficients.load("fdm-mk3")
    settings = SliceSettings(layer_height_mm=0.2, infill_percent=20)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.stl"
        mesh.export(path)
        times, cpu = [], []
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            read = read_mesh(path)
            geo = Geometry.of(read)
            report = check_mesh(read, volumes=[BuildVolume("mk3", 250, 210, 210)], geometry=geo)
            result = estimate(geo, settings, profile, coefficients)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        best = min(times)
        print(
            f"triangles {report.triangles:,}  check+estimate runs: "
            + ", ".join(f"{t:.2f}" for t in times)
            + " s (CPU "
            + ", ".join(f"{t:.2f}" for t in cpu)
            + " s)"
        )
        print(
            f"estimate {result.grams:.1f} g, {result.seconds / 60:.0f} min; findings "
            f"{report.reasons or 'none'}"
        )
        # The same model as OBJ text (an informative line; the figure is the STL's).
        obj = Path(tmp) / "model.obj"
        mesh.export(obj)
        start = time.perf_counter()
        read = read_mesh(obj)
        geo = Geometry.of(read)
        check_mesh(read, volumes=[BuildVolume("mk3", 250, 210, 210)], geometry=geo)
        estimate(geo, settings, profile, coefficients)
        print(
            f"the same model as OBJ ({obj.stat().st_size / 1e6:.0f} MB): "
            f"{time.perf_counter() - start:.2f} s"
        )
        start = time.perf_counter()
        sliced = slice_model(
            path, out=Path(tmp) / "model.gcode", profile="fdm-mk3", settings=settings, timeout_s=600
        )
        baseline = time.perf_counter() - start
        print(f"PrusaSlicer {baseline:.2f} s: {sliced.grams:.1f} g, {sliced.seconds / 60:.0f} min")
    print(
        f"RESULT mesh_check {best:.3f} s baseline={baseline:.3f} ratio={best / baseline:.4f} "
        "target=2"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
