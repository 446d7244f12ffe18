"""The instant estimate: grams and print time from the mesh and the settings, without slicing.

The mesh is cut into layers analytically (no slicing): for each layer its cross-section area
(by the divergence theorem, from the faces' projected areas below it) and its perimeter (the side
area in the layer's slab over the layer height). Each layer then gets perimeter, solid-skin and
sparse-infill path lengths, a time that is never below the printer's minimum layer time, and a
volume of material. Coefficients that turn these into the slicer's figures are fitted against
real PrusaSlicer runs on a generated corpus and kept as data per printer profile.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from .mesh import Geometry
from .slicer import PROFILES, SliceSettings, profile_path

COEFFICIENTS = PROFILES / "estimate"


@dataclass(frozen=True)
class Profile:
    """The printer settings the layer model needs, read from the slicer profile."""

    nozzle_mm: float
    top_layers: int
    bottom_layers: int
    min_layer_s: float
    min_speed_mm_s: float = 15.0

    @property
    def width_mm(self) -> float:
        # PrusaSlicer's automatic extrusion width is 1.125 × the nozzle.
        return 1.125 * self.nozzle_mm

    @classmethod
    def load(cls, key: str) -> Profile:
        values: dict[str, str] = {}
        for line in profile_path(key).read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                name, _, value = line.partition("=")
                values[name.strip()] = value.strip()
        return cls(
            nozzle_mm=float(values.get("nozzle_diameter", "0.4").split(",")[0]),
            top_layers=int(values.get("top_solid_layers", "3")),
            bottom_layers=int(values.get("bottom_solid_layers", "3")),
            min_layer_s=float(values.get("slowdown_below_layer_time", "5")),
            min_speed_mm_s=float(values.get("min_print_speed", "10")),
        )


@dataclass(frozen=True)
class Coefficients:
    """Fitted per profile: material (mm³ of filament) and time (s) per unit of each feature."""

    perimeter_mm3: float = 1.0
    solid_mm3: float = 1.0
    infill_mm3: float = 1.0
    base_mm3: float = 0.0
    perimeter_s_per_mm: float = 1 / 30
    solid_s_per_mm: float = 1 / 60
    infill_s_per_mm: float = 1 / 80
    layer_s: float = 1.0
    base_s: float = 60.0
    fitted_on: int = 0

    @classmethod
    def load(cls, key: str) -> Coefficients:
        path = COEFFICIENTS / f"{key}.json"
        if not path.is_file():
            return cls()
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def save(self, key: str) -> Path:
        COEFFICIENTS.mkdir(parents=True, exist_ok=True)
        path = COEFFICIENTS / f"{key}.json"
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        return path


@dataclass(frozen=True)
class Estimate:
    grams: float
    seconds: int
    filament_mm3: float


@dataclass(frozen=True)
class Layers:
    """Per-layer path lengths (mm) and extruded areas (mm²) for one mesh and setting."""

    perimeter_mm: NDArray[np.float64]
    solid_mm: NDArray[np.float64]
    infill_mm: NDArray[np.float64]
    perimeter_mm2: NDArray[np.float64]
    solid_mm2: NDArray[np.float64]
    infill_mm2: NDArray[np.float64]
    layer_height_mm: float
    footprint_mm: float  # x + y extent: the skirt's share

    @property
    def count(self) -> int:
        return len(self.perimeter_mm)


def _cumulative(
    tri_z: NDArray[np.float64], values: NDArray[np.float64], step: float, points: int
) -> NDArray[np.float64]:
    """Σ over faces of the part of each column of `values` lying below each grid height j·step
    (j < points), one row per grid point.

    Exact for a value spread evenly over each triangle's area: the area of a triangle below a
    height is quadratic in it, piecewise between its three vertex heights. Sums are bincounts
    (np.add.at is many times slower), and the faces' spans are worked out once for all columns.
    """
    za, zb, zc = tri_z[:, 0], tri_z[:, 1], tri_z[:, 2]
    z0 = np.minimum(np.minimum(za, zb), zc)
    z2 = np.maximum(np.maximum(za, zb), zc)
    z1 = za + zb + zc - z0 - z2
    size = points + 1
    # Whole faces below a grid point: add at the first grid index at or above the top vertex.
    j_hi = np.minimum(np.ceil(z2 / step - 1e-9).astype(np.int64), points)
    j_lo = np.minimum(np.floor(z0 / step + 1e-9).astype(np.int64) + 1, points)
    spans = np.maximum(j_hi - j_lo, 0)
    total_spans = int(spans.sum())
    if total_spans:
        face = np.repeat(np.arange(len(z0)), spans)
        start = np.cumsum(spans) - spans
        j = j_lo[face] + (np.arange(total_spans) - start[face])
        g = j * step
        a0, a1, a2 = z0[face], z1[face], z2[face]
        total = np.maximum(a2 - a0, 1e-12)
        lower = (g - a0) ** 2 / (np.maximum(a1 - a0, 1e-12) * total)
        upper = 1 - (a2 - g) ** 2 / (np.maximum(a2 - a1, 1e-12) * total)
        share = np.clip(np.where(g <= a1, lower, upper), 0, 1)
    columns = []
    for value in values.T:
        out = np.bincount(j_hi, weights=value, minlength=size)
        if total_spans:
            part = value[face] * share
            # The partial share replaces the whole value until the face is complete.
            out += np.bincount(j, weights=part, minlength=size)[:size]
            out -= np.bincount(j + 1, weights=part, minlength=size + 1)[:size]
        columns.append(np.cumsum(out)[:points])
    return np.stack(columns, axis=1)


def layers_of(geo: Geometry, settings: SliceSettings, profile: Profile) -> Layers:
    """Cut the mesh into layers analytically: per-layer perimeter, skin and infill paths."""
    h = settings.layer_height_mm
    w = profile.width_mm
    z = geo.triangles[:, :, 2] - geo.lower_mm[2]
    height = float(geo.upper_mm[2] - geo.lower_mm[2])
    n = max(int(np.ceil(height / h - 1e-6)), 1)
    nz = geo.normals[:, 2]
    side = geo.areas * np.sqrt(np.clip(1 - nz * nz, 0, 1))
    projected = geo.areas * nz
    # One grid at half layers: even points are layer boundaries, odd ones layer middles.
    below = _cumulative(z, np.stack([side, projected], axis=1), h / 2, 2 * n + 1)
    side_per_layer = np.diff(below[::2, 0])
    area = np.clip(-below[1::2, 1], 0, None)
    perimeter_len = side_per_layer / h
    perims = settings.perimeters
    perimeter_area = np.minimum(perimeter_len * perims * w, area)
    # Skin where the section is exposed within the top or bottom solid layers' reach.
    padded = np.r_[np.zeros(profile.bottom_layers), area, np.zeros(profile.top_layers)]
    window = np.lib.stride_tricks.sliding_window_view(
        padded, profile.bottom_layers + profile.top_layers + 1
    )
    covered = window.min(axis=1)
    core = np.maximum(area - perimeter_area, 0)
    solid_area = np.clip(area - covered, 0, core)
    infill_area = np.maximum(core - solid_area, 0) * settings.infill_percent / 100
    lo, hi = geo.lower_mm, geo.upper_mm
    return Layers(
        perimeter_mm=perimeter_area / w,
        solid_mm=solid_area / w,
        infill_mm=infill_area / w,
        perimeter_mm2=perimeter_area,
        solid_mm2=solid_area,
        infill_mm2=infill_area,
        layer_height_mm=h,
        footprint_mm=float(hi[0] - lo[0] + hi[1] - lo[1]),
    )


def material_features(layers: Layers) -> NDArray[np.float64]:
    h = layers.layer_height_mm
    return np.array(
        [
            layers.perimeter_mm2.sum() * h,
            layers.solid_mm2.sum() * h,
            layers.infill_mm2.sum() * h,
            layers.footprint_mm * h * 0.45,
        ]
    )


def _layer_times(
    layers: Layers, c: Coefficients, profile: Profile, copies: int = 1
) -> NDArray[np.float64]:
    fast = copies * (
        layers.perimeter_mm * c.perimeter_s_per_mm
        + layers.solid_mm * c.solid_s_per_mm
        + layers.infill_mm * c.infill_s_per_mm
        + c.layer_s
    )
    # Cooling slows a short layer to the minimum layer time, but not below the minimum speed.
    path = copies * (layers.perimeter_mm + layers.solid_mm + layers.infill_mm)
    slowest = np.minimum(profile.min_layer_s, path / profile.min_speed_mm_s)
    return np.maximum(fast, slowest)


def estimate(
    geo: Geometry,
    settings: SliceSettings,
    profile: Profile,
    coefficients: Coefficients,
    *,
    copies: int = 1,
) -> Estimate:
    """Grams and seconds for `copies` of the mesh as the slicer would report them."""
    layers = layers_of(geo, settings, profile)
    return _estimate_layers(layers, settings, profile, coefficients, copies=copies)


def _estimate_layers(
    layers: Layers, settings: SliceSettings, profile: Profile, c: Coefficients, *, copies: int = 1
) -> Estimate:
    f = material_features(layers)
    volume = float(
        f[0] * c.perimeter_mm3 + f[1] * c.solid_mm3 + f[2] * c.infill_mm3 + f[3] * c.base_mm3
    )
    seconds = float(_layer_times(layers, c, profile, copies).sum()) + c.base_s
    grams = volume * copies * settings.density_g_cm3 / 1000
    return Estimate(grams=grams, seconds=round(seconds), filament_mm3=volume * copies)


@dataclass(frozen=True)
class Observation:
    """One real slicer run: the layers of the model, its settings and the slicer's figures."""

    layers: Layers
    settings: SliceSettings
    filament_mm3: float
    seconds: float


def fit(observations: Sequence[Observation], profile: Profile) -> Coefficients:
    """Coefficients minimising the relative error against the slicer's own figures."""
    from scipy.optimize import least_squares, nnls  # type: ignore[import-untyped]  # noqa: PLC0415 -- heavy (scipy), only when fitting

    rows = np.array([material_features(o.layers) for o in observations])
    target = np.array([o.filament_mm3 for o in observations])
    # Relative error: each row divided by its target, so small prints count as much as large.
    m, _ = nnls(rows / target[:, None], np.ones(len(target)))

    seconds = np.array([o.seconds for o in observations])

    def residuals(x: NDArray[np.float64]) -> NDArray[np.float64]:
        c = Coefficients(*m, *x, fitted_on=0)  # type: ignore[misc]
        predicted = np.array(
            [_layer_times(o.layers, c, profile).sum() + c.base_s for o in observations]
        )
        return predicted / seconds - 1

    start = np.array([1 / 30, 1 / 60, 1 / 80, 1.0, 60.0])
    result = least_squares(residuals, start, bounds=(0, np.inf), loss="soft_l1", f_scale=0.1)
    return Coefficients(*m, *result.x, fitted_on=len(observations))  # type: ignore[misc]
