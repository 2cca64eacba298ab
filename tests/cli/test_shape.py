"""`torchsiren fit sdf INPUT`, `torchsiren mesh RUN --resolution N --out MESH.ply` and `torchsiren evaluate-mesh
PRED GT` (a JSON object on the last line of output)."""
import json
import re

import numpy as np
import pytest
import trimesh

from .test_cli import run_cli

SMALL = ["--hidden-features", "64", "--hidden-layers", "2", "--points", "1000", "--quiet", "--device", "cpu"]


@pytest.fixture(scope="module")
def sphere_run(tmp_path_factory):
    """A sphere of radius 3 around (10, 0, 0), given as an .xyz cloud, fitted for 300 steps; its mesh as GT."""
    folder = tmp_path_factory.mktemp("sdf")
    truth = trimesh.creation.icosphere(5, radius=3.0)
    truth.apply_translation([10, 0, 0])
    truth.export(folder / "truth.ply")
    points, faces = trimesh.sample.sample_surface(truth, 20_000, seed=0)
    np.savetxt(folder / "cloud.xyz", np.hstack([points, truth.face_normals[faces]]), fmt="%.6f")
    from torchsiren.cli.main import main
    code = main(["fit", "sdf", str(folder / "cloud.xyz"), "--steps", "300", "--resolution", "48", "--reference",
                 str(folder / "truth.ply"), "--out", str(folder / "run"), *SMALL])
    return folder, code


def test_fit_sdf_writes_its_run_folder_in_the_inputs_coordinates(sphere_run):
    folder, code = sphere_run
    assert code == 0
    run = folder / "run"
    for name in ("mesh.ply", "mesh.png", "slices.png", "progress.png", "index.html", "model.safetensors"):
        assert (run / name).exists(), name
    metrics = json.loads((run / "metrics.json").read_text())
    # 300 small steps leave stray blobs away from the points; dropped, the sphere alone remains
    assert metrics["chamfer_l1"] < 0.005 and metrics["normal_consistency"] > 0.98 and metrics["fscore"] > 0.98, metrics
    assert metrics["mesh_pieces_dropped"] > 0
    mesh = trimesh.load(run / "mesh.ply")
    radius = np.linalg.norm(mesh.vertices - [10, 0, 0], axis=1)  # back where the cloud was, inside its margin
    assert abs(np.median(radius) - 3) < 0.05 and radius.max() < 3 / 0.9 * 3 ** 0.5 + 0.01


def test_mesh_and_evaluate_mesh(sphere_run, capsys):
    """`mesh` at the run's resolution gives the run's mesh; `evaluate-mesh` on it gives the run's figures."""
    folder, _ = sphere_run
    code, out, err = run_cli(capsys, "mesh", folder / "run", "--resolution", 48, "--out", folder / "m48.ply",
                             "--device", "cpu")
    assert code == 0 and "wrote" in out, err
    again, first = trimesh.load(folder / "m48.ply"), trimesh.load(folder / "run" / "mesh.ply")
    assert np.allclose(again.bounds, first.bounds, atol=1e-4) and len(again.faces) == len(first.faces)
    code, _, err = run_cli(capsys, "mesh", folder / "run", "--resolution", 48, "--out", folder / "all.ply",
                           "--device", "cpu", "--keep-unsupported")
    assert code == 0 and len(trimesh.load(folder / "all.ply").faces) > len(first.faces), err
    code, _, err = run_cli(capsys, "mesh", folder / "run", "--resolution", 160, "--out", folder / "t.ply",
                           "--device", "cpu", "--marching", "skimage")  # above 128: blocks, scikit-image per block
    assert code == 0 and abs(trimesh.load(folder / "t.ply").area - first.area) < 0.02 * first.area, err
    code, out, err = run_cli(capsys, "evaluate-mesh", folder / "m48.ply", folder / "truth.ply")
    assert code == 0, err
    metrics = json.loads(out.strip().splitlines()[-1])
    recorded = json.loads((folder / "run" / "metrics.json").read_text())
    for key in ("chamfer_l1", "normal_consistency", "fscore", "iou"):
        assert metrics[key] == pytest.approx(recorded[key], rel=0.05, abs=1e-3), key


def test_fit_sdf_resumes_with_its_own_input(tmp_path, capsys):
    out = tmp_path / "run"
    code, _, err = run_cli(capsys, "fit", "sdf", "sphere", "--steps", 5, "--resolution", 16, "--out", out, *SMALL)
    assert code == 0, err
    code, stdout, err = run_cli(capsys, "fit", "sdf", "--resume", out, "--steps", 8, "--quiet")
    assert code == 0 and "from step 5 to 8" in stdout, err


def test_shape_commands_refuse_bad_input_in_one_line(tmp_path, sphere_run, capsys):
    folder, _ = sphere_run
    np.savetxt(tmp_path / "bare.xyz", np.random.default_rng(0).normal(size=(100, 3)))
    (tmp_path / "empty.ply").write_text("")
    cases = [
        (["fit", "sdf", tmp_path / "bare.xyz", "--steps", 2], "without normals"),
        (["fit", "sdf", tmp_path / "empty.ply", "--steps", 2], "empty"),
        (["fit", "sdf", "teapot", "--steps", 2], "no such file.*bundled shapes"),
        (["fit", "sdf", "sphere", "--resolution", 8, "--steps", 2], "resolution must be in"),
        (["fit", "sdf", "sphere", "--weights", "1,2", "--steps", 2], "four numbers"),
        (["mesh", folder / "run", "--resolution", 8], "resolution must be in"),
        (["mesh", folder / "run", "--resolution", 32, "--out", tmp_path / "m.xyz"], "must end in"),
        (["mesh", folder / "run", "--resolution", 32, "--lipschitz", 0], "lipschitz.*positive"),
        (["evaluate-mesh", tmp_path / "missing.ply", folder / "truth.ply"], "no such file"),
    ]
    for args, message in cases:
        code, _, err = run_cli(capsys, *args, *(SMALL + ["--out", tmp_path / "r"] if args[0] == "fit" else []))
        assert code == 2 and len(err.strip().splitlines()) == 1, (args, err)
        assert re.search(message, err), (args, err)


def test_compare_sdf_writes_the_table_and_the_meshes_side_by_side(sphere_run, tmp_path, capsys):
    folder, _ = sphere_run
    out = tmp_path / "cmp"
    code, stdout, err = run_cli(capsys, "compare", "sdf", folder / "cloud.xyz", "--reference", folder / "truth.ply",
                                "--steps", 20, "--resolution", 32, "--out", out, *SMALL)
    assert code == 0, err
    table = (out / "results.md").read_text()
    assert "| siren |" in table and "| relu-pe |" in table and "Chamfer-L1" in table
    results = {r["model"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    assert results["relu-pe"]["parameters"] <= results["siren"]["parameters"]  # one budget
    assert (out / "meshes.png").exists() and 'href="siren/index.html"' in (out / "index.html").read_text()
