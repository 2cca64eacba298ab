"""One entry point for everything a constraint may need of Φ at some points: value, Jacobian, Laplacian, Hessian."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ..kernels.dispatch import FIRST_OMEGA_LIMIT, half_operands_enabled, plain_torch
from ..models.siren import Siren
from . import autograd
from .forward import forward_derivatives, supports_forward_mode

NEEDS = ("value", "jacobian", "laplacian", "hessian_diagonal", "hessian")
METHODS = ("auto", "forward", "autograd")


@dataclass
class Fields:
    """Φ and its derivatives at `coords` (N, in): value (N, out), jacobian (N, out, in), laplacian (N, out),
    hessian_diagonal ∂²Φ/∂x_i² (N, out, in), hessian (N, out, in, in); what was not asked for is None."""

    coords: torch.Tensor
    value: torch.Tensor
    jacobian: torch.Tensor | None = None
    laplacian: torch.Tensor | None = None
    hessian_diagonal: torch.Tensor | None = None
    hessian: torch.Tensor | None = None


def choose_method(model: nn.Module, needs: set[str], method: str = "auto") -> str:
    """'forward' or 'autograd'. Auto: forward mode for Laplacians (one pass beats a double backward), autograd
    for first derivatives alone (cheaper by a backward pass) and for Hessians."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if "hessian" in needs or not supports_forward_mode(model):
        if method == "forward":
            raise ValueError("forward-mode derivatives cover value/jacobian/laplacian/hessian_diagonal of Siren and "
                             "MLP models only")
        return "autograd"
    if method == "auto":
        return "forward" if needs & {"laplacian", "hessian_diagonal"} else "autograd"
    return method


def _fused_siren_layers(model: nn.Module, coords: torch.Tensor, method: str) -> list | None:
    """The layers of a Siren whose output is its layer stack (its own forward, no final activation or training
    dropout) under a linear layer, on the fused path at coords (M, in) that need no gradient of their own."""
    if (method != "auto" or coords.requires_grad or not isinstance(model, Siren) or not model.plain_output
            or not supports_forward_mode(model)):  # its own forward, no hooks
        return None
    layers = model.fused_layers(coords)
    return layers if layers is not None and layers[-1][2] is None else None


def evaluate(model: nn.Module, coords: torch.Tensor, needs: set[str] | tuple[str, ...] = ("value",),
             method: str = "auto") -> Fields:
    """Compute what `needs` lists of model at coords (..., N, in); every field keeps the leading dimensions. The
    results stay differentiable in the weights when grad is enabled (so they can be trained); under no_grad they
    are computed and detached. A shortcut (forward mode, fused kernels) runs only where it is known to compute
    model's own forward; anything else gets autograd."""
    needs = set(needs) | {"value"}
    unknown = needs - set(NEEDS)
    if unknown:
        raise ValueError(f"unknown derivative(s) {sorted(unknown)}; choose from {NEEDS}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if needs == {"value"}:
        return Fields(coords, model(coords))
    if coords.dim() == 2:
        fields = _evaluate(model, coords, needs, method)
        return fields if torch.is_grad_enabled() else _detached(fields)
    lead, flat = coords.shape[:-1], coords.reshape(-1, coords.shape[-1])
    fields = _evaluate(model, flat, needs, method)
    fields.coords = coords
    for name in ("value", "jacobian", "laplacian", "hessian_diagonal", "hessian"):
        t = getattr(fields, name)
        if t is not None:
            setattr(fields, name, t.reshape(*lead, *t.shape[1:]))
    return fields if torch.is_grad_enabled() else _detached(fields)


def _evaluate(model: nn.Module, coords: torch.Tensor, needs: set[str], method: str) -> Fields:
    """evaluate at coords (M, in)."""
    training = torch.is_grad_enabled()
    gradient_only = needs <= {"value", "jacobian"} and getattr(model, "out_features", None) == 1
    layers = _fused_siren_layers(model, coords, method) if gradient_only else None
    if layers is not None:  # Φ and ∇Φ with the hand-written double backward (kernels/gradient.py)
        from ..kernels.gradient import value_and_gradient
        value, grad = value_and_gradient(coords, layers, fused=True)
        return Fields(coords, value, grad.unsqueeze(1))
    second = needs & {"laplacian", "hessian_diagonal"} and needs <= {"value", "jacobian", "laplacian",
                                                                    "hessian_diagonal"}
    layers = _fused_siren_layers(model, coords, method) if second and half_operands_enabled() else None
    if layers is not None and layers[0][2] > FIRST_OMEGA_LIMIT:
        layers = None  # fp16 forward mode serves first layers up to this ω₀ (kernels/dispatch.py)
    if layers is not None:  # forward mode on fp16 operands, one Function (kernels/forward_mode_fp16.py)
        from ..kernels import forward_mode_fp16
        diagonal = "hessian_diagonal" in needs
        out = forward_mode_fp16.value_jacobian_second(coords, layers, "diagonal" if diagonal else "laplacian")
        d = coords.shape[1]
        fields = Fields(coords, out[:, 0], out[:, 1:1 + d].transpose(1, 2))
        if diagonal:
            fields.hessian_diagonal = out[:, 1 + d:].transpose(1, 2)
            fields.laplacian = fields.hessian_diagonal.sum(-1) if "laplacian" in needs else None
        else:
            fields.laplacian = out[:, 1 + d]
        return fields
    with torch.enable_grad():
        if choose_method(model, needs, method) == "forward":
            diagonal = "hessian_diagonal" in needs
            second = "diagonal" if diagonal else ("laplacian" if "laplacian" in needs else None)
            value, jac, sec = forward_derivatives(model, coords, second=second)
            fields = Fields(coords, value, jac)
            if diagonal:
                fields.hessian_diagonal = sec
                fields.laplacian = sec.sum(-1) if "laplacian" in needs else None
            else:
                fields.laplacian = sec
        else:
            x = coords if coords.requires_grad else coords.detach().requires_grad_(True)
            with plain_torch():  # see plain_torch: for a double backward the PyTorch layers are faster
                value = model(x)
            jac = autograd.jacobian(value, x, create_graph=True)
            fields = Fields(x, value, jac)
            if "hessian" in needs:
                fields.hessian = autograd.hessian(value, x, jac=jac, create_graph=training)
                diag = fields.hessian.diagonal(dim1=-2, dim2=-1)
            elif needs & {"laplacian", "hessian_diagonal"}:
                diag = autograd.hessian_diagonal(value, x, jac=jac, create_graph=training)
            if needs & {"laplacian", "hessian_diagonal", "hessian"}:
                fields.hessian_diagonal = diag if "hessian_diagonal" in needs else None
                fields.laplacian = diag.sum(-1) if "laplacian" in needs else None
    return fields


def _detached(fields: Fields) -> Fields:
    """The fields with every computed tensor detached (evaluate under no_grad)."""
    for name in ("value", "jacobian", "laplacian", "hessian_diagonal", "hessian"):
        t = getattr(fields, name)
        if t is not None:
            setattr(fields, name, t.detach())
    return fields
