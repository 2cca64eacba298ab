"""Many SIRENs of one shape as one module, for fitting many signals at once (INR datasets, compression)."""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

from ..errors import check_positive
from ..kernels.dispatch import check_implementation, use_fused
from .siren import Siren

CPU_CHUNK = 64  # members per chunk on a CPU (see BatchedSiren.forward)


class BatchedSiren(nn.Module):
    """`count` independent SIRENs in→hidden×(hidden_layers+1)→out: every layer holds (count, out, in) weights and
    one batched matmul (torch.baddbmm) evaluates all members. Each member is initialized as a Siren is.

    forward(coords): (count, N, in) — each member its own points — or (N, in) shared -> (count, N, out);
    forward(coords, members) evaluates only the given members. `implementation`: as batched_siren's ("auto":
    the fused sine layers on a CUDA GPU with Triton, measured faster at the same quality, docs/performance.md).
    member(i) is SIREN i as a plain Siren (same outputs), for rendering or exporting one signal."""

    def __init__(self, count: int, in_features: int, out_features: int, hidden_features: int = 256,
                 hidden_layers: int = 3, first_omega_0: float = 30.0, hidden_omega_0: float = 30.0,
                 implementation: str = "auto") -> None:
        super().__init__()
        self.implementation = check_implementation(implementation)
        for name, value in (("count", count), ("in_features", in_features), ("out_features", out_features),
                            ("hidden_features", hidden_features)):
            check_positive(name, value, integer=True)
        self.count, self.in_features, self.out_features = count, in_features, out_features
        self.hidden_features, self.hidden_layers = hidden_features, hidden_layers
        self.first_omega_0, self.hidden_omega_0 = float(first_omega_0), float(hidden_omega_0)
        sizes = [in_features] + [hidden_features] * (hidden_layers + 1) + [out_features]
        self.omegas = [self.first_omega_0] + [self.hidden_omega_0] * hidden_layers + [None]  # None: linear
        self.weights, self.biases = nn.ParameterList(), nn.ParameterList()
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            bound = 1.0 / fan_in if i == 0 else math.sqrt(6.0 / fan_in) / self.hidden_omega_0
            self.weights.append(nn.Parameter(torch.empty(count, fan_out, fan_in).uniform_(-bound, bound)))
            b = 1.0 / math.sqrt(fan_in)  # nn.Linear's default bias init
            self.biases.append(nn.Parameter(torch.empty(count, fan_out).uniform_(-b, b)))

    def forward(self, coords: torch.Tensor, members: torch.Tensor | None = None) -> torch.Tensor:
        """coords (count, N, in) or (N, in) -> (count, N, out); with `members` (M,) indices, only those SIRENs:
        coords (M, N, in) or (N, in) -> (M, N, out).

        On a CPU with gradients on, the members go CPU_CHUNK at a time, each chunk's activations recomputed in
        the backward instead of kept (torch.utils.checkpoint): the same values and gradients, and 2.3× faster
        for 1024 32² images on 2 cores, where keeping every member's activations thrashes memory."""
        count = self.count if members is None else len(members)
        if coords.device.type == "cpu" and torch.is_grad_enabled() and count > CPU_CHUNK:
            index = torch.arange(count) if members is None else members
            parts = [checkpoint(self._members, coords if coords.dim() == 2 else coords[i:i + CPU_CHUNK],
                                index[i:i + CPU_CHUNK], use_reentrant=False) for i in range(0, count, CPU_CHUNK)]
            return torch.cat(parts)
        if members is None:
            return batched_siren(coords, list(self.weights), list(self.biases), self.omegas, self.implementation)
        return self._members(coords, members)

    def _members(self, coords: torch.Tensor, members: torch.Tensor) -> torch.Tensor:
        return batched_siren(coords, [w[members] for w in self.weights], [b[members] for b in self.biases],
                             self.omegas, self.implementation)

    @torch.no_grad()
    def member(self, i: int) -> Siren:
        """SIREN i as a plain Siren on the same device."""
        siren = Siren(self.in_features, self.out_features, self.hidden_features, self.hidden_layers,
                      self.first_omega_0, self.hidden_omega_0).to(self.weights[0].device)
        linears = [m.linear if hasattr(m, "linear") else m for m in siren.net]
        for linear, weight, bias in zip(linears, self.weights, self.biases):
            linear.weight.copy_(weight[i])
            linear.bias.copy_(bias[i])
        return siren

    @torch.no_grad()
    def select(self, members) -> "BatchedSiren":
        """A BatchedSiren of the given members (indices), copies of their weights."""
        index = torch.as_tensor(members, dtype=torch.long, device=self.weights[0].device)
        out = BatchedSiren(len(index), self.in_features, self.out_features, self.hidden_features,
                           self.hidden_layers, self.first_omega_0, self.hidden_omega_0,
                           self.implementation).to(self.weights[0].device)
        for mine, theirs in zip(out.parameters(), self.parameters()):
            mine.copy_(theirs[index])
        return out

    def extra_repr(self) -> str:
        return (f"count={self.count}, {self.in_features}→{self.hidden_features}×{self.hidden_layers + 1}→"
                f"{self.out_features}, first_omega_0={self.first_omega_0}, hidden_omega_0={self.hidden_omega_0}")


def batched_siren(coords: torch.Tensor, weights: list[torch.Tensor], biases: list[torch.Tensor],
                  omegas: list[float | None], implementation: str = "torch") -> torch.Tensor:
    """B SIRENs given as tensors: weights[l] (B, out, in), biases[l] (B, out), omegas[l] the layer's ω₀ (None:
    linear). coords (B, N, in), or (N, in) shared -> (B, N, out). What BatchedSiren and hypernetworks evaluate.
    `implementation`: "torch" (batched matmuls and torch.sin), "fused" (each sine layer a batched matmul and one
    Triton pass, kernels/batched.py), or "auto" (fused on a CUDA GPU with Triton)."""
    count = weights[0].shape[0]
    x = coords.expand(count, *coords.shape) if coords.dim() == 2 else coords
    fused = use_fused(check_implementation(implementation), x, weights[0])
    for weight, bias, omega in zip(weights, biases, omegas):
        if omega is not None and fused:
            from ..kernels.batched import batched_sine_layer
            x = batched_sine_layer(x, weight, bias, omega)
            continue
        x = torch.baddbmm(bias.unsqueeze(1), x, weight.transpose(1, 2))
        if omega is not None:
            x = torch.sin(omega * x)
    return x
