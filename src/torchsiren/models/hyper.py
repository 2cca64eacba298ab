"""Hypernetworks over SIRENs (the paper's generalization experiment): a latent code → every weight of a SIREN,
and encoders that turn a few observed pixels (a set) or a masked image (a convolution) into that code."""
from __future__ import annotations

import math

import torch
from torch import nn

from .batched import batched_siren


def _relu_mlp(sizes: list[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class HyperNetwork(nn.Module):
    """latent (B, latent_dim) -> the parameters of B SIRENs in→hidden×(hidden_layers+1)→out, one small ReLU MLP
    per parameter tensor (the authors' construction). Their init: Kaiming weights, the last layer's divided by
    100, so a code of zeros gives about the last layer's bias; those biases are drawn U(±1/fan_in) of the SIREN
    layer for weight tensors and U(±1/fan_in) of the hypernetwork layer for bias tensors.

    forward(latent) -> (weights, biases): lists of (B, out, in) and (B, out); `siren(coords, latent)` evaluates the
    generated SIRENs at coords (N, in) shared or (B, N, in)."""

    def __init__(self, latent_dim: int, in_features: int, out_features: int, hidden_features: int = 256,
                 hidden_layers: int = 3, first_omega_0: float = 30.0, hidden_omega_0: float = 30.0,
                 hyper_hidden_features: int = 256, hyper_hidden_layers: int = 1) -> None:
        super().__init__()
        sizes = [in_features] + [hidden_features] * (hidden_layers + 1) + [out_features]
        self.shapes = [(b, a) for a, b in zip(sizes[:-1], sizes[1:])]
        self.omegas = [first_omega_0] + [hidden_omega_0] * hidden_layers + [None]
        hyper = [latent_dim] + [hyper_hidden_features] * (hyper_hidden_layers + 1)
        self.weight_nets = nn.ModuleList(_relu_mlp(hyper + [o * i]) for o, i in self.shapes)
        self.bias_nets = nn.ModuleList(_relu_mlp(hyper + [o]) for o, _ in self.shapes)
        with torch.no_grad():
            for nets, is_weight in ((self.weight_nets, True), (self.bias_nets, False)):
                for net, (_, fan_in) in zip(nets, self.shapes):
                    for m in net:
                        if isinstance(m, nn.Linear):
                            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                    last = net[-1]
                    last.weight.div_(100)
                    bound = 1 / fan_in if is_weight else 1 / last.in_features
                    last.bias.uniform_(-bound, bound)

    def forward(self, latent: torch.Tensor) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        weights = [net(latent).reshape(-1, o, i) for net, (o, i) in zip(self.weight_nets, self.shapes)]
        biases = [net(latent) for net in self.bias_nets]
        return weights, biases

    def siren(self, coords: torch.Tensor, latent: torch.Tensor) -> torch.Tensor:
        weights, biases = self(latent)
        return batched_siren(coords, weights, biases, self.omegas)


class SetEncoder(nn.Module):
    """Context points (B, K, in + out): coordinates with their values -> latent (B, latent_dim), a ReLU MLP per
    point averaged over the set (a neural-process encoder); `mask` (B, K) leaves padded points out."""

    def __init__(self, in_features: int, out_features: int, latent_dim: int = 256, hidden_features: int = 256,
                 hidden_layers: int = 2) -> None:
        super().__init__()
        self.net = _relu_mlp([in_features + out_features] + [hidden_features] * (hidden_layers + 1) + [latent_dim])

    def forward(self, context: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        per_point = self.net(context)
        if mask is None:
            return per_point.mean(1)
        w = mask.to(per_point.dtype).unsqueeze(-1)
        return (per_point * w).sum(1) / w.sum(1).clamp(min=1)


class ConvEncoder(nn.Module):
    """A masked image (B, C + 1, H, W): the pixels where known and the mask as one more channel -> latent
    (B, latent_dim), by strided convolutions and a linear layer."""

    def __init__(self, channels: int, size: int = 32, latent_dim: int = 256, width: int = 128) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c, side = channels + 1, size
        for _ in range(max(1, int(math.log2(size)) - 2)):  # down to 4²
            layers += [nn.Conv2d(c, width, 3, stride=2, padding=1), nn.ReLU()]
            c, side = width, (side + 1) // 2
        self.conv = nn.Sequential(*layers)
        self.head = nn.Linear(width * side * side, latent_dim)

    def forward(self, image_and_mask: torch.Tensor) -> torch.Tensor:
        return self.head(self.conv(image_and_mask).flatten(1))


class HyperSiren(nn.Module):
    """Observed pixels -> a SIREN for the whole image: an encoder (conv over the masked image, or set over the
    observed points) gives a latent code, a HyperNetwork turns it into SIREN weights, and that SIREN is evaluated
    at any coordinates. The paper's generalization model (image inpainting from a few context pixels).

    forward(image (B, H, W, C) in [−1, 1], mask (B, H, W) bool: the observed pixels, coords (N, 2))
    -> (values (B, N, C), latent (B, latent_dim), weights, biases of the generated SIRENs)."""

    def __init__(self, channels: int = 3, size: int = 32, encoder: str = "conv", latent_dim: int = 256,
                 hidden_features: int = 256, hidden_layers: int = 3, first_omega_0: float = 30.0,
                 hidden_omega_0: float = 30.0, hyper_hidden_features: int = 256, hyper_hidden_layers: int = 1) -> None:
        super().__init__()
        if encoder not in ("conv", "set"):
            raise ValueError(f"encoder is conv or set, got {encoder!r}")
        self.encoder_kind, self.channels, self.size = encoder, channels, size
        self.encoder = (ConvEncoder(channels, size, latent_dim) if encoder == "conv"
                        else SetEncoder(2, channels, latent_dim))
        self.hypernet = HyperNetwork(latent_dim, 2, channels, hidden_features, hidden_layers, first_omega_0,
                                     hidden_omega_0, hyper_hidden_features, hyper_hidden_layers)

    def encode(self, image: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(B, H, W, C), (B, H, W) -> latent (B, latent_dim) from the observed pixels alone."""
        known = mask.unsqueeze(-1).to(image.dtype)
        if self.encoder_kind == "conv":
            return self.encoder(torch.cat([image * known, known], -1).permute(0, 3, 1, 2))
        b, h, w, c = image.shape
        from ..data.grid import grid
        coords = grid((h, w), device=image.device, dtype=image.dtype).expand(b, -1, -1)
        points, mask = torch.cat([coords, image.reshape(b, h * w, c)], -1), mask.reshape(b, h * w)
        counts = mask.sum(1)
        if bool((counts == counts[0]).all()) and int(counts[0]) > 0:  # as many observed in each: only those
            index = mask.nonzero()[:, 1].reshape(b, -1, 1).expand(-1, -1, points.shape[-1])
            return self.encoder(points.gather(1, index))
        return self.encoder(points, mask)

    def forward(self, image: torch.Tensor, mask: torch.Tensor, coords: torch.Tensor):
        latent = self.encode(image, mask)
        weights, biases = self.hypernet(latent)
        return batched_siren(coords, weights, biases, self.hypernet.omegas), latent, weights, biases
