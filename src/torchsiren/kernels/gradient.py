"""Φ and its input gradient ∇Φ for a SIREN with one output, with a hand-written backward (the double backward).

Supervising ∇Φ (Poisson from gradients, SDF normals and eikonal) makes autograd differentiate its own backward
pass: it keeps every intermediate of both passes and walks them with many elementwise kernels. Written out, the
gradient of a loss L(Φ, ∇Φ) with respect to the weights needs, per sine layer l (a = h W_lᵀ + b, s = sin(ω a),
c = ω cos(ω a), the backward pass g_L = w_out, δ_l = g_l ⊙ c_l, g_(l-1) = δ_l W_l, ∇Φ = g_0):

    up (l = 1 … L):   δ̄_l = ḡ_(l-1) W_lᵀ,  W̄_l += δ_lᵀ ḡ_(l-1),  ḡ_l = δ̄_l ⊙ c_l          (ḡ_0 = ∂L/∂∇Φ)
    down (l = L … 1): ā_l = h̄_l ⊙ c_l − ω² δ̄_l ⊙ g_l ⊙ s_l,  W̄_l += ā_lᵀ h_(l-1),  b̄_l = Σ ā_l,
                      h̄_(l-1) = ā_l W_l                                                      (h̄_L = ∂L/∂Φ w_out)

so four matmuls per layer in the backward (two in the forward) and one fused pass for ā, which also sums b̄
(a Triton kernel on CUDA; PyTorch ops elsewhere). Under half_operands() (--precision fp16) the same passes run
on fp16 operands (gradient_fp16.py).
A further derivative through this backward (create_graph=True) recomputes Φ and ∇Φ with plain PyTorch autograd.
"""
from __future__ import annotations

import torch

from . import gradient_fp16
from .dispatch import FIRST_OMEGA_LIMIT, half_operands_enabled
from .gradient_down import down_pass
from .linear import _launch


def _sine(h: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, omega: float, fused: bool
          ) -> tuple[torch.Tensor, torch.Tensor]:
    """s = sin(ω a), c = ω cos(ω a) for a = h Wᵀ + b."""
    if fused:
        return _launch(h, weight, bias, omega, store_d=True)
    a = omega * torch.nn.functional.linear(h, weight, bias)
    return torch.sin(a), omega * torch.cos(a)


def _plain(x: torch.Tensor, params: list[torch.Tensor | None], omegas: tuple[float, ...]
           ) -> tuple[torch.Tensor, torch.Tensor]:
    """Φ and ∇Φ by PyTorch autograd, differentiable (for a derivative of the backward itself)."""
    x = x.detach().requires_grad_(True)
    h = x
    for i, omega in enumerate(omegas):
        h = torch.sin(omega * torch.nn.functional.linear(h, params[2 * i], params[2 * i + 1]))
    value = torch.nn.functional.linear(h, params[-2], params[-1])
    (grad,) = torch.autograd.grad(value.sum(), x, create_graph=True)
    return value, grad


