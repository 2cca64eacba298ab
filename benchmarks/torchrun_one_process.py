"""A run under `torchrun --nproc_per_node=1` against the same command run plainly, on one device: fit-many and
hypernet train, each from the same seed. Prints the largest weight difference and the scores of both runs.

    python benchmarks/torchrun_one_process.py --device cuda --out F.json
    python benchmarks/torchrun_one_process.py --device cpu --steps 20 --out F.json
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from safetensors.torch import load_file

COMMANDS = {
    "fit-many": (["fit-many", "patches", "--count", "256"], "psnr_mean"),
    "hypernet": (["hypernet", "train", "patches"], "mse_context_100"),
}


def run(workdir: Path, launcher: list[str], args: list[str], name: str) -> tuple[dict, dict, float]:
    start = time.perf_counter()
    done = subprocess.run([*launcher, "-m", "torchsiren.cli.main", *args, "--out", name, "--quiet"], cwd=workdir,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{name} failed: {done.stderr[-2000:]}")
    seconds = time.perf_counter() - start
    return (load_file(workdir / name / "model.safetensors"),
            json.loads((workdir / name / "metrics.json").read_text()), seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    plain = [sys.executable]
    under = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=1"]
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workload, (command, score) in COMMANDS.items():
            command = [*command, "--steps", str(args.steps), "--device", args.device, "--seed", "0"]
            a, ma, ta = run(Path(tmp), plain, command, f"{workload}-plain")
            b, mb, tb = run(Path(tmp), under, command, f"{workload}-torchrun")
            apart = max(float((a[k].float() - b[k].float()).abs().max()) for k in a)
            rows[workload] = {"command": "torchsiren " + " ".join(command), "score": score,
                              "plain": ma[score], "torchrun": mb[score], "max_weight_difference": apart,
                              "same_keys": sorted(a) == sorted(b), "plain_s": round(ta, 1),
                              "torchrun_s": round(tb, 1)}
            print(workload, json.dumps(rows[workload]))
    device = torch.cuda.get_device_name() if args.device == "cuda" else "cpu"
    Path(args.out).write_text(json.dumps({"device": device, "steps": args.steps, "runs": rows}, indent=1))


if __name__ == "__main__":
    main()
