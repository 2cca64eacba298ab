"""Marching cubes near the surface, scikit-image block by block against the tensor implementation: time (and how
much of it evaluates Φ), points evaluated, vertices, faces, peak GPU memory, and how far the meshes lie apart.
Φ is a sphere given as a module, or the SIREN of a `fit sdf` run (--run), evaluated on the device. With --dense N,
each mesh at N is also compared with marching cubes on the whole N³ grid (Chamfer-L1 as a fraction of the
diagonal of [−1, 1]³).

    python benchmarks/mesh_marching.py --device cpu --resolution 256 512
    python benchmarks/mesh_marching.py --device cuda --resolution 512 1024 2048
    python benchmarks/mesh_marching.py --device cuda --run runs/fit-sdf-room --methods torch \\
        --resolution 512 1024 2048 --dense 512
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from scipy.spatial import cKDTree

from torchsiren.geometry.mesh import mesh_blocks, mesh_dense
from torchsiren.kernels.dispatch import float32_matmuls


class Ball(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.norm(dim=-1, keepdim=True) - 0.5


class Timed(torch.nn.Module):
    """Φ with the time spent in it (the device synchronised around each call) and the points it saw."""

    def __init__(self, fn: torch.nn.Module):
        super().__init__()
        self.fn, self.seconds, self.points = fn, 0.0, 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        sync(x.device)
        start = time.perf_counter()
        out = self.fn(x)
        sync(x.device)
        self.seconds += time.perf_counter() - start
        self.points += len(x)
        return out


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def chamfer(a: np.ndarray, b: np.ndarray) -> float:
    """Symmetric mean vertex distance between two vertex sets, as a fraction of [−1, 1]³'s diagonal."""
    return (cKDTree(a).query(b, workers=-1)[0].mean() + cKDTree(b).query(a, workers=-1)[0].mean()) / 2 / 12 ** 0.5


def gradient_band(model: torch.nn.Module, device: torch.device, points: int = 1 << 21, band: float = 0.05) -> None:
    """How steep Φ is near its surface (|Φ| < band, from uniform samples): mesh_blocks' `lipschitz` must bound it
    for no surface to be missed."""
    x = torch.rand(points, 3, device=device) * 2 - 1
    with torch.no_grad():
        near = torch.cat([model(c).reshape(-1) for c in x.split(1 << 18)]).abs() < band
    norms = []
    for c in x[near].split(1 << 16):
        c = c.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(model(c).sum(), c)
        norms.append(g.norm(dim=-1).detach())
    norms = torch.cat(norms).float().cpu().numpy()
    if len(norms):
        print(f"|∇Φ| at {len(norms):,} uniform points with |Φ| < {band}: median {np.median(norms):.3f}, "
              f"99.9% {np.quantile(norms, 0.999):.3f}, max {norms.max():.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--resolution", type=int, nargs="+", default=[256, 512])
    parser.add_argument("--run", help="a fit sdf run folder: mesh its SIREN instead of the sphere")
    parser.add_argument("--methods", nargs="+", default=["skimage", "torch"], choices=["skimage", "torch"])
    parser.add_argument("--dense", type=int, help="compare the meshes at this resolution with the dense grid's")
    parser.add_argument("--precision", nargs="+", default=["fp32"], choices=["fp32", "tf32"],
                        help="Φ's float32 matmuls on a GPU: exact, or on TF32 tensor cores")
    parser.add_argument("--lipschitz", type=float, nargs="+", default=[2.0],
                        help="mesh_blocks' bounds on |∇Φ| to try (blocks kept where a surface could pass)")
    args = parser.parse_args()
    device = torch.device(args.device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu ({torch.get_num_threads()} threads)"
    if args.run:
        from torchsiren.runner import load_run
        model, _ = load_run(args.run, device)
        what = f"the SIREN of {args.run}"
    else:
        model, what = Ball(), "a sphere of radius 0.5 as a module"
    model.eval()
    print(f"{what}, mesh_blocks on {name}, torch {torch.__version__}")
    mesh_blocks(model, 64, device=device, method="torch")  # warm-up
    gradient_band(model, device)
    for n in args.resolution:
        meshes = {}
        for method, lipschitz, precision in ((m, L, p) for m in args.methods for L in args.lipschitz
                                             for p in args.precision):
            timed = Timed(model)
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats(device)
            sync(device)
            start = time.perf_counter()
            with float32_matmuls(precision):
                m = mesh_blocks(timed, n, device=device, method=method, lipschitz=lipschitz)
            seconds = time.perf_counter() - start
            method = method if len(args.lipschitz) == 1 else f"{method}, lipschitz {lipschitz:g}"
            method = method if len(args.precision) == 1 else f"{method}, {precision}"
            meshes[method] = m
            peak = f", peak GPU memory {torch.cuda.max_memory_allocated(device) / 2 ** 30:.2f} GiB" \
                if device.type == "cuda" else ""
            print(f"N = {n}, {method}: {seconds:.2f} s ({timed.seconds:.2f} s evaluating Φ at {timed.points:,} "
                  f"points), {len(m.vertices)} vertices, {len(m.faces)} faces, watertight {m.is_watertight}{peak}",
                  flush=True)
        if set(meshes) == {"skimage", "torch"}:
            a, b = (np.asarray(meshes[k].vertices) for k in ("skimage", "torch"))
            apart = max(cKDTree(a).query(b)[0].max(), cKDTree(b).query(a)[0].max())
            print(f"N = {n}: vertex sets at most {apart:.1e} apart")
        if args.dense == n:
            sync(device)
            start = time.perf_counter()
            with float32_matmuls("fp32"):
                dense = mesh_dense(model, n, device=device)
            seconds = time.perf_counter() - start
            for method, m in meshes.items():
                print(f"N = {n}: dense grid {seconds:.2f} s, {len(dense.vertices)} vertices; {method} blocks "
                      f"against it: Chamfer-L1 {chamfer(np.asarray(dense.vertices), np.asarray(m.vertices)):.1e} "
                      f"of the diagonal", flush=True)


if __name__ == "__main__":
    main()
