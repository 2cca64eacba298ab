"""Φ, ∇Φ and ΔΦ (or the Hessian diagonal) by forward mode (derivatives/forward.py) on fp16 operands, as one
autograd Function.

evaluate() takes it for a Laplacian or a Hessian diagonal under --precision fp16 (docs/performance.md has
what it buys and what it keeps).

The state of each layer, (N, P, F) with P rows — the value, D Jacobian rows, then one Laplacian row (P = 2 + D) or
D Hessian-diagonal rows (P = 1 + 2D) — is stored in fp16. The first layer's state comes from x directly (forward_mode_first.py). Each later layer's matmul of the whole state
is a cuBLAS fp16 matmul with float32 output (the pre-activation z, whose value row is the sine's argument, stays
float32), and the jet kernel (forward_mode.py) maps z to the next fp16 state, with linear.sincos's fast sine and cosine
(special-function units; exact far below fp16's rounding). The backward is the jet's, with fp16 matmuls.
Range: on Poisson from the
Laplacian of cameraman at 128², after 200 steps, the state's Laplacian rows reach 1.4e5, past fp16's 65504, so
the second-derivative rows are stored times 2^-LAP_SHIFT (the matmul is linear, so z's rows carry the same
factor, and the jet kernel applies it to its own z_i² terms). The backward's value rows reach 2.6e3× ∂L/∂ΔΦ;
∂L/∂output (its second-derivative rows times 2^LAP_SHIFT) is scaled by one power of two that puts its largest
entry at 2^MAX_EXPONENT.
"""
from __future__ import annotations

import torch

from . import stack_fp16 as half
from .foreach import scale_
from .matmul_fp16 import matmul16
from .forward_mode_first import first_jet, first_jet_backward
from .forward_mode import _jet_bwd, _jet_fwd, _run
from .reference import DIAGONAL, LAPLACIAN, jet_reference
from .linear import half_mm

LAP_SHIFT = 8
MAX_EXPONENT = 0
SECOND = {"laplacian": LAPLACIAN, "diagonal": DIAGONAL}


def _rows(d: int, second: str) -> int:
    return 2 + d if second == "laplacian" else 1 + 2 * d


def forward(x: torch.Tensor, omegas: tuple, params: tuple, second: str = "laplacian"
            ) -> tuple[torch.Tensor, list, list]:
    """(the output state (N, P, out) float32, each sine layer's z (float32; None for the first), each layer's
    input state (fp16; None for the first))."""
    n, d = x.shape
    p = _rows(d, second)
    zs, states = [], [None]
    for i, omega in enumerate(omegas):
        weight, bias = params[2 * i], params[2 * i + 1]
        if i == 0:  # from x directly (forward_mode_first.py): no z to keep
            zs.append(None)
            states.append(first_jet(x, weight, bias, omega, 2.0 ** -LAP_SHIFT, p))
            continue
        z = half_mm(states[-1].view(n * p, -1), (omega * weight).T.half()).view(n, p, -1)
        f = z.shape[2]
        b = omega * bias if bias is not None else z.new_zeros(f)
        h = torch.empty(z.shape, device=z.device, dtype=torch.float16)
        _run(_jet_fwd, z, b.contiguous(), h, npts=n, f=f, d=d, second=SECOND[second], p=p,
             lap_scale=2.0 ** -LAP_SHIFT)
        zs.append(z)
        states.append(h)
    w_out, b_out = params[-2], params[-1]
    out = half_mm(states[-1].view(n * p, -1), w_out.T.half()).view(n, p, -1)
    if b_out is not None:
        out[:, 0] += b_out
    out[:, 1 + d:] *= 2.0 ** LAP_SHIFT
    return out, zs, states


