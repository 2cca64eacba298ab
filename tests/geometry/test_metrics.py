"""Mesh fidelity against cases known in closed form: two concentric spheres, a mesh against itself, a shifted
copy."""
import math

import pytest
import trimesh

from torchsiren.geometry.metrics import mesh_metrics


@pytest.fixture(scope="module")
def sphere():
    return trimesh.creation.icosphere(5, radius=0.6)


def test_concentric_spheres(sphere):
    inner = trimesh.creation.icosphere(5, radius=0.5)
    m = mesh_metrics(inner, sphere, count=50_000)
    diagonal = 1.2 * math.sqrt(3)
    assert m["chamfer_l1"] == pytest.approx(0.1 / diagonal, rel=0.02)  # every point 0.1 from the other sphere
    assert m["chamfer_l2"] == pytest.approx((0.1 / diagonal) ** 2, rel=0.05)
    assert m["fscore"] == 0 and m["normal_consistency"] > 0.999
    assert m["iou"] == pytest.approx((0.5 / 0.6) ** 3, abs=0.01)


def test_a_mesh_against_itself_and_a_shifted_copy(sphere):
    same = mesh_metrics(sphere, sphere, count=50_000)
    assert same["fscore"] == 1 and same["iou"] == pytest.approx(1, abs=1e-3) and same["chamfer_l1"] < 3e-3
    shifted = sphere.copy()
    d, r = 0.06, 0.6
    shifted.apply_translation([d, 0, 0])
    m = mesh_metrics(shifted, sphere, count=50_000)
    lens = math.pi * (4 * r + d) * (2 * r - d) ** 2 / 12  # the two balls' intersection
    ball = 4 / 3 * math.pi * r ** 3
    assert m["iou"] == pytest.approx(lens / (2 * ball - lens), abs=0.01)
    # a point of the sphere moves by d·|cos θ| towards the copy (to first order): mean d/2 over the sphere
    assert m["chamfer_l1"] == pytest.approx(d / 2 / (2 * r * math.sqrt(3)), rel=0.15)
    assert 0 < m["fscore"] < 1
