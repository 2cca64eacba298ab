"""A signed distance to a bundled shape, torchsiren against reference-style code for the same wall time, in one
process from identical weights: torchsiren trains `--steps` steps as `torchsiren fit sdf` does (its loss terms,
forward-mode gradients, clipping at 1, precision auto) and takes T seconds; the reference code (nn.Linear +
torch.sin, the authors' loss through autograd with create_graph, the same points per step: N from the cloud
and N uniform in the box, Adam 1e-4, clipping at 1) then trains for T seconds. Both are meshed and measured the
same way (Chamfer-L1/L2, normal consistency, F-score against the shape's mesh).

    python benchmarks/sdf_race.py --shape room --device cuda --steps 5000 --points 20000 --out F.json
    python benchmarks/sdf_race.py --shape sphere --device cpu --steps 20 --points 500 --resolution 32 --out F.json
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import torch
from torch import nn

from torchsiren import Siren, TrainConfig, train
from torchsiren.bench import RefSiren
from torchsiren.bench.reference import ref_gradient
from torchsiren.data.pointcloud import Normalisation, sample_mesh
from torchsiren.data.shapes import shape_mesh
from torchsiren.device import device_name, resolve_device
from torchsiren.problems.sdf import SDFFitting

METRICS = ("chamfer_l1", "chamfer_l2", "normal_consistency", "fscore", "surface_distance", "mesh_vertices")


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


class _Values(nn.Module):
    """The reference model as Φ: coords -> values (its forward also returns the coordinates)."""

    def __init__(self, ref: RefSiren) -> None:
        super().__init__()
        self.ref = ref

    def forward(self, coords: torch.Tensor) -> torch.Tensor:
        return self.ref.net(coords)


def reference_for(problem: SDFFitting, ref: RefSiren, seconds: float, points: int, device: torch.device) -> int:
    """The authors' loop for `seconds` of wall time; returns the steps it took."""
    opt = torch.optim.Adam(ref.parameters(), lr=1e-4)
    gen = torch.Generator(device=device).manual_seed(0)
    w = problem.weights
    on = torch.zeros(2 * points, 1, dtype=torch.bool, device=device)
    on[:points] = True
    sync(device)
    start, steps = time.perf_counter(), 0
    while True:
        idx = torch.randint(0, len(problem.points), (points,), generator=gen, device=device)
        coords = torch.cat([problem.points[idx], torch.rand(points, 3, generator=gen, device=device) * 2 - 1])
        normals = torch.cat([problem.normals[idx], torch.zeros(points, 3, device=device)])
        sdf, x = ref(coords)
        grad = ref_gradient(sdf, x)
        zero = torch.zeros_like(sdf)
        loss = (w.sdf * torch.where(on, sdf, zero).abs().mean()
                + w.off_surface * torch.where(on, zero, torch.exp(-w.alpha * sdf.abs())).mean()
                + w.normal * torch.where(on, 1 - nn.functional.cosine_similarity(grad, normals, dim=-1)[:, None],
                                         zero).mean()
                + w.eikonal * (grad.norm(dim=-1) - 1).abs().mean())
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(ref.parameters(), 1.0)
        opt.step()
        steps += 1
        if steps % 25 == 0:
            sync(device)
            if time.perf_counter() - start >= seconds:
                return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="room")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--points", type=int, default=20_000, help="surface points per step, as many uniform")
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--resolution", type=int, default=256, help="grid of the meshes measured")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    device = resolve_device(args.device)
    mesh = shape_mesh(args.shape)
    cloud = sample_mesh(mesh, 500_000)
    norm = Normalisation.fit(cloud.points, 0.1)
    problem = SDFFitting(norm.forward(cloud.points), cloud.normals, batch_size=args.points, device=device,
                         resolution=args.resolution, reference_mesh=mesh, normalisation=norm)
    torch.manual_seed(0)
    ours = Siren(3, 1, hidden_features=args.width).to(device)
    ref = RefSiren(3, 1, hidden_features=args.width).to(device)
    ref.load_state_dict(ours.state_dict())
    result = train(ours, problem, TrainConfig(steps=args.steps, lr=1e-4, grad_clip=1.0, log_every=args.steps),
                   progress=False)
    seconds = result.wall_time_s
    ref_steps = reference_for(problem, ref, seconds, args.points, device)
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, model, steps in (("torchsiren", ours, args.steps), ("reference", _Values(ref), ref_steps)):
            folder = Path(tmp) / name
            folder.mkdir()
            metrics = problem.report(model.eval(), folder)
            rows[name] = {"steps": steps} | {k: metrics[k] for k in METRICS if k in metrics}
    out = {"shape": args.shape, "device": device_name(device), "wall_time_s": round(seconds, 2),
           "points_per_step": 2 * args.points, "width": args.width, "mesh_resolution": args.resolution,
           "torch": torch.__version__} | rows
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
