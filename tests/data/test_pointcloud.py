"""Oriented point clouds from users' files and meshes; normalisation into [−1, 1]³; clear errors for bad input."""
import warnings

import numpy as np
import pytest
import trimesh

from torchsiren import TorchSirenError
from torchsiren.data.pointcloud import Normalisation, estimate_normals, load_oriented_points


@pytest.fixture
def cloud():
    rng = np.random.default_rng(0)
    n = rng.normal(size=(500, 3))
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    return 2.0 + 3.0 * n, n  # a sphere of radius 3 around (2, 2, 2)


def test_every_format_gives_the_same_oriented_points(tmp_path, cloud):
    points, normals = cloud
    np.savetxt(tmp_path / "c.xyz", np.hstack([points, normals]))
    np.savez(tmp_path / "c.npz", points=points, normals=normals)
    trimesh.PointCloud(points).export(tmp_path / "plain.ply")
    header = ("ply\nformat ascii 1.0\nelement vertex 500\nproperty float x\nproperty float y\nproperty float z\n"
              "property float nx\nproperty float ny\nproperty float nz\nend_header\n")
    (tmp_path / "c.ply").write_text(header + "\n".join(" ".join(f"{v:.6f}" for v in row)
                                                       for row in np.hstack([points, normals])) + "\n")
    for name in ("c.xyz", "c.npz", "c.ply"):
        got = load_oriented_points(tmp_path / name)
        assert np.abs(got.points - points).max() < 1e-5 and np.abs(got.normals - normals).max() < 1e-5, name


def test_meshes_are_sampled_with_their_face_normals(tmp_path):
    box = trimesh.creation.box((2.0, 1.0, 0.5))
    for suffix in (".obj", ".stl", ".off", ".ply"):
        box.export(tmp_path / f"box{suffix}")
        got = load_oriented_points(tmp_path / f"box{suffix}", count=2000)
        assert got.points.shape == (2000, 3) and got.mesh is not None
        # each normal is an axis direction pointing out of the box
        assert np.allclose(np.abs(got.normals).max(1), 1, atol=1e-6)
        assert ((got.points * got.normals).sum(1) > 0).all(), suffix


def test_normalisation_keeps_the_aspect_ratio_and_goes_back(cloud):
    points = cloud[0] * np.array([1.0, 0.5, 0.25])
    norm = Normalisation.fit(points, margin=0.1)
    unit = norm.forward(points)
    assert np.abs(unit).max() == pytest.approx(0.9)
    assert np.allclose(norm.inverse(unit), points)
    assert np.ptp(unit, 0) / np.ptp(unit[:, 0]) == pytest.approx(np.ptp(points, 0) / np.ptp(points[:, 0]))
    back = Normalisation.from_dict(norm.to_dict())
    assert np.allclose(back.forward(points), unit)


def test_estimated_normals_of_a_sphere_are_radial(cloud):
    points, normals = cloud
    dense = 2.0 + 3.0 * trimesh.sample.sample_surface_even(trimesh.creation.icosphere(4), 3000, seed=0)[0]
    estimated = estimate_normals(dense)
    radial = (dense - 2.0) / 3.0
    assert ((estimated * radial).sum(1) > 0.95).mean() > 0.99


def test_bad_input_is_refused_in_one_line(tmp_path, cloud):
    points, normals = cloud
    np.savetxt(tmp_path / "bare.xyz", points)
    np.savetxt(tmp_path / "zero.xyz", np.hstack([points, np.zeros_like(points)]))
    bad = np.hstack([points, normals])
    bad[3, 0] = np.nan
    np.savetxt(tmp_path / "nan.xyz", bad)
    np.savetxt(tmp_path / "few.xyz", np.hstack([points, normals])[:5])
    (tmp_path / "empty.xyz").write_text("")
    (tmp_path / "words.xyz").write_text("a b c\n")
    (tmp_path / "x.abc").write_text("1 2 3\n")
    (tmp_path / "broken.obj").write_bytes(b"\x00\x01 not a mesh")
    for name, message in [("bare.xyz", "without normals.*--estimate-normals"), ("zero.xyz", "zero length"),
                          ("nan.xyz", "NaN"), ("few.xyz", "at least"), ("empty.xyz", "empty"),
                          ("words.xyz", "not a table"), ("x.abc", "unknown kind"), ("missing.xyz", "no such file"),
                          ("broken.obj", "no triangles|cannot read")]:
        with pytest.raises(TorchSirenError, match=message):
            load_oriented_points(tmp_path / name)
    assert load_oriented_points(tmp_path / "bare.xyz", estimate=True).normals.shape == (500, 3)


def test_an_open_mesh_works_with_a_warning(tmp_path):
    box = trimesh.creation.box()
    open_box = trimesh.Trimesh(box.vertices, box.faces[2:], process=False)
    open_box.export(tmp_path / "open.obj")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = load_oriented_points(tmp_path / "open.obj", count=100)
    assert got.points.shape == (100, 3) and any("not watertight" in str(w.message) for w in caught)
