"""Figure: the instant estimate's median absolute error against PrusaSlicer on a held-out corpus
(solids, shells, holes, overhangs, thin parts, small and large) it was not fitted on.

The stored coefficients (fitted on seed 1 by `saram refit_print_estimate`) are tested on models
from another seed, each sliced by the real PrusaSlicer. The baseline is the error of the naive
estimate a quote might otherwise use: solid volume × infill share × density, and time from
that volume at a fixed volumetric rate fitted on the same training data.

    PYTHONPATH=src .venv/bin/python bench/estimate_accuracy.py [--models 24] [--profile fdm-mk3]

Two RESULT lines: material (target 5 %) and time (target 10 %).
"""

from __future__ import annotations

import argparse

import numpy as np

from saram.making.engine import calibrate, corpus
from saram.making.engine.mesh import Geometry


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1001)
    parser.add_argument("--profile", default="fdm-mk3")
    args = parser.parse_args()
    held_out = calibrate.slice_corpus(
        corpus.generate(args.models, seed=args.seed), profile=args.profile
    )
    errors = calibrate.errors(held_out, args.profile)
    # Naive baseline: volume × (infill share + a fixed shell share); time from grams at a rate
    # fitted (median) on a small training corpus.
    train = calibrate.slice_corpus(corpus.generate(12, seed=1), profile=args.profile)

    def naive_volume(run: calibrate.Run) -> float:
        v = abs(Geometry.of(run.sample.mesh).signed_volume)
        return v * (0.3 + 0.7 * run.settings.infill_percent / 100)

    rate = float(np.median([r.result.seconds / naive_volume(r) for r in train]))
    share = float(np.median([r.result.filament_cm3 * 1000 / naive_volume(r) for r in train]))
    naive_g = [abs(naive_volume(r) * share / (r.result.filament_cm3 * 1000) - 1) for r in held_out]
    naive_t = [abs(naive_volume(r) * rate / r.result.seconds - 1) for r in held_out]

    print(f"{'model':22s} {'grams':>8s} {'slicer':>8s} {'err':>7s} {'time':>7s} {'err':>7s}")
    for e, r in zip(errors, held_out, strict=True):
        print(
            f"{e.name:22s} {r.result.grams:8.1f} {r.result.grams * (1 + e.grams_error):8.1f} "
            f"{e.grams_error:+7.1%} {r.result.seconds / 60:6.0f}m {e.time_error:+7.1%}"
        )
    g = np.array([abs(e.grams_error) for e in errors])
    t = np.array([abs(e.time_error) for e in errors])
    worst_g, worst_t = errors[int(g.argmax())], errors[int(t.argmax())]
    print(
        f"worst material: {worst_g.name} {worst_g.grams_error:+.1%}; "
        f"worst time: {worst_t.name} {worst_t.time_error:+.1%}"
    )
    mg, mt = float(np.median(g)) * 100, float(np.median(t)) * 100
    bg, bt = float(np.median(naive_g)) * 100, float(np.median(naive_t)) * 100
    print(
        f"RESULT estimate_material_error {mg:.2f} % baseline={bg:.2f} ratio={mg / bg:.4f} "
        f"target=5 worst={abs(worst_g.grams_error) * 100:.1f}"
    )
    print(
        f"RESULT estimate_time_error {mt:.2f} % baseline={bt:.2f} ratio={mt / bt:.4f} "
        f"target=10 worst={abs(worst_t.time_error) * 100:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
