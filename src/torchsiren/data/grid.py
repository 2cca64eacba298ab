"""Coordinate grids as the reference defines them: endpoint-inclusive [-1, 1], row-major, first coordinate = row."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch


def grid(shape: Sequence[int], device: torch.device | str | None = None, dtype: torch.dtype = torch.float32
         ) -> torch.Tensor:
    """All points of an N-d grid: shape (n₀, n₁, …) -> (n₀·n₁·…, len(shape)); index i -> 2i/(n-1) - 1."""
    if len(shape) == 0 or any(int(n) < 1 for n in shape):
        raise ValueError(f"grid shape must be a non-empty sequence of positive sizes, got {tuple(shape)}")
    axes = [torch.linspace(-1.0, 1.0, int(n), device=device, dtype=dtype) if n > 1
            else torch.zeros(1, device=device, dtype=dtype) for n in shape]
    return torch.stack(torch.meshgrid(*axes, indexing="ij"), dim=-1).reshape(-1, len(shape))


def grid_chunks(shape: Sequence[int], chunk: int, device: torch.device | str | None = None,
                dtype: torch.dtype = torch.float32) -> Iterator[torch.Tensor]:
    """The rows of `grid(shape)` in consecutive chunks of at most `chunk` points, never holding the whole grid."""
    shape = [int(n) for n in shape]
    total = 1
    for n in shape:
        total *= n
    axes = [torch.linspace(-1.0, 1.0, n, device=device, dtype=dtype) if n > 1
            else torch.zeros(1, device=device, dtype=dtype) for n in shape]
    for start in range(0, total, chunk):
        flat = torch.arange(start, min(start + chunk, total), device=device)
        cols = []
        for n, axis in zip(reversed(shape), reversed(axes)):
            cols.append(axis[flat % n])
            flat = torch.div(flat, n, rounding_mode="floor")
        yield torch.stack(cols[::-1], dim=-1)
