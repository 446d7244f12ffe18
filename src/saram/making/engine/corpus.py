"""Varied generated models to calibrate and test the instant estimate against the real slicer.

Solids, shells, holes, overhangs, thin parts, small and large: each drawn from a seeded random
generator, so a corpus is reproducible and a held-out corpus is simply another seed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import trimesh


@dataclass(frozen=True)
class Sample:
    name: str
    mesh: trimesh.Trimesh
    layer_height_mm: float
    infill_percent: int


def _box(rng: np.random.Generator, s: float) -> trimesh.Trimesh:
    return trimesh.creation.box(rng.uniform(0.4, 1.0, 3) * s)


def _cylinder(rng: np.random.Generator, s: float) -> trimesh.Trimesh:
    return trimesh.creation.cylinder(
        radius=rng.uniform(0.2, 0.5) * s, height=rng.uniform(0.3, 1) * s
    )


def _sphere(rng: np.random.Generator, s: float) -> trimesh.Trimesh:
    return trimesh.creation.icosphere(subdivisions=3, radius=s * rng.uniform(0.3, 0.5))


def _tube(rng: np.random.Generator, s: float) -> trimesh.Trimesh:
    r = rng.uniform(0.2, 0.5) * s
    wall = rng.uniform(1.2, 4.0)
    return trimesh.creation.annulus(r_min=r - wall, r_max=r, height=rng.uniform(0.3, 1) * s)


def _cup(rng: np.random.Generator, s: float) -> trimesh.Trimesh:
    r = rng.uniform(0.25, 0.5) * s
    h = rng.uniform(0.4, 1) * s
    outer = trimesh.creation.cylinder(radius=r, height=h)
    inner = trimesh.creation.cylinder(radius=r - rng.uniform(1.5, 3.0), height=h)
    inner.apply_translation([0, 0, 2.0])
    return outer.difference(inner)


def _plate_with_holes(rng: np.random.Generator, s: float) -> trimesh.Trimesh:
    plate = trimesh.creation.box([s, s * rng.uniform(0.5, 1), rng.uniform(2, 6)])
    holes = []
    for _ in range(int(rng.integers(2, 7))):
        hole = trimesh.creation.cylinder(radius=rng.uniform(0.03, 0.1) * s, height=20)
        hole.apply_translation([rng.uniform(-0.3, 0.3) * s, rng.uniform(-0.2, 0.2) * s, 0])
        holes.append(hole)
    return plate.difference(trimesh.boolean.union(holes))


def _bracket(rng: np.random.Generator, s: float) -> trimesh.Trimesh:
    # An L with a cantilever: an overhang the slicer bridges or supports.
    t = rng.uniform(3, 8)
    upright = trimesh.creation.box([t, s * 0.6, s])
    arm = trimesh.creation.box([s * 0.7, s * 0.6, t])
    upright.apply_translation([0, 0, s / 2])
    arm.apply_translation([s * 0.35, 0, s - t / 2])
    return trimesh.boolean.union([upright, arm])


def _arch(rng: np.random.Generator, s: float) -> trimesh.Trimesh:
    block = trimesh.creation.box([s, s * rng.uniform(0.3, 0.6), s * rng.uniform(0.5, 0.8)])
    cut = trimesh.creation.cylinder(radius=s * 0.3, height=s * 2)
    cut.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))
    cut.apply_translation([0, 0, -block.extents[2] / 2])
    return block.difference(cut)


def _thin_fin(rng: np.random.Generator, s: float) -> trimesh.Trimesh:
    base = trimesh.creation.box([s, s * 0.5, 3])
    fin = trimesh.creation.box([s * 0.9, rng.uniform(0.8, 1.6), s * 0.6])
    fin.apply_translation([0, 0, s * 0.3])
    return trimesh.boolean.union([base, fin])


def _cone(rng: np.random.Generator, s: float) -> trimesh.Trimesh:
    return trimesh.creation.cone(radius=rng.uniform(0.25, 0.5) * s, height=rng.uniform(0.4, 1) * s)


def _torus(rng: np.random.Generator, s: float) -> trimesh.Trimesh:
    major = rng.uniform(0.25, 0.4) * s
    return trimesh.creation.torus(major, major * rng.uniform(0.2, 0.45))


def _stack(rng: np.random.Generator, s: float) -> trimesh.Trimesh:
    # Steps: many small islands of different area per height.
    parts = []
    z = 0.0
    for i in range(int(rng.integers(2, 5))):
        h = rng.uniform(0.1, 0.3) * s
        b = trimesh.creation.box([s * (1 - 0.2 * i), s * (1 - 0.2 * i), h])
        b.apply_translation([0, 0, z + h / 2])
        parts.append(b)
        z += h
    return trimesh.boolean.union(parts)


SHAPES: dict[str, Callable[[np.random.Generator, float], trimesh.Trimesh]] = {
    "box": _box,
    "cylinder": _cylinder,
    "sphere": _sphere,
    "tube": _tube,
    "cup": _cup,
    "plate_with_holes": _plate_with_holes,
    "bracket": _bracket,
    "arch": _arch,
    "thin_fin": _thin_fin,
    "cone": _cone,
    "torus": _torus,
    "stack": _stack,
}


def generate(
    count: int,
    *,
    seed: int,
    max_size_mm: float = 150.0,
    layer_heights: tuple[float, ...] = (0.15, 0.2, 0.3),
    infills: tuple[int, ...] = (10, 20, 40),
) -> Iterator[Sample]:
    """`count` models cycling through every shape, sizes from 10 mm to `max_size_mm`."""
    rng = np.random.default_rng(seed)
    names = list(SHAPES)
    for i in range(count):
        shape = names[(i + seed) % len(names)]
        size = float(np.exp(rng.uniform(np.log(12.0), np.log(max_size_mm))))
        mesh = SHAPES[shape](rng, size)
        mesh.apply_translation(-mesh.bounds[0])
        yield Sample(
            name=f"{shape}-{i}",
            mesh=mesh,
            layer_height_mm=float(rng.choice(layer_heights)),
            infill_percent=int(rng.choice(infills)),
        )
