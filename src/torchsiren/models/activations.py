"""Elementwise activations that know their first and second derivatives (for forward-mode derivatives)."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def _derivatives(name: str, z: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """σ'(z), σ''(z) given z and h = σ(z)."""
    if name == "relu":
        return (z > 0).to(z.dtype), torch.zeros_like(z)
    if name == "tanh":
        d1 = 1 - h * h
        return d1, -2 * h * d1
    if name == "sigmoid":
        d1 = h * (1 - h)
        return d1, d1 * (1 - 2 * h)
    if name == "softplus":
        s = torch.sigmoid(z)
        return s, s * (1 - s)
    if name == "elu":
        e = torch.where(z > 0, torch.zeros_like(z), h + 1)  # exp(z) for z <= 0
        return torch.where(z > 0, torch.ones_like(z), e), e
    if name == "selu":
        e = _SELU_SCALE * _SELU_ALPHA * torch.exp(torch.clamp(z, max=0))
        pos = z > 0
        return torch.where(pos, torch.full_like(z, _SELU_SCALE), e), torch.where(pos, torch.zeros_like(z), e)
    if name == "sine":
        return torch.cos(z), -h
    raise ValueError(f"unknown activation {name!r}")


_FUNCTIONS = {
    "relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "softplus": F.softplus,
    "elu": F.elu, "selu": F.selu, "sine": torch.sin,
}
ACTIVATIONS = tuple(_FUNCTIONS)


class Activation(nn.Module):
    """σ applied elementwise: (...) -> (...). `derivatives(z, h)` gives σ'(z) and σ''(z)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        if name not in _FUNCTIONS:
            raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
        self.name = name

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return _FUNCTIONS[self.name](z)

    def derivatives(self, z: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return _derivatives(self.name, z, h)

    def extra_repr(self) -> str:
        return self.name
