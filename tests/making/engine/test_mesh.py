"""Reading and checking models: generated meshes whose properties are known."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import trimesh

from saram.making.engine.mesh import (
    BuildVolume,
    MeshRefused,
    Reason,
    check_mesh,
    orient,
    read_mesh,
    repair_mesh,
)

MK3 = BuildVolume("mk3", 250, 210, 210)


def _write(tmp_path: Path, mesh: trimesh.Trimesh, name: str) -> Path:
    path = tmp_path / name
    if name.endswith(".3mf"):
        path.write_bytes(write_3mf(mesh))
    else:
        mesh.export(path)
    return path


def write_3mf(mesh: trimesh.Trimesh) -> bytes:
    vertices = "".join(f'<vertex x="{x}" y="{y}" z="{z}"/>' for x, y, z in mesh.vertices)
    triangles = "".join(f'<triangle v1="{a}" v2="{b}" v3="{c}"/>' for a, b, c in mesh.faces)
    model = (
        '<?xml version="1.0" encoding="UTF-8"?><model unit="millimeter" '
        'xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02"><resources>'
        f'<object id="1" type="model"><mesh><vertices>{vertices}</vertices>'
        f"<triangles>{triangles}</triangles></mesh></object></resources>"
        '<build><item objectid="1"/></build></model>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("3D/3dmodel.model", model)
    return buffer.getvalue()


def test_cube_measures_exactly(tmp_path: Path) -> None:
    mesh = read_mesh(_write(tmp_path, trimesh.creation.box((20, 30, 40)), "cube.stl"))
    report = check_mesh(mesh, volumes=[MK3])
    assert report.triangles == 12
    assert report.size_mm == pytest.approx((20, 30, 40))
    assert report.volume_mm3 == pytest.approx(24_000)
    assert report.area_mm2 == pytest.approx(2 * (600 + 800 + 1200))
    assert report.is_watertight and report.is_manifold
    assert report.parts == 1
    assert report.findings == ()
    assert report.fits == ("mk3",)


@pytest.mark.parametrize("name", ["m.stl", "m.obj", "m.3mf"])
def test_every_format_reads_the_same_solid(tmp_path: Path, name: str) -> None:
    sphere = trimesh.creation.icosphere(subdivisions=2, radius=10)
    mesh = read_mesh(_write(tmp_path, sphere, name))
    assert len(mesh.faces) == len(sphere.faces)
    assert mesh.volume == pytest.approx(sphere.volume, rel=1e-5)


def test_ascii_stl(tmp_path: Path) -> None:
    path = tmp_path / "a.stl"
    path.write_bytes(
        trimesh.exchange.stl.export_stl_ascii(trimesh.creation.box((5, 5, 5))).encode()
    )
    assert check_mesh(read_mesh(path)).volume_mm3 == pytest.approx(125)


CUBE_VERTICES = (
    "v 0 0 0\nv 10 0 0\nv 10 10 0\nv 0 10 0\nv 0 0 10\nv 10 0 10\nv 10 10 10\nv 0 10 10\n"
)


def test_obj_quads_with_texture_and_normal_indices_make_a_closed_cube(tmp_path: Path) -> None:
    path = tmp_path / "cube.obj"
    path.write_text(
        "# exported by a modeller\n"
        + CUBE_VERTICES
        + "vt 0 0\nvn 0 0 1\n"
        + "f 1/1/1 4/1/1 3/1/1 2/1/1\nf 5 6 7 8\nf 1 2 6 5\r\n"
        + "f 2//1 3//1 7//1\t6//1\nf  3 4 8 7  \nf 4/1 1/1 5/1 8/1"
    )
    report = check_mesh(read_mesh(path))
    assert report.triangles == 12
    assert report.volume_mm3 == pytest.approx(1000)
    assert report.is_watertight and report.findings == ()


def test_obj_negative_indices_count_back_from_the_last_vertex(tmp_path: Path) -> None:
    path = tmp_path / "tetra.obj"
    path.write_text(
        "v 0 0 0\nv 10 0 0\nv 0 10 0\nv 0 0 10\nf -4 -2 -3\nf -4 -3 -1\nf -3 -2 -1\nf -4 -1 -2\n"
    )
    report = check_mesh(read_mesh(path))
    assert report.volume_mm3 == pytest.approx(1000 / 6)
    assert report.is_watertight


def test_obj_vertex_colours_after_the_coordinates_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "tetra.obj"
    path.write_text(
        "v 0 0 0 1 0 0\nv 10 0 0 1 0 0\nv 0 10 0 0 1 0\nv 0 0 10 0 0 1\n"
        "f 1 3 2\nf 1 2 4\nf 2 3 4\nf 1 4 3\n"
    )
    assert check_mesh(read_mesh(path)).volume_mm3 == pytest.approx(1000 / 6)


@pytest.mark.parametrize("faces", ["f 1 2 x\n", "f 1 2 3.5\n", "f 1 2 0\n", "f 1 2 9\n", "f 1 2\n"])
def test_obj_with_a_bad_face_is_not_a_mesh(tmp_path: Path, faces: str) -> None:
    path = tmp_path / "bad.obj"
    path.write_text(CUBE_VERTICES + faces)
    with pytest.raises(MeshRefused) as refused:
        read_mesh(path)
    assert refused.value.reason == Reason.NOT_A_MESH


def test_obj_reader_agrees_with_the_line_by_line_reader(tmp_path: Path) -> None:
    from saram.making.engine.mesh import _read_obj, _read_obj_lines

    path = _write(tmp_path, trimesh.creation.torus(30, 8, 64, 32), "torus.obj")
    fast, slow = _read_obj(path, 10**6), _read_obj_lines(path, 10**6)
    assert np.array_equal(fast.faces, slow.faces)
    assert np.array_equal(fast.vertices, slow.vertices)


def test_large_mesh_orientation_on_a_sample_matches_the_whole(tmp_path: Path) -> None:
    from saram.making.engine import mesh as engine

    cone = trimesh.creation.cone(20, 40, sections=4000)
    cone.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))
    cone = cone.subdivide().subdivide()
    assert len(cone.faces) > engine.ORIENT_SAMPLE
    down, overhang = engine.suggest_orientation(cone)
    # The wide base down (the cone was turned to lie along y); the overhang measured on all.
    assert abs(down[1]) == pytest.approx(1.0, abs=1e-6)
    geo = engine.Geometry.of(cone)
    exact, _ = engine._overhangs(geo, None, np.array([down]), float(np.cos(np.radians(45))))
    assert overhang == pytest.approx(float(exact[0]))


def test_open_mesh_is_not_watertight_and_repair_closes_it(tmp_path: Path) -> None:
    box = trimesh.creation.box((10, 10, 10))
    box.update_faces(np.arange(len(box.faces)) != 0)  # one triangle missing
    report = check_mesh(box)
    assert Reason.NOT_WATERTIGHT in report.reasons
    assert not report.is_printable
    repaired = repair_mesh(box)
    assert Reason.NOT_WATERTIGHT in repaired.before.reasons
    assert repaired.after.is_watertight
    assert "fill_holes" in repaired.actions
    assert repaired.after.volume_mm3 == pytest.approx(1000)


def test_inverted_normals_are_found_and_fixed() -> None:
    box = trimesh.creation.box((10, 10, 10))
    box.invert()
    assert Reason.INVERTED_NORMALS in check_mesh(box).reasons
    repaired = repair_mesh(box)
    assert Reason.INVERTED_NORMALS not in repaired.after.reasons
    assert "fix_normals" in repaired.actions


def test_loose_parts_are_counted() -> None:
    a = trimesh.creation.box((10, 10, 10))
    b = trimesh.creation.box((10, 10, 10))
    b.apply_translation([30, 0, 0])
    report = check_mesh(trimesh.util.concatenate([a, b]))
    assert report.parts == 2
    assert Reason.LOOSE_PARTS in report.reasons


def test_loose_parts_read_from_a_file_with_faces_interleaved(tmp_path: Path) -> None:
    parts = [trimesh.creation.icosphere(subdivisions=2, radius=5) for _ in range(3)]
    for i, part in enumerate(parts):
        part.apply_translation([20 * i, 0, 0])
    joined = trimesh.util.concatenate(parts)
    # The three spheres' faces shuffled together: parts are found by shared corners, not order.
    shuffled = trimesh.Trimesh(
        joined.vertices, joined.faces[np.random.default_rng(1).permutation(len(joined.faces))]
    )
    mesh = read_mesh(_write(tmp_path, shuffled, "three.stl"))
    report = check_mesh(mesh)
    assert report.parts == 3
    assert report.volume_mm3 == pytest.approx(3 * parts[0].volume, rel=1e-5)
    # Vertices are numbered in the order the faces first use them, each exactly once.
    corners = np.asarray(mesh.faces).reshape(-1)
    _, first_use = np.unique(corners, return_index=True)
    assert (np.diff(first_use) > 0).all()
    assert len(mesh.vertices) == len(np.unique(np.asarray(mesh.vertices), axis=0))


def test_thin_wall_is_found_and_thick_wall_is_not() -> None:
    thin = trimesh.creation.box((40, 0.25, 20))
    thick = trimesh.creation.box((40, 5, 20))
    assert Reason.THIN_WALLS in check_mesh(thin, nozzle_mm=0.4).reasons
    assert Reason.THIN_WALLS not in check_mesh(thick, nozzle_mm=0.4).reasons


def test_too_big_for_every_machine_names_the_biggest_volume() -> None:
    report = check_mesh(trimesh.creation.box((300, 20, 20)), volumes=[MK3])
    (finding,) = [f for f in report.findings if f.reason == Reason.FITS_NO_MACHINE]
    assert finding.params["volume"] == "250 × 210 × 210"
    assert not report.is_printable


def test_a_model_that_fits_only_lying_down_fits() -> None:
    # 220 mm tall does not fit 210 mm height, but lying down along X it does.
    report = check_mesh(trimesh.creation.box((20, 20, 220)), volumes=[MK3])
    assert report.fits == ("mk3",)


def test_orientation_puts_the_wide_face_of_a_cone_down() -> None:
    cone = trimesh.creation.cone(radius=20, height=30)
    cone.apply_transform(trimesh.transformations.rotation_matrix(np.pi, [1, 0, 0]))  # point down
    report = check_mesh(cone)
    assert report.down == pytest.approx((0, 0, 1), abs=1e-6)  # its base, now on top, goes down
    turned = orient(cone, report.down)
    assert check_mesh(turned).overhang_mm2 == pytest.approx(0, abs=1e-6)


def test_a_file_that_is_not_a_mesh_is_refused(tmp_path: Path) -> None:
    for name, data in [("x.stl", b"hello world, not a mesh at all"), ("x.obj", b"# nothing\n")]:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(MeshRefused) as caught:
            read_mesh(path)
        assert caught.value.reason == Reason.NOT_A_MESH


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.exe"
    path.write_bytes(b"MZ")
    with pytest.raises(MeshRefused) as caught:
        read_mesh(path)
    assert caught.value.reason == Reason.UNSUPPORTED_FORMAT


def _binary_stl(triangles: np.ndarray) -> bytes:
    records = np.zeros(len(triangles), dtype=[("n", "<f4", 3), ("v", "<f4", (3, 3)), ("a", "<u2")])
    records["v"] = triangles
    return b"\0" * 80 + struct.pack("<I", len(triangles)) + records.tobytes()


def test_nan_and_infinite_coordinates_are_refused(tmp_path: Path) -> None:
    for bad in (np.nan, np.inf):
        tris = np.array([[[0, 0, 0], [1, 0, 0], [0, 1, bad]]], dtype=np.float32)
        path = tmp_path / "bad.stl"
        path.write_bytes(_binary_stl(tris))
        with pytest.raises(MeshRefused) as caught:
            read_mesh(path)
        assert caught.value.reason == Reason.NON_FINITE


def test_empty_and_degenerate_meshes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.stl"
    path.write_bytes(_binary_stl(np.zeros((0, 3, 3), dtype=np.float32)))
    with pytest.raises(MeshRefused) as caught:
        read_mesh(path)
    assert caught.value.reason == Reason.EMPTY
    flat = np.array([[[0, 0, 0], [1, 1, 1], [2, 2, 2]]] * 3, dtype=np.float32)  # all collinear
    path.write_bytes(_binary_stl(flat))
    with pytest.raises(MeshRefused) as caught:
        read_mesh(path)
    assert caught.value.reason in (Reason.DEGENERATE, Reason.EMPTY)


def test_fifty_million_triangles_are_refused_from_the_header(tmp_path: Path) -> None:
    # A sparse file of the right length: 2.5 GB on paper, nothing on disk, nothing in memory.
    count = 50_000_000
    path = tmp_path / "huge.stl"
    with path.open("wb") as f:
        f.write(b"\0" * 80 + struct.pack("<I", count))
        f.truncate(84 + 50 * count)
    start = time.perf_counter()
    with pytest.raises(MeshRefused) as caught:
        read_mesh(path)
    assert caught.value.reason == Reason.TOO_MANY_TRIANGLES
    assert caught.value.params["count"] == count
    assert time.perf_counter() - start < 1.0


def test_ascii_with_too_many_facets_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.stl"
    facet = (
        b"facet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\n"
        b"endloop\nendfacet\n"
    )
    path.write_bytes(b"solid x\n" + facet * 101 + b"endsolid x\n")
    with pytest.raises(MeshRefused) as caught:
        read_mesh(path, max_triangles=100)
    assert caught.value.reason == Reason.TOO_MANY_TRIANGLES


def _zip(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "m.3mf"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("name", ["../evil.model", "/etc/passwd", "3D\\..\\x.model", "C:/x.model"])
def test_3mf_with_a_path_traversal_name_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(MeshRefused) as caught:
        read_mesh(_zip(tmp_path, {name: b"<model/>"}))
    assert caught.value.reason == Reason.ARCHIVE_UNSAFE_NAME


def test_3mf_zip_bomb_is_refused_without_unpacking(tmp_path: Path) -> None:
    path = tmp_path / "bomb.3mf"
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z,
        z.open("3D/3dmodel.model", "w", force_zip64=True) as member,
    ):
        for _ in range(16):  # 16 MB of zeros, a few kB packed: a ratio no model has
            member.write(b"\0" * (1 << 20))
    start = time.perf_counter()
    with pytest.raises(MeshRefused) as caught:
        read_mesh(path)
    assert caught.value.reason == Reason.ARCHIVE_TOO_LARGE
    assert time.perf_counter() - start < 2.0


def test_3mf_with_entities_is_refused(tmp_path: Path) -> None:
    laughs = b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><model>&a;</model>'
    with pytest.raises(MeshRefused) as caught:
        read_mesh(_zip(tmp_path, {"3D/3dmodel.model": laughs}))
    assert caught.value.reason == Reason.NOT_A_MESH


def test_3mf_build_item_transform_is_applied(tmp_path: Path) -> None:
    model = b"""<?xml version="1.0" encoding="UTF-8"?>
