"""Forward-mode derivatives: the value, the input Jacobian and the Laplacian pushed through the layers together.

The state of a layer's activations is one tensor S of shape (N, K, F): row 0 the values, rows 1..D the
derivatives along each of the D input coordinates, then (when asked for) one row with the Laplacian or D rows
with the Hessian diagonal ∂²/∂x_i². An affine layer maps
all rows with one matmul (the bias touches row 0 only); an elementwise σ maps them by the chain rule:
    h = σ(z),  ∂_i h = σ'(z) ∂_i z,  ∂_ii h = σ'(z) ∂_ii z + σ''(z) (∂_i z)²  (summed over i for Δh).
One pass with K = D + 2 rows replaces the double backward of autograd, and the result stays differentiable,
so the weights can be trained through it.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ..kernels.dispatch import use_fused
from ..kernels.reference import torch_jet
from ..models.activations import Activation
from ..models.encodings import RBFLayer, SinusoidalEncoding
from ..models.mlp import MLP
from ..models.siren import SineLayer, Siren

_SINE = Activation("sine")


def _affine(s: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    if weight.shape[0] <= 4 and not s.is_cuda:  # a narrow head: on CPU the backward's K=1 outer-product
        out = (s.unsqueeze(-2) * weight).sum(-1)  # matmul is ~10× slower than this broadcast (measured)
    else:
        out = s @ weight.T
    if bias is not None:  # only the value row gets the bias
        out = out + F.pad(bias.unsqueeze(0), (0, 0, 0, s.shape[1] - 1))
    return out


def _second(d1: torch.Tensor, d2: torch.Tensor, dz: torch.Tensor, sz: torch.Tensor) -> torch.Tensor:
    """Second-derivative rows through σ: sz (N, S, F) is the Laplacian (S = 1) or the Hessian diagonal (S = D)."""
    sq = dz * dz if sz.shape[1] == dz.shape[1] and sz.shape[1] > 1 else (dz * dz).sum(1, keepdim=True)
    return d1.unsqueeze(1) * sz + d2.unsqueeze(1) * sq


def _elementwise(s: torch.Tensor, act: Activation | str, d: int) -> torch.Tensor:
    z, dz = s[:, 0], s[:, 1:1 + d]
    if act == "cos":  # cos(z): derivatives -sin, -cos
        h = torch.cos(z)
        d1, d2 = -torch.sin(z), -h
    else:
        h = act(z)
        d1, d2 = act.derivatives(z, h)
    rows = [h.unsqueeze(1), d1.unsqueeze(1) * dz]
    if s.shape[1] > 1 + d:
        rows.append(_second(d1, d2, dz, s[:, 1 + d:]))
    return torch.cat(rows, dim=1)


def _rbf(s: torch.Tensor, layer: RBFLayer, d: int) -> torch.Tensor:
    x, dx = s[:, 0], s[:, 1:1 + d]  # (N, in), (N, D, in)
    r = x.unsqueeze(1) - layer.centres  # (N, out, in)
    sig2 = layer.sigmas ** 2  # (out,)
    phi = torch.exp(-sig2 * (r * r).sum(-1))  # (N, out)
    u = torch.einsum("nok,ndk->ndo", r, dx)  # (N, D, out): Σ_k r_k ∂_d x_k
    rows = [phi.unsqueeze(1), -2 * sig2 * phi.unsqueeze(1) * u]
    if s.shape[1] > 1 + d:  # ∂_dd φ = φ (4σ⁴ u_d² − 2σ² Σ_k (∂_d x_k)²) − 2σ² φ Σ_k r_k ∂_dd x_k
        sx = s[:, 1 + d:]  # (N, S, in)
        curv = 4 * sig2 ** 2 * u * u - 2 * sig2 * (dx * dx).sum(-1, keepdim=True)  # (N, D, out)
        if sx.shape[1] == 1 and d > 1:
            curv = curv.sum(1, keepdim=True)
        rows.append(phi.unsqueeze(1) * (curv - 2 * sig2 * torch.einsum("nok,nsk->nso", r, sx)))
    return torch.cat(rows, dim=1)


def _propagate(module: nn.Module, s: torch.Tensor, d: int) -> torch.Tensor:
    if isinstance(module, nn.Sequential):
        for child in module:
            s = _propagate(child, s, d)
        return s
    if isinstance(module, SineLayer):  # one matmul for all rows, then the sine of the state in one pass
        lin = module.linear
        weight = module.omega_0 * lin.weight
        bias = weight.new_zeros(weight.shape[0]) if lin.bias is None else module.omega_0 * lin.bias
        z = s @ weight.T
        if use_fused(module.implementation, z, weight):
            from ..kernels.forward_mode import sine_jet
            return sine_jet(z, bias, d)
        return torch_jet(z, bias, d)
    if isinstance(module, nn.Dropout):  # identity here: supports_forward_mode refuses a training dropout
        return s
    if isinstance(module, nn.Linear):
        return _affine(s, module.weight, module.bias)
    if isinstance(module, Activation):
        return _elementwise(s, module, d)
    if isinstance(module, SinusoidalEncoding):
        z = _affine(s, module.matrix, None)
        parts = [s] if module.include_input else []
        parts += [_elementwise(z, _SINE, d), _elementwise(z, "cos", d)]
        return torch.cat(parts, dim=-1)
    if isinstance(module, RBFLayer):
        return _rbf(s, module, d)
    if isinstance(module, (Siren, MLP)):
        return _propagate(module.net, s, d)
    raise NotImplementedError(f"forward-mode derivatives do not know {type(module).__name__}")


_LAYERS = (SineLayer, nn.Linear, Activation, SinusoidalEncoding, RBFLayer, nn.Sequential)


def _own_forward(module: nn.Module, base: type) -> bool:
    """module's forward is base's own (a subclass that overrides forward computes something else) and no hook
    changes its input or output."""
    return (type(module).forward is base.forward and not module._forward_hooks
            and not module._forward_pre_hooks)


def supports_forward_mode(model: nn.Module) -> bool:
    """True when forward mode is known to compute exactly model(x): every module is one of torchsiren's layers,
    nn.Linear, nn.Sequential, or a Siren or MLP without a final activation or a training dropout, each with its
    class's own forward and no hooks. A subclass with its own forward, or a wrapper, gets autograd."""
    if isinstance(model, nn.Dropout):
        return not (model.training and model.p > 0)
    for base in _LAYERS:
        if isinstance(model, base):
            if not _own_forward(model, base):
                return False
            return all(supports_forward_mode(m) for m in model) if base is nn.Sequential else True
    if isinstance(model, (Siren, MLP)):
        base = Siren if isinstance(model, Siren) else MLP
        return (_own_forward(model, base) and getattr(model, "plain_output", True)
                and supports_forward_mode(model.net))
    return False


