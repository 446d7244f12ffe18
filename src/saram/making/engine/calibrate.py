"""Slicing a generated corpus with the real slicer, to fit or test the instant estimate."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .corpus import Sample, generate
from .estimate import Coefficients, Observation, Profile, estimate, fit, layers_of
from .mesh import Geometry
from .slicer import SliceResult, SliceSettings, slice_model


@dataclass(frozen=True)
class Run:
    sample: Sample
    settings: SliceSettings
    result: SliceResult
    seconds_to_slice: float


def slice_corpus(
    samples: Iterable[Sample], *, profile: str, density: float = 1.24, workers: int = 2
) -> list[Run]:
    """Slice every sample with PrusaSlicer (in `workers` processes at once)."""
    with tempfile.TemporaryDirectory(prefix="saram-corpus-") as tmp:
        folder = Path(tmp)

        def one(sample: Sample) -> Run:
            model = folder / f"{sample.name}.stl"
            sample.mesh.export(model)
            settings = SliceSettings(
                layer_height_mm=sample.layer_height_mm,
                infill_percent=sample.infill_percent,
                density_g_cm3=density,
            )
            start = time.perf_counter()
            result = slice_model(
                model, out=folder / f"{sample.name}.gcode", profile=profile, settings=settings
            )
            took = time.perf_counter() - start
            (folder / f"{sample.name}.gcode").unlink()
            return Run(sample, settings, result, took)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(one, samples))


def observations(runs: Iterable[Run], profile: Profile) -> list[Observation]:
    return [
        Observation(
            layers=layers_of(Geometry.of(r.sample.mesh), r.settings, profile),
            settings=r.settings,
            filament_mm3=r.result.filament_cm3 * 1000,
            seconds=r.result.seconds,
        )
        for r in runs
    ]


def refit(profile: str, *, count: int = 48, seed: int = 1, workers: int = 2) -> Coefficients:
    """Fit the estimate's coefficients for `profile` on a fresh corpus and store them."""
    shape = Profile.load(profile)
    runs = slice_corpus(generate(count, seed=seed), profile=profile, workers=workers)
    coefficients = fit(observations(runs, shape), shape)
    coefficients.save(profile)
    return coefficients


@dataclass(frozen=True)
class Error:
    name: str
    grams_error: float
    time_error: float


def errors(runs: Iterable[Run], profile: str) -> list[Error]:
    """Relative errors of the instant estimate against the slicer, per model."""
    shape = Profile.load(profile)
    coefficients = Coefficients.load(profile)
    out = []
    for r in runs:
        e = estimate(Geometry.of(r.sample.mesh), r.settings, shape, coefficients)
        out.append(
            Error(
                name=r.sample.name,
                grams_error=e.grams / r.result.grams - 1,
                time_error=e.seconds / r.result.seconds - 1,
            )
        )
    return out