<model unit="millimeter" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">
<resources><object id="1" type="model"><mesh><vertices>
<vertex x="0" y="0" z="0"/><vertex x="10" y="0" z="0"/>
<vertex x="0" y="10" z="0"/><vertex x="0" y="0" z="10"/>
</vertices><triangles>
<triangle v1="0" v2="2" v3="1"/><triangle v1="0" v2="1" v3="3"/>
<triangle v1="0" v2="3" v3="2"/><triangle v1="1" v2="2" v3="3"/>
</triangles></mesh></object></resources>
<build><item objectid="1" transform="2 0 0 0 2 0 0 0 2 100 0 0"/></build></model>"""
    mesh = read_mesh(_zip(tmp_path, {"3D/3dmodel.model": model}))
    assert mesh.bounds[0][0] == pytest.approx(100)
    assert mesh.extents == pytest.approx([20, 20, 20])
    assert check_mesh(mesh).volume_mm3 == pytest.approx(8 * 1000 / 6)


def test_garbage_zip_is_not_a_mesh(tmp_path: Path) -> None:
    path = tmp_path / "x.3mf"
    path.write_bytes(io.BytesIO(b"PK\x03\x04 broken").getvalue())
    with pytest.raises(MeshRefused) as caught:
        read_mesh(path)
    assert caught.value.reason == Reason.NOT_A_MESH