def forward_derivatives(model: nn.Module, coords: torch.Tensor, second: str | None = "laplacian"
                        ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Value (..., N, out), Jacobian (..., N, out, in) and second derivatives of `model` at coords (..., N, in), in
    one pass.

    second: "laplacian" -> (..., N, out); "diagonal" -> the Hessian diagonal ∂²Φ/∂x_i² (..., N, out, in); None.
    Raises ValueError for a model whose forward mode is not known to equal its forward (supports_forward_mode).
    """
    if second not in (None, "laplacian", "diagonal"):
        raise ValueError(f"second must be None, 'laplacian' or 'diagonal', got {second!r}")
    if not supports_forward_mode(model):
        raise ValueError(f"forward mode is not known to compute {type(model).__name__}'s forward (a custom forward, "
                         "a wrapper, hooks, a final activation or a training dropout); use evaluate(..., "
                         "method='autograd')")
    if coords.dim() == 2:
        return _forward_derivatives(model, coords, second)
    lead = coords.shape[:-1]
    value, jac, sec = _forward_derivatives(model, coords.reshape(-1, coords.shape[-1]), second)
    return (value.reshape(*lead, *value.shape[1:]), jac.reshape(*lead, *jac.shape[1:]),
            None if sec is None else sec.reshape(*lead, *sec.shape[1:]))


def _forward_derivatives(model: nn.Module, coords: torch.Tensor, second: str | None
                         ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    n, d = coords.shape
    eye = torch.eye(d, dtype=coords.dtype, device=coords.device).expand(n, d, d)
    rows = [coords.unsqueeze(1), eye]
    if second is not None:
        rows.append(coords.new_zeros(n, d if second == "diagonal" else 1, d))
    s = _propagate(model, torch.cat(rows, dim=1), d)
    value, jac = s[:, 0], s[:, 1:1 + d].transpose(1, 2)
    if second is None:
        return value, jac, None
    return value, jac, (s[:, 1 + d] if second == "laplacian" else s[:, 1 + d:].transpose(1, 2))
