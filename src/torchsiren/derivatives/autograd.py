"""Differential operators by reverse-mode autograd. `x` must require grad and `y` must be computed from it.

`gradient` of a one-channel y is (..., in), as in the authors' code, so `gradient(y, x) - target` compares like
with like; of a multi-channel y it is the per-channel Jacobian (..., out, in) (the authors' code returns the
gradient of the channel sum). `jacobian` is always (..., out, in). All results keep the graph
(create_graph=True) so they can be supervised.
"""
from __future__ import annotations

import torch


def _grad(y: torch.Tensor, x: torch.Tensor, create_graph: bool) -> torch.Tensor:
    (g,) = torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y), create_graph=create_graph, allow_unused=True)
    return torch.zeros_like(x) if g is None else g


def jacobian(y: torch.Tensor, x: torch.Tensor, create_graph: bool = True) -> torch.Tensor:
    """Jacobian of y (..., out) with respect to x (..., in): (..., out, in)."""
    return torch.stack([_grad(y[..., c], x, create_graph) for c in range(y.shape[-1])], dim=-2)


def gradient(y: torch.Tensor, x: torch.Tensor, create_graph: bool = True) -> torch.Tensor:
    """∇y of y (..., 1) with respect to x (..., in): (..., in); for y (..., out) with out > 1, the Jacobian
    (..., out, in)."""
    if y.shape[-1] == 1:
        return _grad(y[..., 0], x, create_graph)
    return jacobian(y, x, create_graph)


def divergence(v: torch.Tensor, x: torch.Tensor, create_graph: bool = True) -> torch.Tensor:
    """Σ_i ∂v_i/∂x_i of a vector field v (..., in) over x (..., in): (...)."""
    return sum(_grad(v[..., i], x, create_graph)[..., i] for i in range(x.shape[-1]))


def laplacian(y: torch.Tensor, x: torch.Tensor, create_graph: bool = True, jac: torch.Tensor | None = None) -> torch.Tensor:
    """Δy per channel: y (..., out) -> (..., out). Pass `jac` (from `jacobian`) to reuse it."""
    return hessian_diagonal(y, x, create_graph, jac).sum(-1)


def hessian_diagonal(y: torch.Tensor, x: torch.Tensor, create_graph: bool = True, jac: torch.Tensor | None = None
                     ) -> torch.Tensor:
    """∂²y_c/∂x_i² per channel: y (..., out) -> (..., out, in). Sums to the Laplacian."""
    jac = jacobian(y, x) if jac is None else jac
    return torch.stack([torch.stack([_grad(jac[..., c, i], x, create_graph)[..., i] for i in range(x.shape[-1])], -1)
                        for c in range(jac.shape[-2])], dim=-2)


def hessian(y: torch.Tensor, x: torch.Tensor, create_graph: bool = True, jac: torch.Tensor | None = None) -> torch.Tensor:
    """Second derivatives per channel: y (..., out) -> (..., out, in, in)."""
    jac = jacobian(y, x) if jac is None else jac
    rows = [torch.stack([_grad(jac[..., c, i], x, create_graph) for i in range(x.shape[-1])], dim=-2)
            for c in range(jac.shape[-2])]
    return torch.stack(rows, dim=-3)
