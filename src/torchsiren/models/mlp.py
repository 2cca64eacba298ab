"""The paper's baselines: an MLP with a standard activation, optionally behind an input encoding."""
from __future__ import annotations

import math

import torch
from torch import nn

from ..errors import check_positive
from .activations import Activation

# The customary init of each activation (as in the authors' code): He for ReLU-like, Xavier for saturating.
_ELU_GAIN = math.sqrt(1.5505188080679277)


@torch.no_grad()
def init_for_activation_(linear: nn.Linear, activation: str) -> None:
    w, fan_in = linear.weight, linear.weight.shape[1]
    if activation in ("relu", "softplus"):
        nn.init.kaiming_normal_(w, nonlinearity="relu", mode="fan_in")
    elif activation in ("tanh", "sigmoid"):
        nn.init.xavier_normal_(w)
    elif activation == "selu":
        w.normal_(0.0, 1.0 / math.sqrt(fan_in))
    elif activation == "elu":
        w.normal_(0.0, _ELU_GAIN / math.sqrt(fan_in))


class MLP(nn.Module):
    """(..., in_features) -> [encoding] -> Linear -> σ -> (Linear -> σ) × hidden_layers -> Linear -> (..., out_features).

    `encoding` is any module with an `out_features` attribute (PositionalEncoding, FourierFeatures, RBFLayer).
    An RBF layer already is a nonlinear first layer, so it replaces the first Linear -> σ.
    """

    def __init__(self, in_features: int, out_features: int, hidden_features: int = 256, hidden_layers: int = 3,
                 activation: str = "relu", encoding: nn.Module | None = None) -> None:
        super().__init__()
        check_positive("hidden_features", hidden_features, integer=True)
        self.in_features, self.out_features, self.activation = in_features, out_features, activation
        layers: list[nn.Module] = []
        width = in_features
        if encoding is not None:
            layers.append(encoding)
            width = encoding.out_features
        if not getattr(encoding, "is_hidden_layer", False):
            layers += self._block(width, hidden_features)
            width = hidden_features
        for _ in range(hidden_layers):
            layers += self._block(width, hidden_features)
            width = hidden_features
        last = nn.Linear(width, out_features)
        init_for_activation_(last, activation)
        layers.append(last)
        self.net = nn.Sequential(*layers)

    def _block(self, width_in: int, width_out: int) -> list[nn.Module]:
        linear = nn.Linear(width_in, width_out)
        init_for_activation_(linear, self.activation)
        return [linear, Activation(self.activation)]

    def forward(self, coords: torch.Tensor) -> torch.Tensor:
        """coords: (..., in_features) -> (..., out_features)."""
        return self.net(coords)
