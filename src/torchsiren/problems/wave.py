"""The 2-D wave equation u_tt = c² Δₓu on (t, x, y), from a Gaussian initial displacement at rest (the paper's
Fig. 6), with the authors' time curriculum; checked against a NumPy finite-difference solution."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..errors import TorchSirenError, check_positive
from .constraint import Batch, Constraint, Problem

MAX_REFERENCE_UPDATES = 4e9  # the finite-difference reference: about a minute on one CPU core
FRAME_TIMES = (0.0, 0.05, 0.1, 0.15, 0.25)


def initial_displacement(xy: np.ndarray | torch.Tensor, sigma: float):
    """The authors' initial condition: a Gaussian of variance σ at the origin scaled to a peak of 1/50."""
    lib = torch if isinstance(xy, torch.Tensor) else np
    return lib.exp(-(xy ** 2).sum(-1) / (2 * sigma)) / 50.0


def finite_difference_wave(times: tuple[float, ...], n: int = 513, c: float = 1.0, sigma: float = 5e-4,
                           cfl: float = 0.25) -> list[np.ndarray]:
    """Leapfrog solution (4th-order Laplacian) on an n×n grid over [-1, 1]² with u = 0 on the border; the
    fields (n, n) at each requested time. The border is never reached before t = 1/c."""
    h = 2.0 / (n - 1)
    dt = cfl * h / c
    axis = np.linspace(-1, 1, n)
    xy = np.stack(np.meshgrid(axis, axis, indexing="ij"), -1)
    u = initial_displacement(xy, sigma)

    def lap(v: np.ndarray) -> np.ndarray:
        out = np.zeros_like(v)
        inner = v[2:-2, 2:-2]
        for ax in (0, 1):
            def sh(k, a=ax):
                sl = [slice(2, -2), slice(2, -2)]
                sl[a] = slice(2 + k, v.shape[a] - 2 + k)
                return v[tuple(sl)]
            out[2:-2, 2:-2] += (-sh(2) + 16 * sh(1) - 30 * inner + 16 * sh(-1) - sh(-2)) / (12 * h * h)
        return out

    frames = []
    for target in times:  # one run per time, its step shrunk so that a whole number of steps lands on it
        steps = int(math.ceil(target / dt - 1e-9))
        if steps == 0:
            frames.append(u.copy())
            continue
        tau = target / steps
        k2 = (c * tau) ** 2
        prev, cur = u, u + 0.5 * k2 * lap(u)  # zero initial velocity: u(τ) = u + ½ (cτ)² Δu
        for _ in range(steps - 1):
            prev, cur = cur, 2 * cur - prev + k2 * lap(cur)
        frames.append(cur)
    return frames


