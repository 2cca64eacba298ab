"""Full-waveform inversion (the paper's inverse Helmholtz problem): recover the medium from receiver data.

S sources on a ring, R receivers on a ring around them; the data are what the receivers record of each source's
field in the true medium, simulated here by finite differences (finite_difference_helmholtz), so the problem is
self-contained. Two ways to recover the squared slowness m:
- InverseHelmholtz, the paper's: Φ: (x, y) -> (Re u₁, Im u₁, …, Re u_S, Im u_S, δm), S wave fields and the medium
  m = 1 + δm in one network; every u_s must satisfy the Helmholtz equation (with the PML) for the learnt m and
  match the data at the receivers.
- WaveformInversion, the adjoint-state method with the medium as a SIREN: Φ: (x, y) -> δm only. Each step solves
  the equation of every source in the medium Φ gives, on a finite-difference grid, and compares the fields with
  the data at the receivers; the gradient comes from one adjoint solve per source (AdjointSolve).
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
from .helmholtz import FDSystem, Helmholtz, fd_system, finite_difference_helmholtz


def ring(n: int, radius: float, phase: float = 0.0) -> np.ndarray:
    """n points evenly spaced on a circle around the origin: (n, 2)."""
    angles = phase + 2 * math.pi * np.arange(n) / n
    return radius * np.stack([np.cos(angles), np.sin(angles)], -1)


MAX_SOURCES = 64  # each is one finite-difference solve of the data (and two network outputs for InverseHelmholtz)


class Survey(Problem):
    """What both methods share: sources and receivers on rings inside the PML, the true medium, what the receivers
    record in it (data (R, 2S): Re and Im per source), and how a recovered medium is measured and shown. The
    network's last output is δm, the medium m = 1 + δm · medium_mask."""

    task = "helmholtz-inverse"
    headline = "slowness_rel_l2"

    def _survey(self, wavenumber: float, sources: int, receivers: int, velocity: str, inclusion_velocity: float,
                pml_width: float, points: int, fd_nodes: int, eval_size: int, device: torch.device | str) -> None:
        if sources < 1 or receivers < 1:
            raise TorchSirenError(f"sources and receivers must be >= 1, got {sources} and {receivers}", "sources",
                                  "receivers")
        if sources > MAX_SOURCES:
            raise TorchSirenError(f"sources {sources}: each source is a finite-difference solve; use sources <= "
                                  f"{MAX_SOURCES}", "sources")
        inner = 1 - pml_width
        self.sources, self.receivers = ring(sources, 0.8 * inner), ring(receivers, 0.9 * inner, math.pi / receivers)
        self.forward = self.equations(wavenumber, velocity, inclusion_velocity, pml_width, points, eval_size, device)
        self.device, self.eval_size, self.inner = torch.device(device), eval_size, inner
        self.data = torch.from_numpy(self.record(fd_nodes)).to(self.device)  # (R, 2S)

    def equations(self, wavenumber: float, velocity: str, inclusion_velocity: float, pml_width: float, points: int,
                  eval_size: int, device: torch.device | str) -> list[Helmholtz]:
        """One Helmholtz equation per source, at `wavenumber`."""
        return [Helmholtz(wavenumber, velocity, inclusion_velocity, pml_width, points=points, eval_size=eval_size,
                          device=device, center=tuple(c)) for c in self.sources]

    def record(self, fd_nodes: int, forward: list[Helmholtz] | None = None) -> np.ndarray:
        """What the receivers record from each source (of `forward`, default the problem's) in the true medium
        (finite differences, interpolated): (R, 2S) float32, Re and Im per source."""
        from scipy.interpolate import RegularGridInterpolator
        from tqdm.auto import tqdm
        axis = np.linspace(-1.0, 1.0, fd_nodes)
        columns = []
        forward = self.forward if forward is None else forward
        # a few seconds a source at 255² nodes: say so while it runs (silent for a handful of sources)
        for h in tqdm(forward, desc="receiver data by finite differences", unit="source", leave=False,
                      disable=len(forward) < 8):
            u = finite_difference_helmholtz(h, fd_nodes)
            for part in (u.real, u.imag):
                columns.append(RegularGridInterpolator((axis, axis), part)(self.receivers))
        return np.stack(columns, 1).astype(np.float32)

    def medium_mask(self, coords: torch.Tensor) -> torch.Tensor:
        """Where the medium may differ from the background: 1 inside the PML's inner square, 0 in the PML. (N,)"""
        return (coords.abs() <= self.inner).all(-1).to(coords.dtype)

    def true_slowness(self) -> np.ndarray:
        coords = grid((self.eval_size, self.eval_size)).to(self.device)
        return self.forward[0].squared_slowness(coords).cpu().numpy()

    def slowness(self, model: nn.Module) -> np.ndarray:
        coords = grid((self.eval_size, self.eval_size)).to(self.device)
        out = predict_grid(model, (self.eval_size, self.eval_size), self.device)
        return (1 + out[..., -1].reshape(-1) * self.medium_mask(coords)).cpu().numpy()

    def _inside(self) -> np.ndarray:
        """(eval_size²,) bool: the evaluation grid's points inside the PML's inner square, where m is judged."""
        return (np.abs(grid((self.eval_size, self.eval_size)).numpy()) <= self.inner).all(-1)

    def evaluate(self, model: nn.Module) -> dict[str, float]:
        keep = self._inside()
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
        inside = true.reshape(-1)[self._inside()]  # the background medium m = 1 measured the same way
        background = float(np.linalg.norm(1 - inside) / np.linalg.norm(inside))
        return self.evaluate(model) | {"background_slowness_rel_l2": background, "sources": len(self.forward),
                                       "receivers": len(self.receivers), "slowness_range": [lo, hi]}


