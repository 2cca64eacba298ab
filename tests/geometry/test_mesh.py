"""Marching cubes of signed distances: on analytic shapes the vertices lie on the true surface, normals point
out, and meshing only the blocks near the surface gives the dense grid's mesh."""
import numpy as np
import pytest
import torch
from scipy.spatial import cKDTree

from torchsiren.data.shapes import shape_sdf
from torchsiren.geometry.mesh import _as_torch, drop_unsupported, mesh_blocks, mesh_dense, mesh_from_function


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


def test_blocks_are_kept_by_the_bound_on_the_gradient():
    """A Φ three times as steep as a signed distance loses blocks the surface crosses under the default bound
    (faces missing), and gives the dense mesh again when `lipschitz` bounds its gradient."""
    fn = _as_torch(lambda p: 3 * shape_sdf("knot")(p))
    dense = mesh_dense(fn, 97)
    assert len(mesh_blocks(fn, 97, blocks=(16, 8)).faces) < len(dense.faces)
    bounded = mesh_blocks(fn, 97, blocks=(16, 8), lipschitz=3.0)
    assert len(bounded.faces) == len(dense.faces) and len(bounded.vertices) == len(dense.vertices)


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


@pytest.mark.parametrize("name", ["part", "torus"])
def test_marching_cubes_as_tensor_operations_give_scikit_images_vertices_and_a_closed_surface(name):
    """The tensor marching cubes (what a GPU runs) on the CPU: the same vertices as scikit-image's, one per
    crossed grid edge, a closed surface (every edge in two triangles), normals out, the same volume."""
    fn = _as_torch(shape_sdf(name))
    ours, theirs = (mesh_blocks(fn, 97, blocks=(16, 4), method=m) for m in ("torch", "skimage"))
    a, b = (np.unique(np.round(np.asarray(m.vertices), 6), axis=0) for m in (ours, theirs))
    assert len(a) == len(b) and cKDTree(b).query(a)[0].max() < 1e-5 and cKDTree(a).query(b)[0].max() < 1e-5
    assert ours.is_watertight and ours.is_winding_consistent
    assert abs(ours.volume - theirs.volume) < 1e-3 * theirs.volume and ours.volume > 0


def test_the_triangle_table_closes_every_pattern_of_random_values():
    """Random values (every ambiguous face and cube pattern occurs): away from the grid's border every mesh edge
    lies in exactly two triangles."""
    from torchsiren.geometry.marching import march_blocks
    n = 24
    values = torch.from_numpy(np.random.default_rng(0).standard_normal((1, n + 1, n + 1, n + 1)))
    _, verts, faces = march_blocks(values, torch.zeros(1, 3, dtype=torch.long), torch.full((1, 3), n), n + 1)
    f = faces.numpy()
    edges, count = np.unique(np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), 1), axis=0,
                             return_counts=True)
    border = ((verts.numpy() <= 0) | (verts.numpy() >= n)).any(1)
    inner = ~(border[edges[:, 0]] & border[edges[:, 1]])
    assert len(f) > 1000 and (count[inner] == 2).all()


def test_pieces_no_point_supports_are_dropped():
    """Two spheres, points on the larger only: the small one goes, the large one stays whole."""
    def ball(centre, radius):
        return lambda p: np.linalg.norm(p - np.asarray(centre), axis=-1) - radius
    big, small = ball([-0.3, 0, 0], 0.4), ball([0.6, 0.6, 0.6], 0.15)
    both = mesh_dense(_as_torch(lambda p: np.minimum(big(p), small(p))), 65)
    alone = mesh_dense(_as_torch(big), 65)
    points = np.random.default_rng(0).normal(size=(5000, 3))
    points = 0.4 * points / np.linalg.norm(points, axis=1, keepdims=True) + [-0.3, 0, 0]
    kept, dropped = drop_unsupported(both, points, 0.02)
    assert dropped == 1 and len(kept.faces) == len(alone.faces) and len(kept.vertices) == len(alone.vertices)
    assert drop_unsupported(alone, points, 0.02) == (alone, 0)
