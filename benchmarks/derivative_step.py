"""Time one training step of a derivative-supervised problem, forward mode vs autograd, in one process.

python benchmarks/derivative_step.py [--points 65536] [--device cuda] — prints a table and writes JSON."""
from __future__ import annotations

import argparse
import json

import torch

from torchsiren import Siren
from torchsiren.bench.workloads import median_ms
from torchsiren.derivatives import evaluate


def time_step(model, coords, target, need, method, device, repeats):
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)

    def step():
        f = evaluate(model, coords, (need,), method=method)
        out = f.laplacian if need == "laplacian" else f.jacobian
        loss = ((out - target) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return median_ms(step, device, 3, repeats)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=65536)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    device = torch.device(args.device)
    torch.manual_seed(0)
    coords = torch.rand(args.points, 2, device=device) * 2 - 1
    rows = []
    for need, shape in (("laplacian", (args.points, 1)), ("jacobian", (args.points, 1, 2))):
        target = torch.randn(shape, device=device)
        for method in ("forward", "autograd"):
            torch.manual_seed(0)
            model = Siren(2, 1).to(device)
            ms = time_step(model, coords, target, need, method, device, args.repeats)
            rows.append({"supervised": need, "method": method, "ms_per_step": round(ms, 3)})
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(f"{args.points} points, Siren 2->256x3->1, fp32, {name}")
    for r in rows:
        print(f"  {r['supervised']:9s} {r['method']:8s} {r['ms_per_step']:8.2f} ms/step")
    if args.out:
        with open(args.out, "w") as fh:
            json.dump({"device": name, "points": args.points, "torch": torch.__version__, "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main()
