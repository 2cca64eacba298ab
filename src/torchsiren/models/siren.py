"""SIREN: an MLP whose layers compute sin(ω₀ (W x + b)), with the initialization of Sitzmann et al. 2020."""
from __future__ import annotations

import math

import torch
from torch import nn

from ..errors import check_positive
from ..kernels.dispatch import check_implementation, use_fused


class SineLayer(nn.Module):
    """sin(ω₀ (W x + b)): (..., in_features) -> (..., out_features).

    Init (as the authors' code): the first layer draws W ~ U(±1/n) so that ω₀ spreads the input over several
    periods; every later layer draws W ~ U(±√(6/n)/ω₀) so its pre-activation ω₀ W x is ~N(0, 1) whatever the
    depth. n is the fan-in; biases keep PyTorch's default U(±1/√n) and are scaled by ω₀ too.
    implementation: "auto" (the fused Triton kernel for CUDA float32 when Triton is installed, else PyTorch),
    "torch", or "fused" (a clear error where the kernel cannot run).
    """

    def __init__(self, in_features: int, out_features: int, omega_0: float = 30.0, is_first: bool = False,
                 bias: bool = True, implementation: str = "auto") -> None:
        super().__init__()
        check_positive("omega_0", omega_0)
        self.implementation = check_implementation(implementation)
        self.in_features, self.out_features = in_features, out_features
        self.omega_0, self.is_first = float(omega_0), is_first
        self.linear = nn.Linear(in_features, out_features, bias=bias)
        siren_uniform_(self.linear.weight, omega_0, is_first)

    def pre_activation(self, x: torch.Tensor) -> torch.Tensor:
        """ω₀ (W x + b), the argument of the sine."""
        return self.omega_0 * self.linear(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if use_fused(self.implementation, x, self.linear.weight):
            from ..kernels.linear import sine_linear
            return sine_linear(x, self.linear.weight, self.linear.bias, self.omega_0)
        return torch.sin(self.pre_activation(x))

    def extra_repr(self) -> str:
        return f"omega_0={self.omega_0}, is_first={self.is_first}, implementation={self.implementation!r}"


@torch.no_grad()
def siren_uniform_(weight: torch.Tensor, omega_0: float, is_first: bool) -> torch.Tensor:
    """Fill a (out, in) weight in place with SIREN's uniform init (see SineLayer)."""
    fan_in = weight.shape[1]
    bound = 1.0 / fan_in if is_first else math.sqrt(6.0 / fan_in) / omega_0
    return weight.uniform_(-bound, bound)


class Siren(nn.Module):
    """Φ: (..., in_features) -> (..., out_features), `hidden_layers` sine layers after the first one.

    `first_omega_0` sets the bandwidth (30 for images on [-1, 1]; ~3000 for audio on [-1, 1]);
    `hidden_omega_0` keeps the hidden pre-activations at unit scale. With `outermost_linear` the last layer is
    linear (weights U(±√(6/n)/hidden_omega_0)), which lets the output take any value.
    `final_activation` (e.g. nn.Sigmoid()) maps the output; `dropout` is applied after every sine layer while
    training (both as in siren-pytorch). Either keeps the fused stack where it can, but derivatives then come by
    autograd (see derivatives.evaluate).
    `implementation` ("auto" | "torch" | "fused") picks the sine layers' kernels; see SineLayer.
    """

    def __init__(self, in_features: int, out_features: int, hidden_features: int = 256, hidden_layers: int = 3,
                 first_omega_0: float = 30.0, hidden_omega_0: float = 30.0, outermost_linear: bool = True,
                 implementation: str = "auto", final_activation: nn.Module | None = None,
                 dropout: float = 0.0) -> None:
        super().__init__()
        check_positive("in_features", in_features, integer=True)
        check_positive("out_features", out_features, integer=True)
        check_positive("hidden_features", hidden_features, integer=True)
        if hidden_layers < 0:
            raise ValueError(f"hidden_layers must be >= 0, got {hidden_layers}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.in_features, self.out_features = in_features, out_features
        sines = [SineLayer(in_features, hidden_features, first_omega_0, is_first=True)]
        sines += [SineLayer(hidden_features, hidden_features, hidden_omega_0) for _ in range(hidden_layers)]
        layers: list[nn.Module] = []
        for sine in sines:
            layers += [sine, nn.Dropout(dropout)] if dropout > 0 else [sine]
        if outermost_linear:
            last = nn.Linear(hidden_features, out_features)
            siren_uniform_(last.weight, hidden_omega_0, is_first=False)
            layers.append(last)
        else:
            layers.append(SineLayer(hidden_features, out_features, hidden_omega_0))
        self.net = nn.Sequential(*layers)
        self.final_activation = final_activation
        self.implementation = implementation

    @property
    def implementation(self) -> str:
        return self._implementation

    @implementation.setter
    def implementation(self, value: str) -> None:
        """Switch every sine layer between "auto", "torch" and "fused" (weights unchanged)."""
        self._implementation = check_implementation(value)
        for layer in self.net:
            if isinstance(layer, SineLayer):
                layer.implementation = value

    def fused_layers(self, coords: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor | None, float | None]] | None:
        """The layers as (weight, bias, ω₀ or None for a linear layer) when the whole stack can take the fused
        kernels for these coords (kernels/stack.py, kernels/gradient.py), else None: another implementation, a
        layer with its own implementation, or hooks (which only the per-layer path calls)."""
        layers = list(self.net)
        if any(isinstance(m, nn.Dropout) for m in layers):
            if self.training:
                return None
            layers = [m for m in layers if not isinstance(m, nn.Dropout)]
        if not (use_fused(self.implementation, coords, layers[0].linear.weight)
                and all(getattr(m, "implementation", self.implementation) == self.implementation for m in layers)
                and not any(m._forward_hooks or m._forward_pre_hooks for m in self.net.modules())):
            return None
        return [(m.linear.weight, m.linear.bias, m.omega_0) if isinstance(m, SineLayer) else (m.weight, m.bias, None)
                for m in layers]

    def forward(self, coords: torch.Tensor) -> torch.Tensor:
        """coords: (..., in_features) -> (..., out_features). On the fused path the whole stack is one autograd
        Function (kernels/stack.py), whose backward chains the layers; see fused_layers."""
        layers = self.fused_layers(coords)
        if layers is None:
            out = self.net(coords)
        else:
            from ..kernels.stack import sine_stack
            out = sine_stack(coords, layers)
        return out if self.final_activation is None else self.final_activation(out)

    @property
    def plain_output(self) -> bool:
        """True when Φ is the layer stack itself: no final activation, no dropout while training. Only then may
        derivatives skip autograd (forward mode, the fused gradient kernels)."""
        dropout = self.training and any(isinstance(m, nn.Dropout) and m.p > 0 for m in self.net)
        return self.final_activation is None and not dropout
