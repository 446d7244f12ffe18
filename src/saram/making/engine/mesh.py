"""Reading and checking a citizen's 3D model: refuse what is unsafe, report what will not print.

`read_mesh` refuses a file fast (before parsing) when it is not a mesh, holds too many
triangles, non-finite coordinates, or is an unsafe 3MF archive; `check_mesh` measures a mesh and
lists its problems as reason codes; `repair_mesh` fixes what trimesh can. Plain data in and out;
the app maps each code to a message.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import trimesh
from numpy.typing import NDArray

# Caps a public upload must respect; the app may lower them.
MAX_TRIANGLES = 5_000_000
MAX_3MF_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_3MF_RATIO = 200  # unpacked / packed size of any member: more is a zip bomb
MAX_3MF_MEMBERS = 1_000
# Faces a large mesh's orientation is chosen on (then measured on all of them).
ORIENT_SAMPLE = 100_000

_STL_RECORD = np.dtype([("normal", "<f4", (3,)), ("v", "<f4", (3, 3)), ("attr", "<u2")])
_CHUNK = 1 << 20


class Reason(StrEnum):
    """Why a file is refused or what is wrong with a model (mapped to messages in the app)."""

    # refusals: nothing can be made of the file
    UNSUPPORTED_FORMAT = "unsupported_format"
    NOT_A_MESH = "not_a_mesh"
    EMPTY = "empty"
    DEGENERATE = "degenerate"
    NON_FINITE = "non_finite"
    TOO_MANY_TRIANGLES = "too_many_triangles"
    ARCHIVE_UNSAFE_NAME = "archive_unsafe_name"
    ARCHIVE_TOO_LARGE = "archive_too_large"
    # findings: the model can be read, but has a problem
    NOT_WATERTIGHT = "not_watertight"
    NOT_MANIFOLD = "not_manifold"
    INVERTED_NORMALS = "inverted_normals"
    INCONSISTENT_NORMALS = "inconsistent_normals"
    LOOSE_PARTS = "loose_parts"
    THIN_WALLS = "thin_walls"
    FITS_NO_MACHINE = "fits_no_machine"
    TINY = "tiny"


#: Findings that stop a print (the others are warnings a person may accept).
BLOCKING = frozenset({Reason.FITS_NO_MACHINE, Reason.NOT_WATERTIGHT, Reason.TINY})


class MeshRefused(Exception):
    """The file cannot be used; `reason` says why, `params` carry the figures for the message."""

    def __init__(self, reason: Reason, **params: Any) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class BuildVolume:
    """A machine's printable box in millimetres, with the machine's key for the report."""

    key: str
    x_mm: float
    y_mm: float
    z_mm: float


@dataclass(frozen=True)
class Finding:
    reason: Reason
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def is_blocking(self) -> bool:
        return self.reason in BLOCKING


@dataclass(frozen=True)
class MeshReport:
    """What a check measured, in millimetres; `findings` empty means ready to print."""

    triangles: int
    size_mm: tuple[float, float, float]
    volume_mm3: float
    area_mm2: float
    is_watertight: bool
    is_manifold: bool
    parts: int
    #: Unit vector to turn to -Z (face down on the plate), and the overhang area it leaves.
    down: tuple[float, float, float]
    overhang_mm2: float
    fits: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def is_printable(self) -> bool:
        return not any(f.is_blocking for f in self.findings)

    @property
    def reasons(self) -> list[str]:
        return [f.reason.value for f in self.findings]


# --- reading -----------------------------------------------------------------------------------


def read_mesh(
    path: Path | str, *, filename: str | None = None, max_triangles: int = MAX_TRIANGLES
) -> trimesh.Trimesh:
    """Read an STL (binary or ASCII), OBJ or 3MF file; refuse unsafe or hopeless files fast."""
    path = Path(path)
    suffix = Path(filename or path.name).suffix.lower()
    if suffix == ".stl":
        mesh = _read_stl(path, max_triangles)
    elif suffix == ".obj":
        mesh = _read_obj(path, max_triangles)
    elif suffix == ".3mf":
        mesh = _read_3mf(path, max_triangles)
    else:
        raise MeshRefused(Reason.UNSUPPORTED_FORMAT, suffix=suffix or "-")
    return _validated(mesh)


def _validated(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
    if len(mesh.faces) == 0:
        raise MeshRefused(Reason.EMPTY)
    vertices = np.asarray(mesh.vertices)
    if not np.isfinite(vertices).all():
        raise MeshRefused(Reason.NON_FINITE)
    if float(np.min(vertices.max(axis=0) - vertices.min(axis=0))) <= 0:
        raise MeshRefused(Reason.DEGENERATE)
    return mesh


def _from_triangles(tris: NDArray[np.floating[Any]]) -> trimesh.Trimesh:
    tris = np.ascontiguousarray(tris, dtype=np.float32).reshape(-1, 3, 3)
    if len(tris) == 0:
        raise MeshRefused(Reason.EMPTY)
    if not np.isfinite(tris).all():
        raise MeshRefused(Reason.NON_FINITE)
    if not _has_area(tris):
        raise MeshRefused(Reason.DEGENERATE)
    flat = tris.reshape(-1, 3)
    vertices, inverse = _unique_vertices(flat)
    faces = inverse.reshape(-1, 3)
    mesh = trimesh.Trimesh(
        vertices=vertices.astype(np.float64), faces=faces, process=False, validate=False
    )
    # Faces that collapsed to a line or point carry no surface.
    keep = (
        (faces[:, 0] != faces[:, 1]) & (faces[:, 1] != faces[:, 2]) & (faces[:, 0] != faces[:, 2])
    )
    if not keep.all():
        mesh.update_faces(keep)
    return mesh


def _has_area(tris: NDArray[np.float32]) -> bool:
    """Whether any triangle is more than a line or a point (the first thousand usually tell)."""

    def any_area(part: NDArray[np.float32]) -> bool:
        return bool(np.any(np.cross(part[:, 1] - part[:, 0], part[:, 2] - part[:, 0])))

    return any_area(tris[:1024]) or (len(tris) > 1024 and any_area(tris[1024:]))


_HASH_X = np.uint64(0x9E3779B97F4A7C15)
_HASH_Y = np.uint64(0xC2B2AE3D27D4EB4F)


def _unique_vertices(flat: NDArray[np.float32]) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Merge identical vertices: one sort of a 64-bit hash of their bits (not of 3 columns).

    The corner's index rides in the hash's low bits, so a plain sort (several times faster than
    an argsort) yields the order too. A collision of the shortened hash is caught by comparing
    the merged vertices with the originals, and the full hash, then an exact row sort, take over.
    """
    bits = (flat + np.float32(0.0)).view(np.uint32).astype(np.uint64)  # + 0.0 folds -0.0 into 0.0
    key = (bits[:, 0] * _HASH_X) ^ ((bits[:, 1] * _HASH_Y) + (bits[:, 2] << np.uint64(21)))
    count = len(key)
    shift = np.uint64(max(int(count - 1).bit_length(), 1))
    packed = ((key >> shift) << shift) | np.arange(count, dtype=np.uint64)
    packed.sort()
    order = (packed & ((np.uint64(1) << shift) - np.uint64(1))).astype(np.int64)
    hashed = packed >> shift
    merged = _merged(flat, order, np.r_[True, hashed[1:] != hashed[:-1]])
    if merged is None:
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        merged = _merged(flat, order, np.r_[True, ordered[1:] != ordered[:-1]])
    if merged is None:
        vertices, inverse = np.unique(flat, axis=0, return_inverse=True)
        return vertices, inverse.reshape(-1).astype(np.int64)
    return merged


