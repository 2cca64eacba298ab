"""The authors' way, kept as the yardstick: nn.Linear + torch.sin, derivatives by autograd (double backward for
Laplacians), coordinates cloned with requires_grad in every forward. Same parameter names as torchsiren's Siren,
so both can start from identical weights."""
from __future__ import annotations

import torch
from torch import nn


class RefSineLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int, omega_0: float = 30.0) -> None:
        super().__init__()
        self.omega_0 = omega_0
        self.linear = nn.Linear(in_features, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sin(self.omega_0 * self.linear(x))


class RefSiren(nn.Module):
    """forward(coords) -> (output, coords that require grad), as in the authors' explore_siren notebook."""

    def __init__(self, in_features: int, out_features: int, hidden_features: int = 256, hidden_layers: int = 3,
                 omega_0: float = 30.0, first_omega_0: float | None = None) -> None:
        super().__init__()
        first = omega_0 if first_omega_0 is None else first_omega_0  # audio: 3000 in the first layer only
        layers: list[nn.Module] = [RefSineLayer(in_features, hidden_features, first)]
        layers += [RefSineLayer(hidden_features, hidden_features, omega_0) for _ in range(hidden_layers)]
        layers.append(nn.Linear(hidden_features, out_features))
        self.net = nn.Sequential(*layers)

    def forward(self, coords: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        coords = coords.clone().detach().requires_grad_(True)
        return self.net(coords), coords


def ref_gradient(y: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The authors' gradient: of the channel sum, with the graph kept."""
    return torch.autograd.grad(y, [x], grad_outputs=torch.ones_like(y), create_graph=True)[0]


def ref_laplace(y: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The authors' Laplacian: the divergence of the gradient, one backward per input dimension."""
    grad = ref_gradient(y, x)
    div = 0.0
    for i in range(grad.shape[-1]):
        div = div + torch.autograd.grad(grad[..., i], x, torch.ones_like(grad[..., i]), create_graph=True)[0][..., i:i + 1]
    return div


def ref_laplacian_loss(ref: RefSiren, coords: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The reference's Poisson-from-Laplacian loss: MSE of the double-backward Laplacian against target (N, 1)."""
    out, x = ref(coords)
    return ((ref_laplace(out, x) - target) ** 2).mean()
