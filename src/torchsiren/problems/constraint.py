"""Constraints on Φ and its derivatives over domains, and problems made of them.

A constraint says where (a sampler of its domain), what it needs of Φ (value / jacobian / laplacian / hessian),
what must vanish there (its residual), how residuals are measured (a norm) and how much it counts (a weight).
A problem is a list of constraints plus how to judge and report a solution. The trainer sees only
`Problem.loss`, so a new task never touches it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..derivatives import Fields, evaluate


@dataclass
class Batch:
    """Points of a domain, coords (N, in), with whatever data the residual needs there (tensors of length N)."""

    coords: torch.Tensor
    data: dict[str, torch.Tensor] = field(default_factory=dict)

    def __getitem__(self, key: str) -> torch.Tensor:
        return self.data[key]


Sampler = Callable[[int, torch.Generator], Batch]  # (step, generator) -> Batch
Residual = Callable[[Fields, Batch], torch.Tensor]  # what must vanish: (N, …)


def _norm(residual: torch.Tensor, norm: str | Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    if callable(norm):
        return norm(residual)
    per_point = residual.reshape(residual.shape[0], -1)
    if norm == "mse":  # mean over every entry (the authors' image loss)
        return (per_point ** 2).mean()
    if norm == "l2":  # mean over points of the squared Euclidean norm of the residual vector
        return (per_point ** 2).sum(1).mean()
    if norm == "l1":  # mean over points of Σ |r|
        return per_point.abs().sum(1).mean()
    raise ValueError(f"unknown norm {norm!r}; use 'mse', 'l2', 'l1' or a callable")


@dataclass
class Constraint:
    """C(Φ, ∇Φ, ΔΦ, …) = 0 on a domain; contributes weight · norm(residual) to the loss."""

    name: str
    sampler: Sampler
    residual: Residual
    needs: tuple[str, ...] = ("value",)
    norm: str | Callable[[torch.Tensor], torch.Tensor] = "mse"
    weight: float = 1.0
    schedule: Callable[[int], float] | None = None  # step -> factor on the weight (curricula, warm-ups)

    def loss(self, model: nn.Module, step: int, generator: torch.Generator, method: str = "auto") -> torch.Tensor:
        factor = self.weight * (1.0 if self.schedule is None else self.schedule(step))
        if factor == 0:
            return torch.zeros((), device=next(model.parameters()).device)
        batch = self.sampler(step, generator)
        fields = evaluate(model, batch.coords, self.needs, method=method)
        return factor * _norm(self.residual(fields, batch), self.norm)


class Problem:
    """A set of constraints (the loss) plus how to judge and report a solution. Subclasses add data and pictures."""

    task: str = "custom"
    headline: str | None = None  # the metric the progress bar shows next to the loss (e.g. "psnr")
    gpu_precision: str = "tf32"  # what precision auto takes on a GPU: fp16 where it is measured to keep the quality
    # True when loss() takes its share of each batch in a process group (distributed.data_shard): under torchrun
    # the trainer then wraps the model in DDP, which averages the processes' gradients
    data_parallel: bool = False
    def __init__(self, constraints: list[Constraint], derivative_method: str = "auto") -> None:
        self.constraints = constraints
        self.derivative_method = derivative_method

    @property
    def static(self) -> bool:
        """True when loss() does the same work every step: every domain is a fixed point set taken whole and no
        weight follows a schedule."""
        return all(getattr(c.sampler, "static", False) and c.schedule is None for c in self.constraints)

    @property
    def replayable(self) -> bool:
        """True when one recorded step can stand for every step (the trainer then replays it as a CUDA graph):
        each sampler is static or `graph_safe` (it draws from the generator on its device, with fixed shapes and
        no host copy, so a replay draws new points), and no weight follows a schedule."""
        return all((getattr(c.sampler, "static", False) or getattr(c.sampler, "graph_safe", False))
                   and c.schedule is None for c in self.constraints)

    def prepare_step(self, step: int) -> None:
        """Called by the trainer before step `step`, outside any CUDA graph: a problem whose loss changes with the
        step keeps that in device tensors updated here (then its samplers can be graph_safe)."""

    def loss(self, model: nn.Module, step: int, generator: torch.Generator) -> torch.Tensor:
        return sum(c.loss(model, step, generator, self.derivative_method) for c in self.constraints)

    def evaluate(self, model: nn.Module) -> dict[str, float]:
        """Metrics of the current solution (called every few steps, under no_grad)."""
        return {}

    def report(self, model: nn.Module, out_dir: Path) -> dict[str, Any]:
        """Write pictures/files of the solution into out_dir; return final metrics."""
        return self.evaluate(model)

    def quality(self, metrics: dict[str, float]) -> float | None:
        """The PSNR (dB) that a target (TrainConfig.target_psnr) is compared with, from a logged row; None where
        the problem has none."""
        return metrics.get("psnr")

    def rates(self, steps: int, wall_time_s: float, history: list[dict] = ()) -> dict[str, float]:
        """Throughput figures of a finished run (e.g. signals·steps per second), added to its metrics; `history`
        holds the rows logged during training."""
        return {}


# --- domain samplers -------------------------------------------------------------------------------------------

def grid_sampler(coords: torch.Tensor, data: dict[str, torch.Tensor], batch_size: int | None = None) -> Sampler:
    """All points of a fixed set (coords (N, in) with data rows) each step, or `batch_size` random ones."""
    n = coords.shape[0]

    def sample(step: int, generator: torch.Generator) -> Batch:
        if batch_size is None or batch_size >= n:
            return Batch(coords, data)
        idx = torch.randint(0, n, (batch_size,), generator=generator, device=generator.device)
        idx = idx.to(coords.device)
        return Batch(coords[idx], {k: v[idx] for k, v in data.items()})

    sample.static = batch_size is None or batch_size >= n  # the same batch every step
    sample.graph_safe = True  # random rows drawn on the generator's device: a CUDA graph replay draws new ones
    return sample


def uniform_sampler(low: torch.Tensor | list[float], high: torch.Tensor | list[float], n: int,
                    data_fn: Callable[[torch.Tensor], dict[str, torch.Tensor]] | None = None,
                    device: torch.device | str | None = None) -> Sampler:
    """n points uniform in the box [low, high] each step; data_fn(coords) supplies data known in closed form."""
    low_t = torch.as_tensor(low, dtype=torch.float32, device=device)
    high_t = torch.as_tensor(high, dtype=torch.float32, device=device)

    def sample(step: int, generator: torch.Generator) -> Batch:
        u = torch.rand(n, low_t.numel(), generator=generator, device=generator.device).to(low_t.device)
        coords = low_t + (high_t - low_t) * u
        return Batch(coords, data_fn(coords) if data_fn else {})

    sample.graph_safe = data_fn is None  # what a data_fn does (NumPy, host copies) cannot be known
    return sample