def _merged(
    flat: NDArray[np.float32], order: NDArray[np.int64], is_new: NDArray[np.bool_]
) -> tuple[NDArray[np.float32], NDArray[np.int64]] | None:
    # Vertices are numbered in the order the file first uses them, not in hash order: faces
    # near each other in the file then share nearby vertex numbers, which keeps the later
    # passes over faces (geometry, the parts count) in cache. Within a group the first corner
    # comes first (the sorts keep corner order), so `order[is_new]` is each vertex's first use.
    first = order[is_new]
    is_first = np.zeros(len(order), dtype=bool)
    is_first[first] = True
    label = np.cumsum(is_first) - 1
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = np.repeat(label[first], np.diff(np.r_[np.flatnonzero(is_new), len(order)]))
    # np.compress keeps the rows in file order, faster than a fancy-indexed gather.
    vertices = np.compress(is_first, flat, axis=0)
    if not np.array_equal(np.take(vertices, inverse, axis=0), flat):  # two shared a hash
        return None
    return vertices, inverse


def _read_stl(path: Path, max_triangles: int) -> trimesh.Trimesh:
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(84)
    if len(head) < 15:
        raise MeshRefused(Reason.NOT_A_MESH)
    (count,) = struct.unpack("<I", head[80:84]) if len(head) == 84 else (0,)
    if len(head) == 84 and size == 84 + 50 * count:
        # Binary: the header says how many triangles there are; refuse before reading them.
        if count > max_triangles:
            raise MeshRefused(Reason.TOO_MANY_TRIANGLES, count=count, limit=max_triangles)
        records = np.fromfile(path, dtype=_STL_RECORD, count=count, offset=84)
        return _from_triangles(records["v"])
    if head.lstrip()[:5].lower() != b"solid":
        raise MeshRefused(Reason.NOT_A_MESH)
    return _read_ascii_stl(path, max_triangles)


_FLOAT = rb"([-+0-9.eEinfINFaA]+)"
_VERTEX = re.compile(rb"vertex\s+" + _FLOAT + rb"\s+" + _FLOAT + rb"\s+" + _FLOAT)


