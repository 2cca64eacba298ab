"""`torchsiren fit-many` under torchrun: two gloo processes on the CPU give the one-process run's weights."""
import json
import os
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
from safetensors.torch import load_file

from torchsiren.data.collection import bundled_patches
from torchsiren.distributed import share

ARGS = ["fit-many", "imgs", "--steps", "30", "--hidden-features", "16", "--device", "cpu", "--quiet"]


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
                          "torchsiren.cli.main", *ARGS, "--out", "two"], cwd=tmp_path, capture_output=True, text=True,
                         env=env, timeout=300)
    assert one.returncode == 0 and two.returncode == 0, (one.stderr[-2000:], two.stderr[-2000:])
    a, b = load_file(tmp_path / "one" / "model.safetensors"), load_file(tmp_path / "two" / "model.safetensors")
    assert sorted(a) == sorted(b) and all(np.allclose(a[k].numpy(), b[k].numpy(), atol=1e-6) for k in a)
    metrics = json.loads((tmp_path / "two" / "metrics.json").read_text())
    assert metrics["world_size"] == 2 and metrics["count"] == 5
    assert abs(metrics["psnr_mean"] - json.loads((tmp_path / "one" / "metrics.json").read_text())["psnr_mean"]) < 1e-3