class _ValueAndGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, omegas: tuple, fused: bool, fp16: bool, *params: torch.Tensor | None):
        ctx.omegas, ctx.fused, ctx.fp16 = omegas, fused, fp16
        ctx.has_bias = [p is not None for p in params[1::2]]
        if fp16:
            value, g, hs, cs, gs, deltas = gradient_fp16.forward(x, omegas, params)
            ctx.save_for_backward(*hs, *cs, *gs, *deltas, *[p for p in params if p is not None])
            return value, g
        top = len(omegas) - 1
        weights, w_out, b_out = params[0:2 * top + 2:2], params[-2], params[-1]
        hs, cs = [x], []
        for i, omega in enumerate(omegas):
            s, c = _sine(hs[-1], weights[i], params[2 * i + 1], omega, fused)
            hs.append(s)
            cs.append(c)
        value = torch.addmm(b_out, hs[-1], w_out.T) if b_out is not None else hs[-1] @ w_out.T
        # the backward pass: gs[i] = ∂Φ/∂s_i, deltas[i] = gs[i] ⊙ c_i; at the top gs = w_out, so
        # δ_top W_top = c_top (diag(w_out) W_top) and δ_top is never stored
        gs, deltas = [None] * top, [None] * top
        g = cs[top] @ (w_out.T * weights[top])
        for i in range(top - 1, -1, -1):
            gs[i], deltas[i] = g, g * cs[i]
            g = deltas[i] @ weights[i]
        ctx.save_for_backward(*hs, *cs, *gs, *deltas, *[p for p in params if p is not None])
        return value, g

    @staticmethod
    def backward(ctx, value_bar: torch.Tensor, grad_bar: torch.Tensor):
        n = len(ctx.omegas)
        top = n - 1
        saved = list(ctx.saved_tensors)
        hs, cs, saved = saved[:n + 1], saved[n + 1:2 * n + 1], saved[2 * n + 1:]
        gs, deltas, saved = saved[:top], saved[top:2 * top], iter(saved[2 * top:])
        params = [next(saved) if has else None for has_bias in ctx.has_bias for has in (True, has_bias)]
        weights, w_out = params[0:2 * n:2], params[-2]
        if torch.is_grad_enabled():  # create_graph=True: differentiate a differentiable recomputation
            with torch.enable_grad():
                value, grad = _plain(hs[0], params, ctx.omegas)
                wanted = [p for p in params if p is not None]
                got = iter(torch.autograd.grad([value, grad], wanted, [value_bar, grad_bar], create_graph=True,
                                               allow_unused=True, materialize_grads=True))
            return None, None, None, None, *[next(got) if p is not None else None for p in params]
        if ctx.fp16:
            return None, None, None, None, *gradient_fp16.backward(value_bar, grad_bar, hs, cs, gs, deltas, params,
                                                                   ctx.omegas)

        q, w_grads = [], []  # up, through the backward pass: q[i] = δ̄_i
        g_bar = grad_bar
        for i in range(n):
            q.append(g_bar @ weights[i].T)
            if i < top:
                w_grads.append(deltas[i].T @ g_bar)
                g_bar = q[i] * cs[i]
            else:
                w_grads.append((cs[top].T @ g_bar) * w_out.T)
        grads: list[torch.Tensor | None] = [None] * (2 * n)
        h_bar = w_out_grad = None
        for i in range(top, -1, -1):  # down, through the forward pass
            a_bar, b_grad, top_sum = down_pass(h_bar, value_bar, w_out, cs[i], q[i], gs[i] if i < top else None,
                                               hs[i + 1], -ctx.omegas[i] ** 2, ctx.fused)
            if i == top:
                w_out_grad = (top_sum + value_bar.reshape(-1) @ hs[-1]).unsqueeze(0)
            grads[2 * i] = a_bar.T @ hs[i] + w_grads[i]
            grads[2 * i + 1] = b_grad if params[2 * i + 1] is not None else None
            if i:
                h_bar = a_bar @ weights[i]
        grads += [w_out_grad, value_bar.sum(0) if params[-1] is not None else None]
        return None, None, None, None, *grads


def value_and_gradient(x: torch.Tensor, layers: list[tuple[torch.Tensor, torch.Tensor | None, float | None]],
                       fused: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Φ (N, 1) and ∇Φ (N, in) of a stack of sine layers (weight (out, in), bias or None, ω₀) under a last linear
    layer of one output (ω₀ None), at x (N, in). Differentiable in the weights, not in x. `fused`: Triton kernels
    (CUDA float32, or Triton's interpreter), on fp16 operands inside half_operands() (gradient_fp16.py); else
    PyTorch ops."""
    omegas = tuple(omega for _, _, omega in layers[:-1])
    if layers[-1][2] is not None or None in omegas or layers[-1][0].shape[0] != 1:
        raise ValueError("value_and_gradient: sine layers under one linear layer with one output")
    params = [t for weight, bias, _ in layers for t in (weight, bias)]
    half = fused and half_operands_enabled() and omegas[0] <= FIRST_OMEGA_LIMIT
    return _ValueAndGradient.apply(x, omegas, fused, half, *params)