def _read_ascii_stl(path: Path, max_triangles: int) -> trimesh.Trimesh:
    if _count_tokens(path, b"facet", max_triangles) > max_triangles:
        raise MeshRefused(
            Reason.TOO_MANY_TRIANGLES, count=f"> {max_triangles}", limit=max_triangles
        )
    text = path.read_bytes()
    values = _VERTEX.findall(text)
    if not values or len(values) % 3:
        raise MeshRefused(Reason.NOT_A_MESH)
    try:
        coords = np.array(values, dtype=np.float64)
    except ValueError as exc:
        raise MeshRefused(Reason.NOT_A_MESH) from exc
    return _from_triangles(coords)


def _count_tokens(path: Path, token: bytes, stop_after: int) -> int:
    """Occurrences of `token` at the start of a line, stopping once past `stop_after`."""
    pattern = re.compile(rb"(?m)^\s*" + re.escape(token) + rb"\s")
    count = 0
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            cut = chunk.rfind(b"\n")
            if cut < 0:
                tail += chunk
                continue
            count += len(pattern.findall(tail + chunk[: cut + 1]))
            tail = chunk[cut + 1 :]
            if count > stop_after:
                return count
    return count + len(pattern.findall(tail))


_SPACE, _TAB, _LF, _CR, _SLASH = b" \t\n\r/"
_IS_SPACE = np.zeros(256, dtype=bool)
_IS_SPACE[[_SPACE, _TAB, _LF, _CR]] = True
_DIGIT = np.full(256, -1, dtype=np.int8)
_DIGIT[ord("0") : ord("9") + 1] = np.arange(10, dtype=np.int8)
_POW10 = 10.0 ** np.arange(16)


def _read_obj(path: Path, max_triangles: int) -> trimesh.Trimesh:
    """Vertices and faces (polygons fanned into triangles) of a Wavefront OBJ.

    The file is classified line by line with numpy on its bytes, and the numbers of the vertex
    and face lines are parsed in one call each, not by a Python loop over the lines.
    """
    data = path.read_bytes()
    if not data:
        raise MeshRefused(Reason.NOT_A_MESH)
    buffer = np.frombuffer(data, dtype=np.uint8)
    starts = np.r_[0, np.flatnonzero(buffer == _LF) + 1]
    starts = starts[starts < len(buffer)]
    lengths = np.diff(np.r_[starts, len(buffer)])
    first = buffer[starts]
    second = buffer[np.minimum(starts + 1, len(buffer) - 1)]
    blank = (lengths > 1) & ((second == _SPACE) | (second == _TAB))
    is_vertex = blank & (first == ord("v"))
    is_face = blank & (first == ord("f"))
    face_count = int(is_face.sum())
    if face_count > max_triangles:
        raise MeshRefused(Reason.TOO_MANY_TRIANGLES, count=face_count, limit=max_triangles)
    if face_count == 0:
        raise MeshRefused(Reason.NOT_A_MESH)
    kind = np.repeat(is_vertex.astype(np.uint8) + 2 * is_face.astype(np.uint8), lengths)
    vertices = _obj_vertices(buffer, kind, lengths[is_vertex])
    if vertices is None:
        return _read_obj_lines(path, max_triangles)
    corners, per_line = _obj_corners(buffer, kind, lengths[is_face])
    del data, buffer, kind
    if (per_line < 3).any():
        raise MeshRefused(Reason.NOT_A_MESH)
    if (corners < 0).any():
        # Negative indices count back from the vertices read so far: the line-by-line reader.
        return _read_obj_lines(path, max_triangles)
    index = corners - 1
    if len(index) == 0 or index.min() < 0 or index.max() >= len(vertices):
        raise MeshRefused(Reason.NOT_A_MESH)
    fans = per_line - 2
    if int(fans.sum()) > max_triangles:
        raise MeshRefused(
            Reason.TOO_MANY_TRIANGLES, count=f"> {max_triangles}", limit=max_triangles
        )
    # A polygon of k corners at offset o gives the triangles (o, o+j, o+j+1), j = 1 … k-2.
    offset = np.cumsum(per_line) - per_line
    line = np.repeat(np.arange(len(per_line)), fans)
    j = np.arange(len(line)) - np.repeat(np.cumsum(fans) - fans, fans) + 1
    first_corner = offset[line]
    tris = np.stack(
        [index[first_corner], index[first_corner + j], index[first_corner + j + 1]], axis=1
    )
    return _from_triangles(np.take(vertices, tris, axis=0))


def _lines_of(
    buffer: NDArray[np.uint8], kind: NDArray[np.uint8], which: int, lengths: NDArray[np.intp]
) -> NDArray[np.uint8]:
    """The bytes of one kind of line, with each line's keyword letter blanked out."""
    text = buffer[kind == which]
    text[np.cumsum(lengths) - lengths] = _SPACE
    return text


