"""Many SIRENs' sine layers, plain (batched matmuls and torch.sin) against fused (kernels/batched.py: a batched
matmul and one Triton pass writing the sine and its derivative): time per training step of 1024 bundled 32²
patches (2→64×4→3, the fit-many bench's workload) and the mean PSNR after 300 steps, from identical weights.

    python benchmarks/batched_fused.py --device cuda --out batched_fused.json
"""
from __future__ import annotations

import argparse
import copy
import json
import time

import torch

from torchsiren.data.collection import bundled_patches
from torchsiren.kernels.dispatch import float32_matmuls
from torchsiren.models import BatchedSiren
from torchsiren.problems.many import ManyImageFitting


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--count", type=int, default=1024)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    device = torch.device(args.device)
    patches = bundled_patches(32, "all")
    patches = patches[torch.arange(args.count).numpy() % len(patches)]
    problem = ManyImageFitting(patches, device=device)
    torch.manual_seed(0)
    start = BatchedSiren(args.count, 2, 3, hidden_features=args.width).to(device)
    rows = []
    for precision in ("fp32", "tf32"):
        for implementation in ("torch", "fused"):
            model = copy.deepcopy(start)
            model.implementation = implementation
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
            gen = torch.Generator(device=device).manual_seed(0)

            def step():
                optimizer.zero_grad(set_to_none=True)
                problem.loss(model, 0, gen).backward()
                optimizer.step()

            with float32_matmuls(precision):
                times = []
                for i in range(args.steps):
                    sync(device)
                    t = time.perf_counter()
                    step()
                    sync(device)
                    times.append(time.perf_counter() - t)
                psnr = float(problem.psnrs(model).mean())
            times = sorted(times[10:])
            row = {"precision": precision, "implementation": implementation, "median_ms": 1e3 * times[len(times) // 2],
                   "psnr_mean": round(psnr, 3), "steps": args.steps}
            print(json.dumps(row), flush=True)
            rows.append(row)
    header = {"device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu", "torch": torch.__version__, "count": args.count,
              "width": args.width, "workload": "2→width×4→3 SIRENs on bundled 32² patches, Adam 1e-4, full batch"}
    with open(args.out, "w") as f:
        json.dump({**header, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
