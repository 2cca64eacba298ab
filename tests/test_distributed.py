"""Under torchrun: two gloo processes on the CPU give the one-process run (fit-many, hypernet train), and a run
started in two processes resumes in one."""
import json
import os
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import torch
from safetensors.torch import load_file

from torchsiren.data.collection import bundled_patches
from torchsiren.distributed import share

ARGS = ["fit-many", "imgs", "--steps", "30", "--hidden-features", "16", "--schedule", "constant", "--device", "cpu",
        "--quiet"]  # constant: a run stopped at 15 steps and resumed to 30 has the 30-step run's rates


def test_shares_cover_every_signal_once():
    shares = [share(7, rank, 3) for rank in range(3)]
    assert sorted(sum(shares, [])) == list(range(7)) and shares[0] == [0, 3, 6]


def test_two_processes_give_the_one_process_run(tmp_path):
    (tmp_path / "imgs").mkdir()
    for i, tile in enumerate(bundled_patches(split="test")[:5]):
        iio.imwrite(tmp_path / "imgs" / f"{i}.png", (tile * 255).astype(np.uint8))
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    one = subprocess.run([sys.executable, "-m", "torchsiren.cli.main", *ARGS, "--out", "one"], cwd=tmp_path,
                         capture_output=True, text=True, env=env, timeout=300)
    two = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m",
                          "torchsiren.cli.main", *ARGS, "--steps", "15", "--checkpoint-every", "15", "--out", "two"],
                         cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert one.returncode == 0 and two.returncode == 0, (one.stderr[-2000:], two.stderr[-2000:])
    again = subprocess.run([sys.executable, "-m", "torchsiren.cli.main", "fit-many", "--resume", "two", "--steps", "30",
                            "--device", "cpu", "--quiet"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]  # started in two processes, finished in one
    a, b = load_file(tmp_path / "one" / "model.safetensors"), load_file(tmp_path / "two" / "model.safetensors")
    assert sorted(a) == sorted(b) and all(np.allclose(a[k].numpy(), b[k].numpy(), atol=1e-6) for k in a)
    metrics = json.loads((tmp_path / "two" / "metrics.json").read_text())
    assert json.loads((tmp_path / "two" / "config.json").read_text())["world_size"] == 2 and metrics["count"] == 5
    assert abs(metrics["psnr_mean"] - json.loads((tmp_path / "one" / "metrics.json").read_text())["psnr_mean"]) < 1e-3


HYPER = ["hypernet", "train", "faces", "--hidden-features", "8", "--latent-dim", "8", "--batch-size", "4",
         "--device", "cpu", "--quiet", "--checkpoint-every", "3"]


def _run(tmp_path, processes: int, *args):
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "OMP_NUM_THREADS": "1"}
    launch = ([sys.executable, "-m", "torchsiren.cli.main"] if processes == 1 else
              [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}", "-m",
               "torchsiren.cli.main"])
    done = subprocess.run([*launch, *args], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_hypernet_in_two_processes_follows_one_and_resumes_with_another_count(tmp_path):
    """DDP: each process takes half of every batch; the averaged gradient is the one-process gradient. A run
    started in two processes resumes in one and ends where a one-process run ends."""
    _run(tmp_path, 1, *HYPER, "--steps", "6", "--out", "one")
    _run(tmp_path, 2, *HYPER, "--steps", "3", "--out", "two")
    _run(tmp_path, 1, "hypernet", "train", "--resume", "two", "--steps", "6", "--device", "cpu", "--quiet")
    a, b = load_file(tmp_path / "one" / "model.safetensors"), load_file(tmp_path / "two" / "model.safetensors")
    assert sorted(a) == sorted(b)
    # summation order differs, and Adam's first steps turn a rounding-level gradient into a step of up to lr
    # (5e-4) for the few entries whose gradient is near zero: all but 0.1% of the weights within a fifth of one
    # step, and the scores equal
    apart = torch.cat([(a[k] - b[k]).abs().flatten() for k in a])
    assert float((apart > 1e-4).float().mean()) < 1e-3 and float(apart.max()) < 2e-3, float(apart.max())
    one, two = (json.loads((tmp_path / run / "metrics.json").read_text()) for run in ("one", "two"))
    assert abs(one["mse_context_100"] - two["mse_context_100"]) < 1e-4 * one["mse_context_100"]
    config = json.loads((tmp_path / "two" / "config.json").read_text())
    assert config["world_size"] == 2 and config["train"]["steps"] == 6