def _obj_vertices(
    buffer: NDArray[np.uint8], kind: NDArray[np.uint8], lengths: NDArray[np.intp]
) -> NDArray[np.float64] | None:
    """x, y, z of every vertex line; None when the lines differ in how many numbers they hold."""
    count = len(lengths)
    if count == 0:
        raise MeshRefused(Reason.NOT_A_MESH)
    values = _numbers(_lines_of(buffer, kind, 1, lengths).tobytes(), None)
    if len(values) % count or len(values) < 3 * count:
        return None
    # Some exporters add w or a colour after x, y, z: the same count on every line is fine.
    return values.reshape(count, -1)[:, :3]


def _obj_corners(
    buffer: NDArray[np.uint8], kind: NDArray[np.uint8], lengths: NDArray[np.intp]
) -> tuple[NDArray[np.int64], NDArray[np.intp]]:
    """Each face corner's vertex number ("7/3/2" is vertex 7) and the corners per face line.

    The numbers are read digit by digit in numpy (a face line holds only integers), which is
    several times faster than parsing them as text.
    """
    text = _lines_of(buffer, kind, 2, lengths)
    is_space = _IS_SPACE[text]
    after_space = np.r_[True, is_space[:-1]]
    starts = np.flatnonzero(~is_space & after_space)
    ends = np.flatnonzero(~is_space & np.r_[is_space[1:], True]) + 1
    slashes = np.flatnonzero(text == _SLASH)
    if len(slashes):
        # From a token's first slash to its end, the bytes are texture and normal numbers: blank.
        token = np.searchsorted(starts, slashes, side="right") - 1
        first = np.r_[True, token[1:] != token[:-1]]
        edge = np.zeros(len(text) + 1, dtype=np.int8)
        edge[slashes[first]] += 1
        edge[ends[token[first]]] -= 1
        text[np.cumsum(edge, dtype=np.int8)[:-1] > 0] = _SPACE
        is_space = _IS_SPACE[text]
        ends = np.flatnonzero(~is_space & np.r_[is_space[1:], True]) + 1
    if len(ends) != len(starts):
        raise MeshRefused(Reason.NOT_A_MESH)
    inside = np.flatnonzero(~is_space)
    digit = _DIGIT[text[inside]]
    if (text[inside] == ord("-")).any():
        values = _numbers(text.tobytes(), len(starts))  # negative indices: parse as text
        if not np.array_equal(values, np.round(values)):
            raise MeshRefused(Reason.NOT_A_MESH)
    else:
        if (digit < 0).any() or (ends - starts > 15).any():
            raise MeshRefused(Reason.NOT_A_MESH)
        token = np.repeat(np.arange(len(starts)), ends - starts)
        place = ends[token] - 1 - inside
        weights = digit * _POW10[place]
        values = np.bincount(token, weights=weights, minlength=len(starts)).astype(np.float64)
    line_of_corner = np.searchsorted(np.flatnonzero(text == _LF), starts)
    per_line = np.bincount(line_of_corner, minlength=len(lengths))
    return values.astype(np.int64), per_line


