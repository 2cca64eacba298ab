"""Shapes made by code, for fitting signed distances without a download: exact or near-exact signed distance
functions (negative inside) on [−1, 1]³ and their meshes (marching cubes of the analytic function).

sphere, torus, knot (a tube around a trefoil), part (a mechanical part: a plate with holes and a boss, by CSG),
room (a floor, walls and several objects in one scene, as the paper fits a whole room with one network)."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

SHAPES = ("sphere", "torus", "knot", "part", "room")
SignedDistance = Callable[[np.ndarray], np.ndarray]  # (N, 3) -> (N,)


def _box(p: np.ndarray, centre, half, round_: float = 0.0) -> np.ndarray:
    q = np.abs(p - np.asarray(centre)) - (np.asarray(half) - round_)
    return np.linalg.norm(np.maximum(q, 0), axis=-1) + np.minimum(q.max(-1), 0) - round_


def _cylinder(p: np.ndarray, centre, radius: float, half_height: float, axis: int = 2) -> np.ndarray:
    """A capped cylinder along `axis`."""
    q = p - np.asarray(centre)
    radial = np.linalg.norm(np.delete(q, axis, -1), axis=-1) - radius
    d = np.stack([radial, np.abs(q[..., axis]) - half_height], -1)
    return np.linalg.norm(np.maximum(d, 0), axis=-1) + np.minimum(d.max(-1), 0)


def _sphere(p: np.ndarray, centre, radius: float) -> np.ndarray:
    return np.linalg.norm(p - np.asarray(centre), axis=-1) - radius


def _torus(p: np.ndarray, centre, major: float, minor: float) -> np.ndarray:
    q = p - np.asarray(centre)
    return np.hypot(np.hypot(q[..., 0], q[..., 1]) - major, q[..., 2]) - minor


def _knot(p: np.ndarray, radius: float = 0.12) -> np.ndarray:
    """Distance to a trefoil curve (a dense polyline: exact to ~1e-4 near the tube) minus the tube's radius."""
    from scipy.spatial import cKDTree
    t = np.linspace(0, 2 * np.pi, 4000, endpoint=False)
    curve = 0.22 * np.stack([np.sin(t) + 2 * np.sin(2 * t), np.cos(t) - 2 * np.cos(2 * t), -np.sin(3 * t)], -1)
    return cKDTree(curve).query(p, workers=-1)[0] - radius


def _part(p: np.ndarray) -> np.ndarray:
    plate = _box(p, (0, 0, -0.25), (0.75, 0.5, 0.12), round_=0.04)
    boss = _cylinder(p, (0, 0, 0.05), 0.28, 0.25)
    solid = np.minimum(plate, boss)
    holes = [_cylinder(p, (x, y, -0.25), 0.09, 0.3) for x in (-0.55, 0.55) for y in (-0.3, 0.3)]
    bore = _cylinder(p, (0, 0, 0.05), 0.14, 0.4)
    return np.maximum(solid, -np.minimum.reduce(holes + [bore]))


def _room(p: np.ndarray) -> np.ndarray:
    parts = [
        _box(p, (0, 0, -0.85), (0.9, 0.9, 0.05)),  # floor
        _box(p, (-0.85, 0, -0.25), (0.05, 0.9, 0.65)),  # back wall
        _box(p, (0.05, 0.85, -0.25), (0.85, 0.05, 0.65)),  # side wall
        _box(p, (0.1, -0.1, -0.35), (0.35, 0.25, 0.03)),  # table top
        *[_box(p, (0.1 + x, -0.1 + y, -0.6), (0.03, 0.03, 0.22)) for x in (-0.3, 0.3) for y in (-0.2, 0.2)],
        _sphere(p, (0.1, -0.1, -0.2), 0.12),  # a ball on the table
        _torus(p, (-0.45, -0.5, -0.75), 0.18, 0.06),  # a ring on the floor
        _box(p, (-0.55, 0.5, -0.5), (0.2, 0.2, 0.3), round_=0.05),  # a cabinet in the corner
        _cylinder(p, (0.6, -0.55, -0.55), 0.1, 0.25),  # a stool
    ]
    return np.minimum.reduce(parts)


def shape_sdf(name: str) -> SignedDistance:
    """The signed distance of a bundled shape, (N, 3) points in [−1, 1]³ -> (N,), negative inside."""
    table: dict[str, SignedDistance] = {
        "sphere": lambda p: _sphere(p, (0, 0, 0), 0.6),
        "torus": lambda p: _torus(p, (0, 0, 0), 0.55, 0.2),
        "knot": _knot,
        "part": _part,
        "room": _room,
    }
    if name not in table:
        raise ValueError(f"unknown shape {name!r}; bundled shapes: {', '.join(SHAPES)}")
    return table[name]


def shape_mesh(name: str, resolution: int = 192):
    """The bundled shape as a trimesh.Trimesh: marching cubes of its signed distance on a resolution³ grid."""
    from ..geometry.mesh import mesh_from_function
    return mesh_from_function(lambda p: shape_sdf(name)(p), resolution)
