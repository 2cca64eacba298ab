"""Marching cubes near the surface, scikit-image block by block against the tensor implementation, on a sphere
given as a module (so Φ is evaluated on the device): time, vertices, faces, and how far apart the vertex sets lie.

    python benchmarks/mesh_marching.py --device cpu --resolution 256 512
    python benchmarks/mesh_marching.py --device cuda --resolution 512 1024 2048
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from scipy.spatial import cKDTree

from torchsiren.geometry.mesh import mesh_blocks


class Ball(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.norm(dim=-1, keepdim=True) - 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--resolution", type=int, nargs="+", default=[256, 512])
    args = parser.parse_args()
    device = torch.device(args.device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu ({torch.get_num_threads()} threads)"
    print(f"sphere of radius 0.5 as a module, mesh_blocks on {name}, torch {torch.__version__}")
    mesh_blocks(Ball(), 64, device=device, method="torch")  # warm-up
    for n in args.resolution:
        meshes = {}
        for method in ("skimage", "torch"):
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            start = time.perf_counter()
            meshes[method] = mesh_blocks(Ball(), n, device=device, method=method)
            seconds = time.perf_counter() - start
            m = meshes[method]
            print(f"N = {n}, {method}: {seconds:.2f} s, {len(m.vertices)} vertices, {len(m.faces)} faces, "
                  f"watertight {m.is_watertight}")
        a, b = (np.asarray(meshes[k].vertices) for k in ("skimage", "torch"))
        apart = max(cKDTree(a).query(b)[0].max(), cKDTree(b).query(a)[0].max())
        print(f"N = {n}: vertex sets at most {apart:.1e} apart")


if __name__ == "__main__":
    main()