def _numbers(text: bytes, expected: int | None) -> NDArray[np.float64]:
    """Whitespace-separated numbers (exactly `expected` of them), else the file is no mesh."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            values = np.fromstring(text, sep=" ") if text.strip() else np.zeros(0)
        except (ValueError, DeprecationWarning) as exc:
            raise MeshRefused(Reason.NOT_A_MESH) from exc
    if expected is not None and len(values) != expected:
        raise MeshRefused(Reason.NOT_A_MESH)
    return values


def _read_obj_lines(path: Path, max_triangles: int) -> trimesh.Trimesh:
    vertices: list[list[float]] = []
    tris: list[list[int]] = []
    try:
        with path.open("rb") as f:
            for raw in f:
                parts = raw.split()
                if not parts:
                    continue
                if parts[0] == b"v":
                    vertices.append([float(p) for p in parts[1:4]])
                elif parts[0] == b"f":
                    idx = [int(p.split(b"/")[0]) for p in parts[1:]]
                    idx = [i - 1 if i > 0 else len(vertices) + i for i in idx]
                    tris.extend([idx[0], idx[k], idx[k + 1]] for k in range(1, len(idx) - 1))
                    if len(tris) > max_triangles:
                        raise MeshRefused(
                            Reason.TOO_MANY_TRIANGLES,
                            count=f"> {max_triangles}",
                            limit=max_triangles,
                        )
        v = np.array(vertices, dtype=np.float64).reshape(-1, 3)
        t = np.array(tris, dtype=np.int64).reshape(-1, 3)
        if len(t) and (t.min() < 0 or t.max() >= len(v)):
            raise MeshRefused(Reason.NOT_A_MESH)
    except (ValueError, IndexError) as exc:
        raise MeshRefused(Reason.NOT_A_MESH) from exc
    return _from_triangles(v[t])


# 3MF: a zip holding an XML model. Names and sizes are checked before anything is unpacked.
_NS = "{http://schemas.microsoft.com/3dmanufacturing/core/2015/02}"


def _safe_member_name(name: str) -> bool:
    if not name or "\\" in name or name.startswith("/") or "\x00" in name:
        return False
    if re.match(r"^[A-Za-z]:", name):
        return False
    return ".." not in posixpath.normpath(name).split("/") and ".." not in name.split("/")


def _read_3mf(path: Path, max_triangles: int) -> trimesh.Trimesh:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise MeshRefused(Reason.NOT_A_MESH) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_3MF_MEMBERS:
            raise MeshRefused(Reason.ARCHIVE_TOO_LARGE)
        total = 0
        for info in infos:
            if not _safe_member_name(info.filename):
                raise MeshRefused(Reason.ARCHIVE_UNSAFE_NAME, name=info.filename[:80])
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > MAX_3MF_UNPACKED_BYTES or (
                info.file_size > _CHUNK and ratio > MAX_3MF_RATIO
            ):
                raise MeshRefused(Reason.ARCHIVE_TOO_LARGE)
        models = [i for i in infos if i.filename.lower().endswith(".model")]
        if not models:
            raise MeshRefused(Reason.NOT_A_MESH)
        triangles: list[NDArray[np.float64]] = []
        count = 0
        for info in models:
            # The declared size may lie: read at most that many bytes, plus one to notice.
            with archive.open(info) as member:
                data = member.read(info.file_size + 1)
            if len(data) > info.file_size:
                raise MeshRefused(Reason.ARCHIVE_TOO_LARGE)
            for tris in _parse_3mf_model(data, max_triangles - count):
                count += len(tris)
                triangles.append(tris)
    if not triangles:
        raise MeshRefused(Reason.EMPTY)
    return _from_triangles(np.concatenate(triangles))


def _parse_3mf_model(data: bytes, budget: int) -> list[NDArray[np.float64]]:
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        # No DTDs in a 3MF: refusing them shuts out entity-expansion attacks.
        raise MeshRefused(Reason.NOT_A_MESH)
    try:
        root = ElementTree.parse(io.BytesIO(data)).getroot()
    except ElementTree.ParseError as exc:
        raise MeshRefused(Reason.NOT_A_MESH) from exc
    meshes: dict[str, NDArray[np.float64]] = {}
    components: dict[str, list[tuple[str, NDArray[np.float64]]]] = {}
    for obj in root.iter(f"{_NS}object"):
        oid = obj.get("id", "")
        mesh = obj.find(f"{_NS}mesh")
        if mesh is not None:
            meshes[oid] = _3mf_triangles(mesh, budget)
            budget -= len(meshes[oid])
        comps = obj.find(f"{_NS}components")
        if comps is not None:
            components[oid] = [
                (c.get("objectid", ""), _3mf_matrix(c.get("transform")))
                for c in comps.findall(f"{_NS}component")
            ]
    out: list[NDArray[np.float64]] = []

    def place(oid: str, matrix: NDArray[np.float64], depth: int) -> None:
        if depth > 8:
            raise MeshRefused(Reason.NOT_A_MESH)
        if oid in meshes:
            tris = meshes[oid].reshape(-1, 3) @ matrix[:3, :3].T + matrix[:3, 3]
            out.append(tris.reshape(-1, 3, 3))
        for child, m in components.get(oid, []):
            place(child, matrix @ m, depth + 1)

    build = root.find(f"{_NS}build")
    items = build.findall(f"{_NS}item") if build is not None else []
    for item in items:
        place(item.get("objectid", ""), _3mf_matrix(item.get("transform")), 0)
    if sum(len(t) for t in out) > max(budget, 0) + sum(len(m) for m in meshes.values()):
        raise MeshRefused(Reason.TOO_MANY_TRIANGLES, count="?", limit=MAX_TRIANGLES)
    return out


def _3mf_triangles(mesh: ElementTree.Element, budget: int) -> NDArray[np.float64]:
    vs = mesh.find(f"{_NS}vertices")
    ts = mesh.find(f"{_NS}triangles")
    if vs is None or ts is None:
        return np.zeros((0, 3, 3))
    tri_elems = ts.findall(f"{_NS}triangle")
    if len(tri_elems) > budget:
        raise MeshRefused(Reason.TOO_MANY_TRIANGLES, count=len(tri_elems), limit=budget)
    try:
        v = np.array(
            [(float(e.get("x", "")), float(e.get("y", "")), float(e.get("z", ""))) for e in vs],
            dtype=np.float64,
        ).reshape(-1, 3)
        t = np.array(
            [(int(e.get("v1", "")), int(e.get("v2", "")), int(e.get("v3", ""))) for e in tri_elems],
            dtype=np.int64,
        ).reshape(-1, 3)
    except ValueError as exc:
        raise MeshRefused(Reason.NOT_A_MESH) from exc
    if len(t) and (t.min() < 0 or t.max() >= len(v)):
        raise MeshRefused(Reason.NOT_A_MESH)
    return v[t]


def _3mf_matrix(text: str | None) -> NDArray[np.float64]:
    m = np.eye(4)
    if not text:
        return m
    try:
        values = [float(x) for x in text.split()]
    except ValueError as exc:
        raise MeshRefused(Reason.NOT_A_MESH) from exc
    if len(values) != 12:
        raise MeshRefused(Reason.NOT_A_MESH)
    # 3MF writes the 3×4 matrix row by row for row vectors: transpose into column form.
    m[:3, :3] = np.array(values[:9]).reshape(3, 3).T
    m[:3, 3] = values[9:12]
    return m


# --- checking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Geometry:
    """Per-face figures computed once (float64) and shared by the checks and the estimate."""

    triangles: NDArray[np.float64]
    normals: NDArray[np.float64]
    areas: NDArray[np.float64]
    centres: NDArray[np.float64]
    #: Twice the area along the normal (the edges' cross product), per face.
    cross: NDArray[np.float64]
    lower_mm: NDArray[np.float64]
    upper_mm: NDArray[np.float64]

    @classmethod
    def of(cls, mesh: trimesh.Trimesh) -> Geometry:
        vertices = np.asarray(mesh.vertices, dtype=np.float64)
        tris = np.take(vertices, np.asarray(mesh.faces), axis=0)
        t0, t1, t2 = tris[:, 0], tris[:, 1], tris[:, 2]
        cross = np.cross(t1 - t0, t2 - t0)
        norm = np.sqrt(np.einsum("ij,ij->i", cross, cross))
        normals = cross / np.where(norm > 0, norm, 1.0)[:, None]
        is_used = np.zeros(len(vertices), dtype=bool)
        is_used[np.asarray(mesh.faces).reshape(-1)] = True
        used = vertices if is_used.all() else vertices[is_used]
        return cls(
            tris,
            normals,
            norm / 2.0,
            (t0 + t1 + t2) / 3.0,
            cross,
            used.min(axis=0),
            used.max(axis=0),
        )

    @property
    def signed_volume(self) -> float:
        # t0 · (t1 × t2) equals t0 · ((t1 - t0) × (t2 - t0)): the cross product is reused.
        return float(np.einsum("ij,ij->", self.triangles[:, 0], self.cross) / 6.0)

    @property
    def size_mm(self) -> tuple[float, float, float]:
        x, y, z = (float(v) for v in self.upper_mm - self.lower_mm)
        return (x, y, z)


def check_mesh(
    mesh: trimesh.Trimesh,
    *,
    volumes: Sequence[BuildVolume] = (),
    nozzle_mm: float = 0.4,
    thin_wall_samples: int = 4000,
    seed: int = 0,
    geometry: Geometry | None = None,
) -> MeshReport:
    """Measure a mesh and list its problems; `volumes` are the machines that take the material."""
    geo = geometry or Geometry.of(mesh)
    findings: list[Finding] = []
    faces = np.asarray(mesh.faces, dtype=np.int64)
    n = np.int64(max(len(mesh.vertices), 1))
    a = faces.reshape(-1)
    b = faces[:, [1, 2, 0]].reshape(-1)
    # One sort serves both edge checks: the undirected edge, with its direction in the low bit.
    keys = (np.minimum(a, b) * n + np.maximum(a, b)) * 2 + (a > b)
    keys.sort()
    edges = keys >> 1
    starts = np.flatnonzero(np.r_[True, edges[1:] != edges[:-1]])
    edge_counts = np.diff(np.r_[starts, len(edges)])
    open_edges = int((edge_counts == 1).sum())
    shared_too_often = int((edge_counts > 2).sum())
    is_manifold = shared_too_often == 0
    is_watertight = open_edges == 0 and is_manifold
    if not is_watertight:
        findings.append(Finding(Reason.NOT_WATERTIGHT, {"edges": open_edges}))
    if not is_manifold:
        findings.append(Finding(Reason.NOT_MANIFOLD, {"edges": shared_too_often}))
    volume = geo.signed_volume
    # Consistent winding: every edge is walked once each way, so no directed edge repeats.
    is_consistent = not bool((keys[1:] == keys[:-1]).any())
    if is_watertight and is_consistent and volume < 0:
        findings.append(Finding(Reason.INVERTED_NORMALS))
    elif not is_consistent:
        findings.append(Finding(Reason.INCONSISTENT_NORMALS))
    parts = _count_parts(faces, int(n))
    if parts > 1:
        findings.append(Finding(Reason.LOOSE_PARTS, {"parts": parts}))
    size = geo.size_mm
    if max(size) < 1.0:
        findings.append(Finding(Reason.TINY, {"size": round(max(size), 2)}))
    thin = thin_wall_fraction(geo, nozzle_mm=nozzle_mm, samples=thin_wall_samples, seed=seed)
    if thin > 0.02:
        findings.append(
            Finding(Reason.THIN_WALLS, {"percent": round(thin * 100), "nozzle": nozzle_mm})
        )
    down, overhang = suggest_orientation(mesh, geometry=geo)
    fits = tuple(v.key for v in volumes if fits_volume(size, v))
    if volumes and not fits:
        biggest = max(volumes, key=lambda v: v.x_mm * v.y_mm * v.z_mm)
        findings.append(
            Finding(
                Reason.FITS_NO_MACHINE,
                {
                    "size": " × ".join(f"{s:.0f}" for s in size),
                    "volume": f"{biggest.x_mm:.0f} × {biggest.y_mm:.0f} × {biggest.z_mm:.0f}",
                },
            )
        )
    return MeshReport(
        triangles=len(faces),
        size_mm=size,
        volume_mm3=abs(volume),
        area_mm2=float(geo.areas.sum()),
        is_watertight=is_watertight,
        is_manifold=is_manifold,
        parts=parts,
        down=(float(down[0]), float(down[1]), float(down[2])),
        overhang_mm2=overhang,
        fits=fits,
        findings=tuple(findings),
    )


def _count_parts(faces: NDArray[np.int64], n: int) -> int:
    """Connected parts: components of the graph joining each face to its three corners.

    That graph is already in compressed-row form (three corners per face), so nothing is sorted.
    """
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]  # noqa: PLC0415 -- heavy (scipy), only for the mesh check
    from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]  # noqa: PLC0415 -- heavy (scipy), only for the mesh check

    count = len(faces)
    corners = faces.reshape(-1)
    indptr = np.concatenate(
        [np.arange(0, 3 * count + 1, 3, dtype=np.int32), np.full(n, 3 * count, dtype=np.int32)]
    )
    indices = (corners + count).astype(np.int32)
    graph = csr_matrix(
        (np.ones(3 * count, dtype=np.int8), indices, indptr), shape=(count + n, count + n)
    )
    components, _labels = connected_components(graph, directed=True, connection="weak")
    used = np.zeros(n, dtype=bool)
    used[corners] = True
    # Vertices no face uses would each count as a part.
    return int(components - (n - used.sum()))


def fits_volume(size: Sequence[float], volume: BuildVolume) -> bool:
    """Whether a box of `size` fits the volume in some axis-aligned orientation."""
    return all(
        s <= v
        for s, v in zip(sorted(size), sorted((volume.x_mm, volume.y_mm, volume.z_mm)), strict=True)
    )


def thin_wall_fraction(
    geo: Geometry, *, nozzle_mm: float, samples: int = 4000, seed: int = 0
) -> float:
    """Share of the surface (sampled by area) whose wall is thinner than the nozzle.

    A sampled point is on a thin wall when a surface point facing the opposite way lies within
    the nozzle's width behind it: two sides of a sheet closer than one extrusion line. Walls are
    only seen where the sampling is at least as fine as the nozzle.
    """
    from scipy.spatial import cKDTree  # type: ignore[import-untyped]  # noqa: PLC0415 -- heavy (scipy), only for the mesh check

    total = float(geo.areas.sum())
    if total <= 0:
        return 0.0
    rng = np.random.default_rng(seed)
    # Dense enough that two facing sides of a nozzle-wide sheet meet each other's samples.
    n = int(min(max(samples, total / (nozzle_mm * 0.7) ** 2 / 50), 200_000))
    face_idx = rng.choice(len(geo.areas), size=n, p=geo.areas / total)
    r = rng.random((n, 2))
    flip = r.sum(axis=1) > 1
    r[flip] = 1 - r[flip]
    tri = geo.triangles[face_idx]
    points = tri[:, 0] + r[:, :1] * (tri[:, 1] - tri[:, 0]) + r[:, 1:] * (tri[:, 2] - tri[:, 0])
    normals = geo.normals[face_idx]
    pairs = cKDTree(points).query_pairs(nozzle_mm * 0.999, output_type="ndarray")
    if len(pairs) == 0:
        return 0.0
    a, b = pairs[:, 0], pairs[:, 1]
    opposite = np.einsum("ij,ij->i", normals[a], normals[b]) < -0.7
    # b lies behind a (inside the material), not in front of it across a gap.
    behind = np.einsum("ij,ij->i", points[b] - points[a], normals[a]) < 0
    hit = opposite & behind
    thin = np.zeros(n, dtype=bool)
    thin[a[hit]] = True
    thin[b[hit]] = True
    return float(thin.mean())


def suggest_orientation(
    mesh: trimesh.Trimesh, *, overhang_deg: float = 45.0, geometry: Geometry | None = None
) -> tuple[NDArray[np.float64], float]:
    """The direction to put down on the plate that leaves the least overhanging area.

    Candidates are the six axis directions and the largest faces of the convex hull; for each,
    faces pointing down more steeply than `overhang_deg` and not resting on the plate count as
    overhang (they need support); a taller pose is a little worse (longer, less stable).
    """
    from scipy.spatial import ConvexHull, QhullError  # noqa: PLC0415 -- heavy (scipy), only for the mesh check

    geo = geometry or Geometry.of(mesh)
    candidates = [np.array(v, dtype=np.float64) for v in np.vstack([np.eye(3), -np.eye(3)])]
    points = np.asarray(mesh.vertices, dtype=np.float64)
    if len(points) > 20_000:
        points = points[np.random.default_rng(0).choice(len(points), 20_000, replace=False)]
    try:
        hull = ConvexHull(points)
        tri = points[hull.simplices]
        hull_areas = np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
        # Outward hull normals: the face down on the plate points along them.
        candidates.extend(hull.equations[np.argsort(-hull_areas)[:6], :3])
    except (QhullError, ValueError):
        pass  # flat or tiny: the axis directions remain
    directions = np.array(candidates, dtype=np.float64)
    directions /= np.linalg.norm(directions, axis=1)[:, None]
    cos_limit = float(np.cos(np.radians(overhang_deg)))
    scale = float(np.sqrt(geo.areas.sum()))
    faces = np.arange(len(geo.areas))
    if len(faces) > ORIENT_SAMPLE:
        # A large mesh chooses on a sample of its faces (the overhang estimated by area), then
        # measures the chosen pose's overhang on every face.
        faces = np.random.default_rng(0).integers(0, len(geo.areas), ORIENT_SAMPLE)
    overhangs, heights = _overhangs(geo, faces, directions, cos_limit)
    scores = overhangs + 0.05 * heights * scale
    # The first of equal scores (within rounding) wins, as the axis directions come first.
    best = int(np.flatnonzero(scores < scores.min() + 1e-9)[0])
    if len(faces) < len(geo.areas):
        overhangs, _ = _overhangs(geo, None, directions[best : best + 1], cos_limit)
        return directions[best], float(overhangs[0])
    return directions[best], float(overhangs[best])


def _overhangs(
    geo: Geometry,
    faces: NDArray[np.int64] | None,
    directions: NDArray[np.float64],
    cos_limit: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per direction: the overhanging area of `faces` (all when None, else scaled up from the
    sample) and the height of the pose."""
    if faces is None:
        centres, normals, areas = geo.centres, geo.normals, geo.areas
    else:
        centres = np.take(geo.centres, faces, axis=0)
        normals = np.take(geo.normals, faces, axis=0)
        areas = geo.areas[faces] * (len(geo.areas) / len(faces))
    depth = centres @ directions.T  # larger is lower once a direction points down
    facing_down = (normals @ directions.T) > cos_limit
    lowest, highest = depth.max(axis=0), depth.min(axis=0)
    on_plate = depth > lowest - 0.2
    return areas @ (facing_down & ~on_plate), lowest - highest


