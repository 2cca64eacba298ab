"""Oriented point clouds for signed distances: reading users' files, sampling meshes, normalising into [−1, 1]³.

Point clouds: `.xyz`/`.txt` (x y z nx ny nz per line), `.npz` (arrays `points` and `normals`), `.ply` with
vertex normals. Meshes (`.ply` with faces, `.obj`, `.off`, `.stl`, `.glb`, through trimesh) are sampled
area-weighted, each point with its face's normal; the mesh is kept as the reference for measuring a fit."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import TorchSirenError

MESH_SUFFIXES = (".obj", ".off", ".stl", ".glb", ".gltf")
CLOUD_SUFFIXES = (".xyz", ".txt", ".npz")
MIN_POINTS = 16


@dataclass
class OrientedPoints:
    """points and unit normals (N, 3), in the input's own coordinates; the mesh they came from, if any."""

    points: np.ndarray
    normals: np.ndarray
    mesh: object | None = None


@dataclass
class Normalisation:
    """x_unit = (x − centre) · scale maps the input into [−(1 − margin), 1 − margin]³, aspect ratio kept."""

    centre: np.ndarray
    scale: float

    @classmethod
    def fit(cls, points: np.ndarray, margin: float = 0.1) -> "Normalisation":
        if not 0 <= margin < 1:
            raise TorchSirenError(f"margin must be in [0, 1), got {margin}", "margin")
        low, high = points.min(0), points.max(0)
        half = float((high - low).max()) / 2
        if half == 0:
            raise TorchSirenError("all points are at one place: there is no shape to fit")
        return cls((low + high) / 2, (1 - margin) / half)

    def forward(self, x: np.ndarray) -> np.ndarray:
        return (x - self.centre) * self.scale

    def inverse(self, x: np.ndarray) -> np.ndarray:
        return x / self.scale + self.centre

    def to_dict(self) -> dict:
        return {"centre": [float(c) for c in self.centre], "scale": float(self.scale)}

    @classmethod
    def from_dict(cls, d: dict) -> "Normalisation":
        return cls(np.asarray(d["centre"], np.float64), float(d["scale"]))


def sample_mesh(mesh, count: int, seed: int = 0) -> OrientedPoints:
    """`count` points area-weighted on the mesh with their faces' normals."""
    from ..geometry.metrics import sample_surface
    if len(mesh.faces) == 0 or mesh.area <= 0:
        raise TorchSirenError("the mesh has no faces with area")
    if not mesh.is_watertight:
        warnings.warn("the mesh is not watertight (open or non-manifold): its inside is ambiguous, the fitted "
                      "distance may be too", stacklevel=2)
    points, normals = sample_surface(mesh, count, seed)
    return OrientedPoints(points, normals, mesh)


def _read_cloud(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    if path.suffix == ".npz":
        with np.load(path) as z:
            if "points" not in z:
                raise TorchSirenError(f"{path} has no array named 'points' (and 'normals')")
            return z["points"], z["normals"] if "normals" in z else None
    try:
        table = np.loadtxt(path, ndmin=2, dtype=np.float64)
    except ValueError as e:
        raise TorchSirenError(f"{path} is not a table of numbers ({e})") from None
    if table.size == 0:
        raise TorchSirenError(f"{path} is empty")
    if table.shape[1] not in (3, 6):
        raise TorchSirenError(f"{path} has {table.shape[1]} columns; a point cloud has x y z nx ny nz (6) per line")
    return table[:, :3], table[:, 3:] if table.shape[1] == 6 else None


def _read_ply(path: Path, count: int, seed: int, estimate: bool) -> OrientedPoints:
    import trimesh
    loaded = trimesh.load(path, process=False)
    if isinstance(loaded, trimesh.Trimesh) and len(loaded.faces):
        return sample_mesh(trimesh.load(path), count, seed)  # processed: duplicate vertices merged
    raw = loaded.metadata.get("_ply_raw", {}).get("vertex", {}).get("data")
    points = np.asarray(loaded.vertices, np.float64)
    normals = None
    names = raw.dtype.names if hasattr(raw, "dtype") else (raw or {}).keys()  # a record array or a dict of columns
    if all(k in names for k in ("nx", "ny", "nz")):
        normals = np.stack([np.ravel(raw[k]) for k in ("nx", "ny", "nz")], 1).astype(np.float64)
    return _checked(points, normals, path, estimate)


def _checked(points: np.ndarray, normals: np.ndarray | None, path: Path, estimate: bool = False) -> OrientedPoints:
    points = np.asarray(points, np.float64).reshape(-1, 3) if np.size(points) else np.zeros((0, 3))
    if len(points) < MIN_POINTS:
        raise TorchSirenError(f"{path} has {len(points)} points; a shape needs at least {MIN_POINTS}")
    if not np.isfinite(points).all():
        raise TorchSirenError(f"{path} has NaN or infinite coordinates")
    if normals is None:
        if not estimate:
            raise TorchSirenError(f"{path} has points without normals; give x y z nx ny nz, or add "
                                  "--estimate-normals to estimate them from neighbours")
        normals = estimate_normals(points)
    normals = np.asarray(normals, np.float64).reshape(-1, 3)
    length = np.linalg.norm(normals, axis=1)
    if not np.isfinite(normals).all() or (length < 1e-12).any():
        bad = int((~np.isfinite(length) | (length < 1e-12)).sum())
        raise TorchSirenError(f"{path} has {bad} normals of zero length or NaN; every point needs a direction")
    return OrientedPoints(points, normals / length[:, None])


def estimate_normals(points: np.ndarray, neighbours: int = 16) -> np.ndarray:
    """Unit normals from the smallest principal direction of each point's neighbours, oriented away from the
    cloud's centre (a guess: right for convex-ish shapes, not for every scene)."""
    from scipy.spatial import cKDTree
    _, idx = cKDTree(points).query(points, k=min(neighbours, len(points)), workers=-1)
    local = points[idx] - points[idx].mean(1, keepdims=True)
    _, _, vt = np.linalg.svd(local, full_matrices=False)
    normals = vt[:, -1]
    flip = ((points - points.mean(0)) * normals).sum(1) < 0
    normals[flip] *= -1
    return normals


def load_oriented_points(path: str | Path, count: int = 500_000, seed: int = 0,
                         estimate: bool = False) -> OrientedPoints:
    """Points with unit normals from a point cloud or a mesh file (module doc); meshes give `count` samples."""
    path = Path(path)
    if not path.exists():
        raise TorchSirenError(f"no such file: {path}")
    if path.is_dir() or path.stat().st_size == 0:
        raise TorchSirenError(f"{path} is {'a folder' if path.is_dir() else 'empty'}; give a point cloud or a mesh")
    suffix = path.suffix.lower()
    if suffix in CLOUD_SUFFIXES:
        return _checked(*_read_cloud(path), path, estimate)
    if suffix in MESH_SUFFIXES + (".ply",):
        import trimesh
        try:
            if suffix == ".ply":
                return _read_ply(path, count, seed, estimate)
            mesh = trimesh.load(path, force="mesh")  # processed: STL's per-face vertices merged
        except TorchSirenError:
            raise
        except Exception as e:  # trimesh raises many kinds for a broken file
            raise TorchSirenError(f"cannot read {path} as a mesh: {e}") from None
        if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0:
            raise TorchSirenError(f"{path} holds no triangles")
        return sample_mesh(mesh, count, seed)
    raise TorchSirenError(f"{path}: unknown kind {suffix!r}; use .xyz/.txt/.npz/.ply point clouds with normals or "
                          f"{'/'.join(MESH_SUFFIXES + ('.ply',))} meshes")

