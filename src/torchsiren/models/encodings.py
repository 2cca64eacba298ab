"""Input encodings of the baselines: NeRF positional encoding, Gaussian Fourier features, an RBF layer."""
from __future__ import annotations

import math

import torch
from torch import nn


def nyquist_frequencies(samples: int) -> int:
    """Number of octaves L a signal sampled `samples` times over [-1, 1] can carry (the authors' rule).

    The sampling interval is 2/(samples-1) ≈ 2/samples, so the Nyquist rate is samples/4 and L = ⌊log₂(samples/4)⌋:
    6 for 256 samples, 7 for 512.
    """
    return max(1, int(math.floor(math.log2(max(samples, 2) / 4.0))))


class SinusoidalEncoding(nn.Module):
    """x -> [x (if include_input), sin(x Aᵀ), cos(x Aᵀ)]: (..., in_features) -> (..., out_features), A fixed.

    NeRF's positional encoding and Gaussian Fourier features are both this with a different A.
    """

    def __init__(self, matrix: torch.Tensor, include_input: bool) -> None:
        super().__init__()
        self.register_buffer("matrix", matrix.float())  # (M, in_features)
        self.include_input = include_input
        self.in_features = matrix.shape[1]
        self.out_features = 2 * matrix.shape[0] + (self.in_features if include_input else 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = x @ self.matrix.T
        parts = [x] if self.include_input else []
        return torch.cat(parts + [torch.sin(z), torch.cos(z)], dim=-1)


class PositionalEncoding(SinusoidalEncoding):
    """NeRF's encoding: x and sin/cos(2^i π x_j) for i < num_frequencies, every axis j."""

    def __init__(self, in_features: int, num_frequencies: int) -> None:
        freqs = (2.0 ** torch.arange(num_frequencies)) * math.pi
        matrix = torch.kron(freqs[:, None], torch.eye(in_features))  # (L * in, in)
        super().__init__(matrix, include_input=True)
        self.num_frequencies = num_frequencies


class FourierFeatures(SinusoidalEncoding):
    """Random Fourier features (Tancik et al. 2020): sin/cos(2π B x), B ~ N(0, scale²), (mapping_size, in)."""

    def __init__(self, in_features: int, mapping_size: int = 128, scale: float = 10.0, seed: int = 0) -> None:
        gen = torch.Generator().manual_seed(seed)
        b = torch.randn(mapping_size, in_features, generator=gen) * scale
        super().__init__(2 * math.pi * b, include_input=False)
        self.scale = scale


class RBFLayer(nn.Module):
    """Gaussian radial basis functions exp(-σ² ‖x - c_k‖²) with learned centres c_k and widths:
    (..., in_features) -> (..., out_features). Centres start uniform on [-1, 1]^d, σ at `sigma`."""

    is_hidden_layer = True  # already nonlinear: the MLP puts no Linear+σ in front of it

    def __init__(self, in_features: int, out_features: int, sigma: float = 10.0) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.centres = nn.Parameter(torch.empty(out_features, in_features).uniform_(-1.0, 1.0))
        self.sigmas = nn.Parameter(torch.full((out_features,), float(sigma)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        sq = ((x.unsqueeze(-2) - self.centres) ** 2).sum(-1)  # (..., out)
        return torch.exp(-(self.sigmas ** 2) * sq)