class InverseHelmholtz(Survey):
    """The paper's method: the fields and the medium in one network, the equation as a residual (see the module)."""

    def __init__(self, wavenumber: float = 20.0, sources: int = 5, receivers: int = 30, velocity: str = "circle",
                 inclusion_velocity: float = 2.0, pml_width: float = 0.5, points: int = 230 ** 2,
                 data_weight: float = 1e3, fd_nodes: int = 255, eval_size: int = 128, medium_warmup: int = 0,
                 device: torch.device | str = "cpu") -> None:
        if medium_warmup < 0:
            raise TorchSirenError(f"medium_warmup must be >= 0, got {medium_warmup}", "medium_warmup")
        self._survey(wavenumber, sources, receivers, velocity, inclusion_velocity, pml_width, points, fd_nodes,
                     eval_size, device)
        rec = torch.tensor(self.receivers, dtype=torch.float32, device=self.device)
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

    def medium_mask(self, coords: torch.Tensor) -> torch.Tensor:
        """The whole square: the fields' equation sees δm everywhere, PML included."""
        return torch.ones(coords.shape[0], dtype=coords.dtype, device=coords.device)


def bilinear_matrix(nodes: int, points: np.ndarray) -> Any:
    """The sparse (P, nodes²) matrix that interpolates a field on the nodes×nodes grid of [-1, 1]² (row-major, x
    first) bilinearly at points (P, 2)."""
    from scipy.sparse import csr_matrix
    h = 2.0 / (nodes - 1)
    t = (np.asarray(points, np.float64) + 1) / h
    i = np.clip(np.floor(t).astype(int), 0, nodes - 2)
    f = t - i
    rows, cols, vals = [], [], []
    for di in (0, 1):
        for dj in (0, 1):
            rows.append(np.arange(len(t)))
            cols.append((i[:, 0] + di) * nodes + i[:, 1] + dj)
            vals.append((f[:, 0] if di else 1 - f[:, 0]) * (f[:, 1] if dj else 1 - f[:, 1]))
    return csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(len(t), nodes * nodes))


class AdjointSolve(torch.autograd.Function):
    """m (nodes²,) -> what the receivers record of each source's field in medium m: (R, 2S), Re and Im per source.

    Forward: A(m) = L + diag(c m) factorised once (scipy's SuperLU), U = A⁻¹ F for the sources' right-hand sides
    F (nodes², S). Backward, for G = ∂L/∂Re(PU) + i ∂L/∂Im(PU): Λ = A⁻ᴴ Pᵀ G with the same factors, and
    ∂L/∂m = −Re Σ_s conj(Λ_s) ⊙ c ⊙ U_s (from dU = −A⁻¹ diag(c dm) U)."""

    @staticmethod
    def forward(ctx, m: torch.Tensor, system: FDSystem, rhs: np.ndarray, receivers: Any) -> torch.Tensor:
        from scipy.sparse.linalg import splu
        lu = splu(system.matrix(m.detach().double().cpu().numpy()))
        fields = lu.solve(rhs)
        ctx.lu, ctx.fields, ctx.system, ctx.receivers = lu, fields, system, receivers
        recorded = receivers @ fields  # (R, S)
        out = np.stack([recorded.real, recorded.imag], -1).reshape(recorded.shape[0], -1)
        return torch.from_numpy(out).to(device=m.device, dtype=m.dtype)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        g = grad.detach().double().cpu().numpy()
        adjoint = ctx.lu.solve(np.ascontiguousarray(ctx.receivers.T @ (g[:, 0::2] + 1j * g[:, 1::2])), trans="H")
        grad_m = -(np.conj(adjoint) * ctx.system.coefficient[:, None] * ctx.fields).real.sum(1)
        return torch.from_numpy(grad_m).to(device=grad.device, dtype=grad.dtype), None, None, None