def orient(mesh: trimesh.Trimesh, down: Sequence[float]) -> trimesh.Trimesh:
    """A copy turned so that `down` points to -Z, resting on z = 0."""
    turned = mesh.copy()
    matrix = trimesh.geometry.align_vectors(np.asarray(down, dtype=np.float64), [0.0, 0.0, -1.0])
    turned.apply_transform(matrix)
    turned.apply_translation([0.0, 0.0, -turned.bounds[0][2]])
    return turned


# --- repair ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Repair:
    before: MeshReport
    after: MeshReport
    mesh: trimesh.Trimesh
    actions: tuple[str, ...]


def repair_mesh(mesh: trimesh.Trimesh, **check: Any) -> Repair:
    """Merge duplicate vertices, drop degenerate faces, fix normals and fill holes; report both."""
    before = check_mesh(mesh, **check)
    fixed = mesh.copy()
    actions: list[str] = []
    n_vertices = len(fixed.vertices)
    fixed.merge_vertices()
    if len(fixed.vertices) < n_vertices:
        actions.append("merge_vertices")
    n_faces = len(fixed.faces)
    fixed.update_faces(fixed.nondegenerate_faces())
    fixed.update_faces(fixed.unique_faces())
    if len(fixed.faces) < n_faces:
        actions.append("remove_degenerate")
    if not fixed.is_watertight:
        trimesh.repair.fill_holes(fixed)
        actions.append("fill_holes")
    trimesh.repair.fix_normals(fixed)
    if any(
        f.reason in (Reason.INVERTED_NORMALS, Reason.INCONSISTENT_NORMALS) for f in before.findings
    ):
        actions.append("fix_normals")
    after = check_mesh(fixed, **check)
    return Repair(before=before, after=after, mesh=fixed, actions=tuple(actions))
