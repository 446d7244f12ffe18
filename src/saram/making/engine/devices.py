"""Parametric assistive devices that Saram designs itself: sizes in, a printable solid out.

Each design has named parameters in millimetres with a range; `make` refuses a value outside
it with a reason code and returns a watertight mesh (trimesh primitives, manifold booleans).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import trimesh
from shapely.geometry import Polygon


class DeviceReason(StrEnum):
    UNKNOWN_DESIGN = "device_unknown_design"
    OUT_OF_RANGE = "device_out_of_range"


class DeviceRefused(Exception):
    def __init__(self, reason: DeviceReason, **params: object) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class Parameter:
    key: str
    default: float
    low: float
    high: float


@dataclass(frozen=True)
class Design:
    key: str
    parameters: tuple[Parameter, ...]
    build: Callable[[Mapping[str, float]], trimesh.Trimesh]


def _grip_aid(p: Mapping[str, float]) -> trimesh.Trimesh:
    # A thick handle with a bore that a spoon, fork or pen slides into.
    handle = trimesh.creation.cylinder(
        radius=p["handle_diameter"] / 2, height=p["length"], sections=64
    )
    bore = trimesh.creation.cylinder(
        radius=p["bore_diameter"] / 2, height=p["length"] + 2, sections=32
    )
    return handle.difference(bore)


def _button_hook(p: Mapping[str, float]) -> trimesh.Trimesh:
    handle = trimesh.creation.cylinder(
        radius=p["handle_diameter"] / 2, height=p["length"], sections=48
    )
    shaft = trimesh.creation.box([4.0, 4.0, 40.0])
    shaft.apply_translation([0, 0, p["length"] / 2 + 20 - 1])
    loop = trimesh.creation.annulus(
        r_min=p["loop_width"] / 2, r_max=p["loop_width"] / 2 + 2.5, height=4
    )
    loop.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))
    loop.apply_translation([0, 0, p["length"] / 2 + 40 + p["loop_width"] / 2])
    return trimesh.boolean.union([handle, shaft, loop])


def _key_turner(p: Mapping[str, float]) -> trimesh.Trimesh:
    # A broad paddle with a slot the key's bow sits in: turned with the whole hand.
    paddle = trimesh.creation.box([p["width"], 14.0, p["length"]])
    slot = trimesh.creation.box([p["key_width"], 3.0, 22.0])
    slot.apply_translation([0, 0, p["length"] / 2 - 10])
    return paddle.difference(slot)


def _cup_holder(p: Mapping[str, float]) -> trimesh.Trimesh:
    inner = p["cup_diameter"] / 2
    ring = trimesh.creation.annulus(r_min=inner, r_max=inner + 4, height=25)
    handle = trimesh.creation.box([p["handle_length"], 14.0, 25.0])
    handle.apply_translation([inner + 2 + p["handle_length"] / 2, 0, 0])
    return trimesh.boolean.union([ring, handle])


def _tablet_stand(p: Mapping[str, float]) -> trimesh.Trimesh:
    # A wedge leaning the tablet back by `angle`, with a lip slot as deep as the tablet.
    width, depth = p["width"], 80.0
    height = depth * np.tan(np.radians(p["angle"]))
    profile = np.array([[0, 0], [depth, 0], [depth, height], [depth - 12, height]])

    wedge = trimesh.creation.extrude_polygon(Polygon(profile), width)
    slot = trimesh.creation.box([p["tablet_thickness"], 30.0, width + 2])
    slot.apply_translation([14, 8 + 15, width / 2])
    lip = trimesh.creation.box([14 + p["tablet_thickness"] + 6, 16.0, width])
    lip.apply_translation([(14 + p["tablet_thickness"] + 6) / 2, 8, width / 2])
    return trimesh.boolean.union([wedge, lip]).difference(slot)


DESIGNS: dict[str, Design] = {
    "grip_aid": Design(
        "grip_aid",
        (
            Parameter("handle_diameter", 32, 20, 50),
            Parameter("length", 100, 60, 140),
            Parameter("bore_diameter", 9, 5, 14),
        ),
        _grip_aid,
    ),
    "button_hook": Design(
        "button_hook",
        (
            Parameter("handle_diameter", 28, 18, 45),
            Parameter("length", 90, 60, 130),
            Parameter("loop_width", 10, 6, 16),
        ),
        _button_hook,
    ),
    "key_turner": Design(
        "key_turner",
        (
            Parameter("width", 60, 40, 90),
            Parameter("length", 80, 50, 120),
            Parameter("key_width", 25, 15, 35),
        ),
        _key_turner,
    ),
    "cup_holder": Design(
        "cup_holder",
        (Parameter("cup_diameter", 75, 55, 100), Parameter("handle_length", 60, 40, 100)),
        _cup_holder,
    ),
    "tablet_stand": Design(
        "tablet_stand",
        (
            Parameter("width", 120, 80, 180),
            Parameter("angle", 55, 30, 70),
            Parameter("tablet_thickness", 10, 6, 16),
        ),
        _tablet_stand,
    ),
}


def make(design: str, params: Mapping[str, float]) -> trimesh.Trimesh:
    """The device's solid for these sizes (missing ones take the default)."""
    found = DESIGNS.get(design)
    if found is None:
        raise DeviceRefused(DeviceReason.UNKNOWN_DESIGN, design=design[:40])
    values: dict[str, float] = {}
    for p in found.parameters:
        value = float(params.get(p.key, p.default))
        if not (p.low <= value <= p.high) or not np.isfinite(value):
            raise DeviceRefused(DeviceReason.OUT_OF_RANGE, key=p.key, low=p.low, high=p.high)
        values[p.key] = value
    mesh = found.build(values)
    mesh.apply_translation(-mesh.bounds[0])
    return mesh