def backward(grad_out: torch.Tensor, x: torch.Tensor, zs: list, states: list, params: list, omegas: tuple,
             second: str = "laplacian") -> list[torch.Tensor | None]:
    """The parameters' gradients [W₀, b₀, …, w_out, b_out] from ∂L/∂output (N, P, out)."""
    n, d = x.shape
    p = _rows(d, second)
    grad_out = grad_out.contiguous().clone()
    b_out_grad = grad_out[:, 0].sum(0) if params[-1] is not None else None
    grad_out[:, 1 + d:] *= 2.0 ** LAP_SHIFT  # with respect to the stored (shifted) second-derivative rows
    buf = torch.zeros(3, device=x.device)
    (g,) = half.scaled_gradients([grad_out.view(n * p, -1)], [None], buf, [None], MAX_EXPONENT)
    grads: list[torch.Tensor | None] = [None] * (2 * len(omegas))
    w_out_grad = half_mm(g.T, states[-1].view(n * p, -1))
    g_state = matmul16(g, params[-2])  # (N·P, width)
    ones = torch.ones(1, n, device=x.device, dtype=torch.float16)
    for i in range(len(omegas) - 1, 0, -1):
        omega, weight = omegas[i], params[2 * i]
        f = zs[i].shape[2]
        b = omega * params[2 * i + 1] if params[2 * i + 1] is not None else zs[i].new_zeros(f)
        gz = torch.empty(zs[i].shape, device=x.device, dtype=torch.float16)
        _run(_jet_bwd, zs[i], b.contiguous(), g_state.view(n, p, f), gz, npts=n, f=f, d=d, second=SECOND[second],
             p=p, lap_scale=2.0 ** -LAP_SHIFT)
        grads[2 * i] = half_mm(gz.view(n * p, f).T, states[i].view(n * p, -1)).mul_(omega)
        g_state = matmul16(gz.view(n * p, f), omega * weight)
        if params[2 * i + 1] is not None:
            grads[2 * i + 1] = half_mm(ones, gz[:, 0]).reshape(-1).mul_(omega)
    grads[0], grads[1] = first_jet_backward(g_state.view(n, p, -1), x, params[0], params[1], omegas[0],
                                            2.0 ** -LAP_SHIFT)
    scale_([t for t in grads if t is not None] + [w_out_grad], buf[2])
    return grads + [w_out_grad, b_out_grad]


def _plain(x: torch.Tensor, params: list, omegas: tuple, second: str = "laplacian") -> torch.Tensor:
    """The output state in differentiable PyTorch ops (for a derivative of the backward itself)."""
    n, d = x.shape
    s = torch.cat([x.unsqueeze(1), torch.eye(d, device=x.device, dtype=x.dtype).expand(n, d, d),
                   x.new_zeros(n, _rows(d, second) - 1 - d, d)], dim=1)
    for i, omega in enumerate(omegas):
        bias = params[2 * i + 1]
        s = jet_reference(s @ (omega * params[2 * i]).T, omega * bias if bias is not None else
                          s.new_zeros(params[2 * i].shape[0]), d)
    out = s @ params[-2].T
    if params[-1] is not None:
        out = out + torch.nn.functional.pad(params[-1].unsqueeze(0), (0, 0, 0, s.shape[1] - 1)).unsqueeze(0)
    return out


class _ValueJacobianSecond(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, omegas: tuple, second: str, *params: torch.Tensor | None) -> torch.Tensor:
        out, zs, states = forward(x, omegas, params, second)
        ctx.omegas, ctx.layers, ctx.second = omegas, len(omegas), second
        ctx.has = [t is not None for t in params]
        ctx.save_for_backward(x, *zs, *states[1:], *[t for t in params if t is not None])
        return out

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):
        saved = list(ctx.saved_tensors)
        k = ctx.layers
        x, zs, states, rest = saved[0], saved[1:1 + k], [None, *saved[1 + k:1 + 2 * k]], iter(saved[1 + 2 * k:])
        params = [next(rest) if has else None for has in ctx.has]
        if torch.is_grad_enabled():  # create_graph=True: differentiate a differentiable recomputation
            wanted = [t for t in params if t is not None]
            with torch.enable_grad():
                got = iter(torch.autograd.grad(_plain(x, params, ctx.omegas, ctx.second), wanted, grad_out,
                                               create_graph=True, allow_unused=True, materialize_grads=True))
            return None, None, None, *[next(got) if t is not None else None for t in params]
        return None, None, None, *backward(grad_out, x, zs, states, params, ctx.omegas, ctx.second)


def value_jacobian_second(x: torch.Tensor, layers: list[tuple[torch.Tensor, torch.Tensor | None, float | None]],
                          second: str = "laplacian") -> torch.Tensor:
    """The forward-mode output state (N, P, out) — value, D Jacobian rows, then the Laplacian (second="laplacian",
    P = 2 + D) or D Hessian-diagonal rows ("diagonal", P = 1 + 2D) — of sine layers (weight, bias or None, ω₀)
    under a last linear layer (ω₀ None), at x (N, D), on fp16 operands. Differentiable in the weights, not in x."""
    omegas = tuple(omega for _, _, omega in layers[:-1])
    if layers[-1][2] is not None or None in omegas:
        raise ValueError("value_jacobian_second: sine layers under one linear layer")
    if second not in SECOND:
        raise ValueError(f"value_jacobian_second: second is one of {tuple(SECOND)}, got {second!r}")
    params = [t for weight, bias, _ in layers for t in (weight, bias)]
    return _ValueJacobianSecond.apply(x.contiguous(), omegas, second, *params)
