"""One SDF training step (the authors' loss, 3→256×3→1) with ∇Φ by forward mode and by autograd, same model,
same points: median milliseconds of each, and the largest difference of the two losses.
Usage: python benchmarks/sdf_step_methods.py [--points 2000] [--device cpu|cuda]"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from torchsiren import Siren
from torchsiren.data.pointcloud import sample_mesh
from torchsiren.data.shapes import shape_mesh
from torchsiren.device import device_name, resolve_device
from torchsiren.problems.sdf import SDFFitting


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=2000)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--repeats", type=int, default=10)
    args = ap.parse_args()
    device = resolve_device(args.device)
    cloud = sample_mesh(shape_mesh("part", 96), 100_000)
    problem = SDFFitting(cloud.points / np.abs(cloud.points).max() * 0.9, cloud.normals, args.points, device=device)
    torch.manual_seed(0)
    model = Siren(3, 1).to(device)
    losses, times = {}, {}
    for method in ("forward", "autograd"):
        problem.derivative_method = method
        runs = []
        for i in range(args.repeats + 2):
            gen = torch.Generator(device=device).manual_seed(i)
            if device.type == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
            loss = problem.loss(model, 0, gen)
            loss.backward()
            if device.type == "cuda":
                torch.cuda.synchronize()
            runs.append(1000 * (time.perf_counter() - start))
            model.zero_grad()
            losses.setdefault(method, []).append(loss.item())
        times[method] = float(np.median(runs[2:]))
    gap = max(abs(a - b) / abs(b) for a, b in zip(losses["forward"], losses["autograd"]))
    print(f"{device_name(device)}, {args.points} surface + {args.points} uniform points, 3→256×3→1: "
          f"forward mode {times['forward']:.1f} ms, autograd {times['autograd']:.1f} ms "
          f"({times['autograd'] / times['forward']:.2f}×); losses agree to {gap:.1e} (relative)")


if __name__ == "__main__":
    main()
