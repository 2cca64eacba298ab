"""Marching cubes of signed distances: on analytic shapes the vertices lie on the true surface, normals point
out, and meshing only the blocks near the surface gives the dense grid's mesh."""
import numpy as np
import pytest
import torch
from scipy.spatial import cKDTree

from torchsiren.data.shapes import shape_sdf
from torchsiren.geometry.mesh import _as_torch, mesh_blocks, mesh_dense, mesh_from_function


@pytest.mark.parametrize("name", ["sphere", "torus"])
def test_vertices_lie_on_the_true_surface_with_outward_normals(name):
    resolution = 65
    mesh = mesh_dense(_as_torch(shape_sdf(name)), resolution)
    h = 2 / (resolution - 1)
    distance = np.abs(shape_sdf(name)(np.asarray(mesh.vertices, np.float64)))
    assert distance.max() < 0.05 * h  # linear interpolation along cell edges of a smooth surface
    assert mesh.is_watertight
    # outward: stepping along each face normal increases the signed distance
    centres, normals = mesh.triangles_center, mesh.face_normals
    assert (shape_sdf(name)(centres + 0.5 * h * normals) > shape_sdf(name)(centres)).mean() > 0.99


def test_blocks_near_the_surface_give_the_dense_mesh():
    """The part has faces lying exactly on block seams (grid planes) and thin features: the hard cases."""
    fn = _as_torch(shape_sdf("part"))
    dense, blocks = mesh_dense(fn, 97), mesh_blocks(fn, 97, blocks=(16, 4))
    diagonal = np.linalg.norm(dense.bounds[1] - dense.bounds[0])
    assert len(blocks.faces) == len(dense.faces)
    assert cKDTree(dense.vertices).query(blocks.vertices)[0].max() < 1e-4 * diagonal
    assert cKDTree(blocks.vertices).query(dense.vertices)[0].max() < 1e-4 * diagonal


def test_a_model_is_meshed_and_nothing_to_mesh_is_said():
    class Ball(torch.nn.Module):
        def forward(self, x):
            return x.norm(dim=-1, keepdim=True) - 0.5

    mesh = mesh_from_function(Ball(), 300, dense_up_to=64)  # above dense_up_to: blocks
    assert np.abs(np.linalg.norm(mesh.vertices, axis=1) - 0.5).max() < 1e-3
    with pytest.raises(ValueError, match="no zero crossing"):
        mesh_from_function(lambda p: np.ones(len(p)), 16)
    with pytest.raises(ValueError, match="at least 16"):
        mesh_from_function(Ball(), 8)
