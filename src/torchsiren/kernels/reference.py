"""Plain-PyTorch twins of the kernels (no Triton): the sine of a forward-mode state, which derivatives/forward.py
runs wherever the fused kernels do not, and which the kernels' tests and double backwards use.

z: (N, P, F) pre-activations of a forward-mode state (row 0 the value without its bias, rows 1..D the derivatives
along each input, then one Laplacian row or D Hessian-diagonal rows), b: (F,) the bias of row 0. With v = z₀ + b,
s = sin v, c = cos v:  h₀ = s,  h_i = c z_i,  Δh = c z_Δ − s Σ_i z_i²,  ∂_ii h = c z_ii − s z_i².
"""
from __future__ import annotations

import torch

from .dispatch import _inside_transform

NONE, LAPLACIAN, DIAGONAL = 0, 1, 2


def _second_kind(p: int, d: int) -> int:
    if p == 1 + d:
        return NONE
    if p == 2 + d and d != 1:
        return LAPLACIAN
    if p == 1 + 2 * d:
        return DIAGONAL  # for D = 1 the Laplacian and the diagonal are the same row
    raise ValueError(f"a forward-mode state with D = {d} inputs has 1 + D, 2 + D or 1 + 2D rows, got {p}")


def jet_reference(z: torch.Tensor, bias: torch.Tensor, d: int) -> torch.Tensor:
    """The same map in plain PyTorch (differentiable twice): the fallback and the double-backward path.
    z is split with torch.split, whose backward concatenates; indexing would zero-fill a full copy of z in the
    backward for every row read (measured: a fifth of a CPU step)."""
    second = _second_kind(z.shape[1], d)
    v, zi, rest = z.split([1, d, z.shape[1] - 1 - d], dim=1)
    v = v + bias.unsqueeze(0).unsqueeze(0)
    s, c = torch.sin(v), torch.cos(v)  # (N, 1, F)
    rows = [s, c * zi]
    if second == LAPLACIAN:
        rows.append(c * rest - s * (zi * zi).sum(1, keepdim=True))
    elif second == DIAGONAL:
        rows.append(c * rest - s * zi * zi)
    return torch.cat(rows, dim=1)


def _differentiable_backward(ctx, z: torch.Tensor, bias: torch.Tensor, grad_h: torch.Tensor) -> tuple:
    """The backward of either jet Function under create_graph=True: autograd through jet_reference on the saved
    inputs, so the gradients stay connected to the graph for the double backward."""
    wanted = [t for t, need in zip((z, bias), ctx.needs_input_grad[:2]) if need]
    grads = iter(torch.autograd.grad(jet_reference(z, bias, ctx.d), wanted, grad_h, create_graph=True))
    return tuple(next(grads) if need else None for need in ctx.needs_input_grad[:2]) + (None,)


def _jet_torch_forward(z: torch.Tensor, bias: torch.Tensor, d: int, second: int) -> torch.Tensor:
    v = z[:, :1] + bias
    s, c = torch.sin(v), torch.cos(v)
    h = z * c  # the Jacobian rows as they stand; rows 0 and second fixed in place below
    h[:, :1] = s
    zi = z[:, 1:1 + d]
    if second == LAPLACIAN:
        h[:, 1 + d:] -= s * (zi * zi).sum(1, keepdim=True)
    elif second == DIAGONAL:
        h[:, 1 + d:] -= s * zi * zi
    return h


def _jet_torch_backward(z: torch.Tensor, bias: torch.Tensor, g: torch.Tensor, d: int, second: int
                        ) -> torch.Tensor:
    """∂L/∂z from ∂L/∂h (the formulas of _jet_bwd, as a few whole-tensor PyTorch ops)."""
    v = z[:, :1] + bias
    s, c = torch.sin(v), torch.cos(v)
    zi, gi = z[:, 1:1 + d], g[:, 1:1 + d]
    gz = g * c
    g0 = g[:, :1] * c - (gi * zi).sum(1, keepdim=True) * s
    if second == LAPLACIAN:
        gl, zl = g[:, 1 + d:], z[:, 1 + d:]
        g0 -= gl * (s * zl + c * (zi * zi).sum(1, keepdim=True))
        gz[:, 1:1 + d] -= 2 * gl * s * zi
    elif second == DIAGONAL:
        gd, zd = g[:, 1 + d:], z[:, 1 + d:]
        g0 -= (gd * (s * zd + c * zi * zi)).sum(1, keepdim=True)
        gz[:, 1:1 + d] -= 2 * gd * s * zi
    gz[:, :1] = g0
    return gz


class _TorchJet(torch.autograd.Function):
    """The plain-PyTorch sine jet with a hand-written backward: indexing rows in autograd costs a zero-filled
    copy of the state per row read, which made this ~30% of a CPU step. A double backward goes through
    jet_reference instead."""

    @staticmethod
    def forward(ctx, z: torch.Tensor, bias: torch.Tensor, d: int) -> torch.Tensor:
        ctx.d, ctx.second = d, _second_kind(z.shape[1], d)
        ctx.save_for_backward(z, bias)
        return _jet_torch_forward(z, bias, d, ctx.second)

    @staticmethod
    def backward(ctx, grad_h: torch.Tensor):
        z, bias = ctx.saved_tensors
        if torch.is_grad_enabled():
            return _differentiable_backward(ctx, z, bias, grad_h)
        gz = _jet_torch_backward(z, bias, grad_h, ctx.d, ctx.second)
        return gz, (gz[:, 0].sum(0) if ctx.needs_input_grad[1] else None), None


def torch_jet(z: torch.Tensor, bias: torch.Tensor, d: int) -> torch.Tensor:
    """sine_jet in plain PyTorch (any device, any dtype); jet_reference where autograd.Functions cannot go."""
    if _inside_transform():
        return jet_reference(z, bias, d)
    return _TorchJet.apply(z, bias, d)
