"""The instant estimate against the real slicer, on models it was not fitted on."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from saram.making.engine import calibrate, corpus
from saram.making.engine.estimate import Coefficients, Profile, estimate, layers_of
from saram.making.engine.mesh import Geometry
from saram.making.engine.slicer import SliceSettings


def test_layers_of_a_box_have_its_cross_section() -> None:
    box = trimesh.creation.box((20, 10, 6))
    layers = layers_of(
        Geometry.of(box), SliceSettings(layer_height_mm=0.2), Profile.load("fdm-mk3")
    )
    assert layers.count == 30
    total = layers.perimeter_mm2 + layers.solid_mm2 + layers.infill_mm2 / 0.2
    assert total == pytest.approx(np.full(30, 200.0), rel=1e-6)
    # Bottom and top layers are solid, the middle is sparse.
    assert layers.solid_mm2[0] > 0 and layers.solid_mm2[-1] > 0
    assert layers.solid_mm2[15] == 0


def test_more_infill_costs_more_material_and_time() -> None:
    geo = Geometry.of(trimesh.creation.box((40, 40, 40)))
    profile, c = Profile.load("fdm-mk3"), Coefficients.load("fdm-mk3")
    low = estimate(geo, SliceSettings(infill_percent=10), profile, c)
    high = estimate(geo, SliceSettings(infill_percent=50), profile, c)
    assert high.grams > low.grams * 1.3
    assert high.seconds > low.seconds


def test_coefficients_are_stored_fitted_data() -> None:
    assert Coefficients.load("fdm-mk3").fitted_on >= 20


def test_estimate_is_close_to_prusaslicer_on_models_not_fitted_on() -> None:
    # The stored coefficients were fitted on seed 1; these come from another seed.
    runs = calibrate.slice_corpus(corpus.generate(6, seed=4242, max_size_mm=40), profile="fdm-mk3")
    errors = calibrate.errors(runs, "fdm-mk3")
    grams = np.median([abs(e.grams_error) for e in errors])
    time = np.median([abs(e.time_error) for e in errors])
    assert grams <= 0.10, errors
    assert time <= 0.15, errors