def _rms(residual: torch.Tensor) -> torch.Tensor:
    """The root mean square: a misfit whose gradient keeps its size as the misfit falls, or jumps at a stage."""
    return residual.pow(2).mean().sqrt()


class WaveformInversion(Survey):
    """The adjoint-state method with the medium as a SIREN: Φ(x) = δm only (one output), the equation solved
    exactly on a finite-difference grid of `nodes`² (coarser than the `fd_nodes`² grid the data come from, so the
    inversion does not reuse the simulator's own grid). Loss: the root-mean-square misfit at the receivers,
    relative to the data's.

    Frequency continuation, as FWI practice does against cycle skipping: data are recorded at each of
    `low_wavenumbers` too, and the first `stage_steps` steps fit the lowest, the next `stage_steps` the next, …,
    the rest `wavenumber` (a large, strong inclusion is missed when fitted at k = 20 alone)."""

    def __init__(self, wavenumber: float = 20.0, sources: int = 5, receivers: int = 30, velocity: str = "circle",
                 inclusion_velocity: float = 2.0, pml_width: float = 0.5, low_wavenumbers: tuple[float, ...] = (5.0, 10.0),
                 stage_steps: int = 150, nodes: int = 128, fd_nodes: int = 255, eval_size: int = 128,
                 device: torch.device | str = "cpu") -> None:
        if nodes < 16:
            raise TorchSirenError(f"nodes must be >= 16, got {nodes}", "nodes")
        low = tuple(float(k) for k in low_wavenumbers)
        if any(not 0 < k < wavenumber for k in low) or list(low) != sorted(low):
            raise TorchSirenError(f"low_wavenumbers must rise from above 0 to below wavenumber {wavenumber:g}, got "
                                  f"{', '.join(map(str, low))}", "low_wavenumbers")
        if low and stage_steps < 1:
            raise TorchSirenError(f"stage_steps must be >= 1, got {stage_steps}", "stage_steps")
        self._survey(wavenumber, sources, receivers, velocity, inclusion_velocity, pml_width, 1, fd_nodes,
                     eval_size, device)
        self.stage_steps, self.receiver_matrix = stage_steps, bilinear_matrix(nodes, self.receivers)
        self.stages = []  # (FDSystem, right-hand sides (nodes², S), data (R, 2S), data's rms) per wavenumber
        spread = bilinear_matrix(nodes, self.sources).T.toarray().astype(complex)  # (nodes², S), unit sums
        for k in (*low, wavenumber):
            forward = self.forward if k == wavenumber else self.equations(
                k, velocity, inclusion_velocity, pml_width, 1, eval_size, device)
            data = self.data if k == wavenumber else torch.from_numpy(self.record(fd_nodes, forward)).to(self.device)
            system = fd_system(forward[0], nodes)
            # each source as a point of its Gaussian's far-field strength, amplitude · e^(−k²σ/2), spread
            # bilinearly over its four nodes: a coarse grid cannot sample a Gaussian narrower than its cells
            h = forward[0]
            rhs = spread * (h.amplitude * np.exp(-k * k * h.sigma / 2) / (2.0 / (nodes - 1)) ** 2)
            rhs[system.coefficient == 0] = 0  # u = 0 on the border
            self.stages.append((system, rhs, data, data.pow(2).mean().sqrt()))
        nodes_t = torch.from_numpy(system.nodes).float().to(self.device)
        mask = self.medium_mask(nodes_t)

        def sample(step: int, generator: torch.Generator) -> Batch:
            return Batch(nodes_t, {"stage": torch.tensor(min(step // self.stage_steps, len(self.stages) - 1))})

        def misfit(fields, batch: Batch) -> torch.Tensor:
            system, rhs, data, scale = self.stages[int(batch["stage"])]
            m = 1 + fields.value[:, 0] * mask
            return (AdjointSolve.apply(m, system, rhs, self.receiver_matrix) - data) / scale

        super().__init__([Constraint("receivers", sample, misfit, norm=_rms)])

    task = "fwi"
    out_features = 1
    static = replayable = False  # each step solves on the host: no CUDA graph, no torch.compile
