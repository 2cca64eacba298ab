"""Full-waveform inversion (the paper's inverse Helmholtz problem): recover the medium from receiver data.

Φ: (x, y) -> (Re u₁, Im u₁, …, Re u_S, Im u_S, δm): S wave fields, one per source, and the squared slowness
m = 1 + δm shared by all of them. Constraints: every u_s satisfies the Helmholtz equation (with the PML) for the
learnt m and its own source; every u_s matches the data recorded at the receivers. The data are simulated here
by finite differences in the true medium (finite_difference_helmholtz), so the problem is self-contained.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..data.grid import grid
from ..errors import TorchSirenError
from .constraint import Batch, Constraint, Problem, grid_sampler
from .fitting import predict_grid
from .helmholtz import Helmholtz, finite_difference_helmholtz


def ring(n: int, radius: float, phase: float = 0.0) -> np.ndarray:
    """n points evenly spaced on a circle around the origin: (n, 2)."""
    angles = phase + 2 * math.pi * np.arange(n) / n
    return radius * np.stack([np.cos(angles), np.sin(angles)], -1)


MAX_SOURCES = 64  # each is one finite-difference solve of the data and two network outputs

class InverseHelmholtz(Problem):
    task = "helmholtz-inverse"
    headline = "slowness_rel_l2"

    def __init__(self, wavenumber: float = 20.0, sources: int = 5, receivers: int = 30, velocity: str = "circle",
                 inclusion_velocity: float = 2.0, pml_width: float = 0.5, points: int = 230 ** 2,
                 data_weight: float = 1e3, fd_nodes: int = 255, eval_size: int = 128, medium_warmup: int = 0,
                 device: torch.device | str = "cpu") -> None:
        if sources < 1 or receivers < 1:
            raise TorchSirenError(f"sources and receivers must be >= 1, got {sources} and {receivers}", "sources",
                                  "receivers")
        if sources > MAX_SOURCES:
            raise TorchSirenError(f"sources {sources}: each source is a finite-difference solve and two more network "
                                  f"outputs; use sources <= {MAX_SOURCES}", "sources")
        if medium_warmup < 0:
            raise TorchSirenError(f"medium_warmup must be >= 0, got {medium_warmup}", "medium_warmup")
        inner = 1 - pml_width
        self.sources, self.receivers = ring(sources, 0.8 * inner), ring(receivers, 0.9 * inner, math.pi / receivers)
        self.forward = [Helmholtz(wavenumber, velocity, inclusion_velocity, pml_width, points=points,
                                  eval_size=eval_size, device=device, center=tuple(c)) for c in self.sources]
        self.device, self.eval_size, self.inner = torch.device(device), eval_size, inner
        rec = torch.tensor(self.receivers, dtype=torch.float32, device=self.device)
        self.data = torch.from_numpy(self.record(fd_nodes)).to(self.device)  # (R, 2S)
        s_count = len(self.forward)

        self.medium_warmup = medium_warmup
        self._medium_free = torch.full((), float(medium_warmup <= 0), device=self.device)  # see prepare_step

        def sample(step: int, gen: torch.Generator) -> Batch:
            parts = [torch.rand(points, 2, generator=gen, device=gen.device).to(self.device) * 2 - 1]
            parts += [h.source_disc(100, gen) for h in self.forward]
            coords = torch.cat(parts)
            return Batch(coords, {"medium_free": self._medium_free}
                         | {f"f{i}": h.source(coords) for i, h in enumerate(self.forward)})

        sample.graph_safe = True  # the warm-up is a device flag (prepare_step), so the step can be replayed

        def pde(fields, batch: Batch) -> torch.Tensor:
            # the first `medium_warmup` steps fit the fields in the background medium (m = 1) before m may move
            m = 1 + fields.value[:, -1] * batch["medium_free"]
            out = [h.residual(batch.coords, fields.value[:, 2 * i:2 * i + 2], fields.jacobian[:, 2 * i:2 * i + 2],
                              fields.hessian_diagonal[:, 2 * i:2 * i + 2], batch[f"f{i}"], slowness=m)
                   for i, h in enumerate(self.forward)]
            return torch.view_as_real(torch.stack(out, 1))

        super().__init__([
            Constraint("helmholtz", sample, pde, needs=("jacobian", "hessian_diagonal"), norm="l1"),
            Constraint("receivers", grid_sampler(rec, {"d": self.data}),
                       lambda f, b: f.value[:, :2 * s_count] - b["d"], norm="l1", weight=data_weight),
        ])

    def prepare_step(self, step: int) -> None:
        """The medium enters the equation once the warm-up is over: a device flag, read inside replayed steps."""
        self._medium_free.fill_(float(step >= self.medium_warmup))

    @property
    def out_features(self) -> int:
        return 2 * len(self.forward) + 1

    def record(self, fd_nodes: int) -> np.ndarray:
        """What the receivers record from each source in the true medium (finite differences, interpolated):
        (R, 2S) float32, Re and Im per source."""
        from scipy.interpolate import RegularGridInterpolator
        from tqdm.auto import tqdm
        axis = np.linspace(-1.0, 1.0, fd_nodes)
        columns = []
        # a few seconds a source at 255² nodes: say so while it runs (silent for a handful of sources)
        for h in tqdm(self.forward, desc="receiver data by finite differences", unit="source", leave=False,
                      disable=len(self.forward) < 8):
            u = finite_difference_helmholtz(h, fd_nodes)
            for part in (u.real, u.imag):
                columns.append(RegularGridInterpolator((axis, axis), part)(self.receivers))
        return np.stack(columns, 1).astype(np.float32)

    def true_slowness(self) -> np.ndarray:
        coords = grid((self.eval_size, self.eval_size)).to(self.device)
        return self.forward[0].squared_slowness(coords).cpu().numpy()

    def slowness(self, model: nn.Module) -> np.ndarray:
        out = predict_grid(model, (self.eval_size, self.eval_size), self.device)
        return 1 + out[..., -1].reshape(-1).cpu().numpy()

    def evaluate(self, model: nn.Module) -> dict[str, float]:
        coords = grid((self.eval_size, self.eval_size)).numpy()
        keep = (np.abs(coords) <= self.inner).all(-1)
        m, true = self.slowness(model)[keep], self.true_slowness()[keep]
        metrics = {"slowness_rel_l2": float(np.linalg.norm(m - true) / np.linalg.norm(true))}
        if np.abs(true - 1).max() > 0:  # how much of the perturbation was recovered
            metrics["perturbation_rel_l2"] = float(np.linalg.norm(m - true) / np.linalg.norm(true - 1))
        return metrics

    def report(self, model: nn.Module, out_dir: Path) -> dict[str, Any]:
        from ..report.fields import save_field
        out_dir, n = Path(out_dir), self.eval_size
        true, m = self.true_slowness().reshape(n, n), self.slowness(model).reshape(n, n)
        lo, hi = float(min(true.min(), m.min())), float(max(true.max(), m.max()))
        save_field(out_dir / "slowness_true.png", true, "true squared slowness", cmap="viridis", limit=hi)
        save_field(out_dir / "slowness_recovered.png", m, "recovered squared slowness", cmap="viridis", limit=hi)
        self.pictures = {"true medium": "slowness_true.png", "recovered medium": "slowness_recovered.png"}
        return self.evaluate(model) | {"sources": len(self.forward), "receivers": len(self.receivers),
                                       "slowness_range": [lo, hi]}
