import json

import torch

from torchsiren.bench import RefSiren, ref_laplace
from torchsiren.bench.workloads import FAST_RECIPE, fit_gray, grid_eval, laplacian_step, sdf_step, time_to_psnr
from torchsiren.cli.main import main
from torchsiren.derivatives import laplacian


def test_reference_style_code_computes_the_same_laplacian():
    torch.manual_seed(0)
    ref = RefSiren(2, 1, hidden_features=16, hidden_layers=1).double()
    out, x = ref(torch.rand(20, 2, dtype=torch.float64))
    torch.testing.assert_close(ref_laplace(out, x), laplacian(out, x))


def test_workloads_time_both_sides_from_identical_weights():
    cpu = torch.device("cpu")
    lap = laplacian_step(256, 32, 1, cpu, 1, 2, "fp32")
    assert lap["quality"]["relative_error_vs_reference"] < 1e-5 and lap["reference_ms"] > 0 < lap["torchsiren_ms"]
    assert sdf_step(128, 32, 1, cpu, 1, 2, "fp32")["quality"]["relative_error_vs_reference"] < 1e-5
    assert grid_eval(8, 32, 1, cpu, 1, 2, "fp32")["quality"]["relative_error_vs_reference"] < 1e-6
    fit = fit_gray(16, 32, 3, cpu, 1, 2, "fp32")["quality"]
    assert abs(fit["reference_psnr"] - fit["torchsiren_psnr"]) < 0.05  # the same optimisation, step for step
    race = time_to_psnr(16, 32, 1, cpu, 1, 1, "fp32")
    q = race["quality"]
    assert race["reference_ms"] > 0 < race["torchsiren_ms"] and race["reference_fast_recipe_ms"] > 0
    caps = {"reference": 5000, "reference_fast_recipe": FAST_RECIPE["steps"], "torchsiren": FAST_RECIPE["steps"]}
    for side, cap in caps.items():  # reached the target, or ran out of steps trying
        assert q[f"{side}_psnr"] >= q["target_db"] or q[f"{side}_steps"] >= cap


def test_bench_cli_writes_json_and_rejects_unknown_workloads(tmp_path, capsys):
    assert main(["bench", "--quick", "--workload", "grid-512", "--repeats", "1", "--device", "cpu",
                 "--out", str(tmp_path / "b.json")]) == 0
    rows = json.loads((tmp_path / "b.json").read_text())["workloads"]
    assert rows[0]["workload"] == "grid-512" and {"reference_ms", "torchsiren_ms", "speedup", "quality",
                                                  "device"} <= set(rows[0])
    assert (tmp_path / "b.md").exists()
    assert main(["bench", "--workload", "warp-drive", "--out", str(tmp_path / "c.json")]) == 2
    assert "unknown workload" in capsys.readouterr().err
