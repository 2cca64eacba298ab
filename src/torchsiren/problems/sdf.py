"""Signed distance from oriented points (the paper's shape experiment): Φ(x) on [−1, 1]³ with

    on the surface:  w_sdf · |Φ|  +  w_normal · (1 − cos(∇Φ, n))  +  w_eikonal · |‖∇Φ‖ − 1|
    everywhere:      w_off · exp(−α |Φ|)  +  w_eikonal · |‖∇Φ‖ − 1|

each a mean over its points, the authors' weights (3e3, 1e2, 1e2, 5e1; α = 100) as defaults. Each step draws
`batch_size` points of the cloud and `batch_size` uniform points; the total is half the sum above, which is the
authors' loss exactly (they average every term over both halves together), so their gradient clipping carries
over. ∇Φ comes as `derivatives.evaluate` chooses: the fused value-and-gradient kernels on a GPU, else autograd."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..derivatives import evaluate
from ..errors import TorchSirenError
from .constraint import Constraint, Problem, grid_sampler, uniform_sampler


@dataclass
class SDFWeights:
    sdf: float = 3e3
    normal: float = 1e2
    off_surface: float = 1e2
    eikonal: float = 5e1
    alpha: float = 100.0

    def validate(self) -> "SDFWeights":
        for name, value in vars(self).items():
            if not (np.isfinite(value) and value >= 0):
                raise TorchSirenError(f"SDF weight {name} must be a finite number >= 0, got {value}", name)
        return self


def _surface_terms(fields, batch) -> torch.Tensor:
    grad = fields.jacobian[:, 0]
    cos = torch.nn.functional.cosine_similarity(grad, batch["n"], dim=-1)
    return torch.stack([fields.value[:, 0].abs(), 1 - cos, (grad.norm(dim=-1) - 1).abs()], 1)


def _space_terms(fields, batch) -> torch.Tensor:
    grad = fields.jacobian[:, 0]
    return torch.stack([fields.value[:, 0], (grad.norm(dim=-1) - 1).abs()], 1)


def support_distance(resolution: int) -> float:
    """How far (in [−1, 1]³) a mesh piece's vertices may lie from the input points, in the median, to be kept:
    two grid cells, and at least 1% of the box."""
    return max(4.0 / (resolution - 1), 0.02)


class SDFFitting(Problem):
    """Φ a signed distance of the surface through `points` (N, 3) in [−1, 1]³ with unit `normals` (N, 3)."""

    task = "fit-sdf"
    headline = "surface_distance"

    def __init__(self, points: np.ndarray, normals: np.ndarray, batch_size: int = 10_000,
                 weights: SDFWeights | None = None, device: torch.device | str = "cpu", resolution: int = 128,
                 reference_mesh=None, normalisation=None, keep_unsupported: bool = False) -> None:
        w = (weights or SDFWeights()).validate()
        if not batch_size >= 1:
            raise TorchSirenError(f"batch_size must be >= 1, got {batch_size}", "batch_size")
        self.device, self.weights, self.resolution = torch.device(device), w, int(resolution)
        self.reference_mesh, self.normalisation = reference_mesh, normalisation
        self.keep_unsupported = keep_unsupported
        self.points = torch.as_tensor(points, dtype=torch.float32, device=self.device)
        self.normals = torch.as_tensor(normals, dtype=torch.float32, device=self.device)
        surface = Constraint("surface", grid_sampler(self.points, {"n": self.normals}, batch_size),
                             residual=_surface_terms, needs=("value", "jacobian"),
                             norm=lambda r: 0.5 * (w.sdf * r[:, 0].mean() + w.normal * r[:, 1].mean()
                                                   + w.eikonal * r[:, 2].mean()))
        space = Constraint("space", uniform_sampler([-1.0] * 3, [1.0] * 3, batch_size, device=self.device),
                           residual=_space_terms, needs=("value", "jacobian"),
                           norm=lambda r: 0.5 * (w.off_surface * torch.exp(-w.alpha * r[:, 0].abs()).mean()
                                                 + w.eikonal * r[:, 1].mean()))
        super().__init__([surface, space])
        gen = torch.Generator().manual_seed(1234)  # fixed points for the metrics logged during training
        pick = torch.randint(0, len(self.points), (min(8192, len(self.points)),), generator=gen)
        self._check = (self.points[pick.to(self.device)], self.normals[pick.to(self.device)],
                       (torch.rand(8192, 3, generator=gen) * 2 - 1).to(self.device))

    def evaluate(self, model: nn.Module) -> dict[str, float]:
        """surface_distance: mean |Φ| on the cloud (a fraction of [−1, 1]³'s diagonal); normal_cosine on the cloud;
        eikonal_error: mean |‖∇Φ‖ − 1| at uniform points."""
        on, n, space = self._check
        with torch.enable_grad():  # derivatives by autograd where forward mode does not apply
            f_on = evaluate(model, on, ("value", "jacobian"))
            f_space = evaluate(model, space, ("value", "jacobian"))
        g_on, g_space = f_on.jacobian[:, 0].detach(), f_space.jacobian[:, 0].detach()
        return {"surface_distance": f_on.value.detach().abs().mean().item() / (2 * 3 ** 0.5),
                "normal_cosine": torch.nn.functional.cosine_similarity(g_on, n, dim=-1).mean().item(),
                "eikonal_error": (g_space.norm(dim=-1) - 1).abs().mean().item()}

    def support(self, count: int = 200_000) -> np.ndarray:
        """Up to `count` of the input points (in [−1, 1]³), what decides which pieces of a mesh are kept."""
        step = max(1, len(self.points) // count)
        return self.points[::step].cpu().numpy()

    def mesh(self, model: nn.Module, resolution: int | None = None):
        """The zero level set of Φ as a trimesh.Trimesh in the input's own coordinates, without the pieces no
        input point supports (unless keep_unsupported); `self.dropped` counts those."""
        from ..geometry.mesh import drop_unsupported, mesh_from_function
        resolution = resolution or self.resolution
        mesh = mesh_from_function(model, resolution, device=self.device)
        self.dropped = 0
        if not self.keep_unsupported:
            mesh, self.dropped = drop_unsupported(mesh, self.support(), support_distance(resolution))
        if self.normalisation is not None:
            mesh.vertices = self.normalisation.inverse(np.asarray(mesh.vertices, np.float64))
        return mesh

    def report(self, model: nn.Module, out_dir: Path) -> dict[str, Any]:
        from ..report.mesh import render_mesh, save_sdf_slices
        out_dir = Path(out_dir)
        metrics = self.evaluate(model)
        save_sdf_slices(out_dir / "slices.png", model, self.device)
        self.pictures = {"Φ on the planes x = 0, y = 0, z = 0 (black: the surface)": "slices.png"}
        try:
            mesh = self.mesh(model)
        except ValueError as e:  # nothing to mesh yet: the slices and metrics still say where the fit is
            return metrics | {"mesh": str(e)}
        mesh.export(out_dir / "mesh.ply")
        np.save(out_dir / "support.npy", self.support().astype(np.float32))  # for `torchsiren mesh` later
        render_mesh(mesh, out_dir / "mesh.png")
        self.pictures = {"the extracted mesh": "mesh.png"} | self.pictures
        metrics |= {"mesh_vertices": len(mesh.vertices), "mesh_faces": len(mesh.faces),
                    "mesh_resolution": self.resolution, "mesh_pieces_dropped": self.dropped}
        if self.reference_mesh is not None:
            from ..geometry.metrics import mesh_metrics
            metrics |= mesh_metrics(mesh, self.reference_mesh)
        return metrics