class WaveEquation(Problem):
    task = "wave"
    headline = None

    def __init__(self, velocity: float = 1.0, sigma: float = 5e-4, t_max: float = 0.4, points: int = 230 ** 2,
                 initial_points: int = 1000, curriculum_steps: int = 100_000, pretrain_steps: int = 0,
                 eval_size: int = 128, device: torch.device | str = "cpu") -> None:
        check_positive("velocity", velocity, finite=True)
        check_positive("t_max", t_max, finite=True)
        fine = 4 * (eval_size - 1) + 1  # the finite-difference reference's grid (see reference)
        updates = max(FRAME_TIMES) * velocity / (0.25 * 2 / (fine - 1)) * fine ** 2
        if updates > MAX_REFERENCE_UPDATES:
            most = velocity * MAX_REFERENCE_UPDATES / updates
            raise TorchSirenError(f"velocity {velocity:g} needs {updates:.1e} grid updates for its finite-difference "
                                  f"reference (hours); use velocity <= {most:.3g}", "velocity")
        self.c, self.sigma, self.t_max, self.eval_size = float(velocity), float(sigma), float(t_max), eval_size
        self.device = torch.device(device)
        self.curriculum_steps, self.pretrain_steps = max(1, curriculum_steps), pretrain_steps

        def sample_domain(step: int, gen: torch.Generator) -> Batch:
            u = torch.rand(points, 3, generator=gen, device=gen.device).to(self.device)
            horizon = self.t_max * min(1.0, max(step - self.pretrain_steps, 0) / self.curriculum_steps)
            return Batch(torch.cat([u[:, :1] * horizon, u[:, 1:] * 2 - 1], 1))

        def sample_initial(step: int, gen: torch.Generator) -> Batch:
            u = torch.rand(2 * initial_points, 2, generator=gen, device=gen.device).to(self.device)
            spread = u[:initial_points] * 2 - 1
            r = 5e2 * self.sigma * u[initial_points:, :1].sqrt()  # the authors' disc around the source
            theta = 2 * math.pi * u[initial_points:, 1:]
            xy = torch.cat([spread, torch.cat([r * torch.cos(theta), r * torch.sin(theta)], 1)])
            coords = torch.cat([torch.zeros_like(xy[:, :1]), xy], 1)
            return Batch(coords, {"u0": initial_displacement(xy, self.sigma).unsqueeze(-1)})

        def pde(fields, batch):
            h = fields.hessian_diagonal[:, 0]  # (N, 3): u_tt, u_xx, u_yy
            return h[:, :1] - self.c ** 2 * (h[:, 1:2] + h[:, 2:3])

        n0 = 2 * initial_points  # the authors weigh the initial conditions by batch/10 and batch/100 per point
        super().__init__([
            Constraint("wave", sample_domain, pde, needs=("hessian_diagonal",), norm="l1",
                       schedule=lambda step: float(step >= self.pretrain_steps)),
            Constraint("initial value", sample_initial, lambda f, b: f.value - b["u0"], norm="l1", weight=n0 / 10),
            Constraint("initial velocity", sample_initial, lambda f, b: f.jacobian[:, :, 0], needs=("jacobian",),
                       norm="l1", weight=n0 / 100),
        ])

    @torch.no_grad()
    def frames(self, model: nn.Module, times=FRAME_TIMES) -> list[np.ndarray]:
        """Φ(t, ·) on an eval_size² grid for each t."""
        n = self.eval_size
        axis = torch.linspace(-1, 1, n, device=self.device)
        xy = torch.stack(torch.meshgrid(axis, axis, indexing="ij"), -1).reshape(-1, 2)
        return [model(torch.cat([torch.full_like(xy[:, :1], t), xy], 1)).reshape(n, n).cpu().numpy() for t in times]

    def reference(self, times=FRAME_TIMES) -> list[np.ndarray]:
        """The finite-difference solution (4× finer grid) sampled on the eval grid; computed once per time."""
        cache = self.__dict__.setdefault("_reference", {})
        missing = tuple(t for t in times if t not in cache)
        if missing:
            fine = 4 * (self.eval_size - 1) + 1
            for t, f in zip(missing, finite_difference_wave(missing, n=fine, c=self.c, sigma=self.sigma)):
                cache[t] = f[::4, ::4]
        return [cache[t] for t in times]

    def evaluate(self, model: nn.Module) -> dict[str, float]:
        (u,), (ref,) = self.frames(model, (0.25,)), self.reference((0.25,))
        return {"rel_l2_t0.25": float(np.linalg.norm(u - ref) / np.linalg.norm(ref))}

    def report(self, model: nn.Module, out_dir: Path) -> dict[str, Any]:
        from ..report.fields import save_field
        from ..report.video import save_animation
        out_dir = Path(out_dir)
        ours, ref = self.frames(model), self.reference()
        lim = float(np.abs(ref[0]).max())
        pictures = {}
        for t, a, b in zip(FRAME_TIMES, ours, ref):
            for name, field in ((f"siren_t{t:.2f}.png", a), (f"fd_t{t:.2f}.png", b)):
                save_field(out_dir / name, field, f"{'SIREN' if name[0] == 's' else 'finite differences'}, t = {t}",
                           limit=lim if t == 0 else None)
            pictures[f"SIREN t={t}"], pictures[f"FD t={t}"] = f"siren_t{t:.2f}.png", f"fd_t{t:.2f}.png"
        times = np.linspace(0, self.t_max, 41)
        save_animation(out_dir / "wave.gif", self.frames(model, tuple(times)))
        pictures["animation"] = "wave.gif"
        self.pictures = pictures
        errors = {f"rel_l2_t{t}": float(np.linalg.norm(a - b) / np.linalg.norm(b)) for t, a, b in zip(FRAME_TIMES, ours, ref)}
        return errors | {"velocity": self.c, "reference": "leapfrog finite differences, 4th-order Laplacian"}
