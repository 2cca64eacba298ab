"""Φ, ∇Φ and their hand-written backward (gradient.py) on fp16 operands (--precision fp16).

The same passes as gradient.py, with every N × width tensor stored in fp16 and every matmul on fp16 tensor
cores with float32 accumulation (matmul_fp16.py), the elementwise work in the matmuls' epilogues:
  forward: the stack's fp16 forward (stack_fp16.py) gives s and c = ω cos; then ∇Φ's chain, g_(l-1) = δ_l W_l and
           δ_(l-1) = g_(l-1) ⊙ c_(l-1), one matmul per layer writing both g and δ;
  up:      q_l = ḡ_(l-1) W_lᵀ and ḡ_l = q_l ⊙ c_l, one matmul writing both;
  down:    ā_l = h̄_l ⊙ c_l − ω² q_l ⊙ g_l ⊙ s_l (gradient_down.py's pass, fp16 in and out), h̄_(l-1) = ā_l W_l.
Weight gradients are cuBLAS fp16 matmuls with float32 output; biases are summed in float32.
Range: the top of ∇Φ's chain multiplies by w_out ⊙ W_top (~1e-5 at initialisation, below fp16's normal range),
so that product is stored times 2^TOP_SHIFT and the matmul scales back. The backward scales ∂L/∂Φ and ∂L/∂∇Φ
by one power of two that puts their largest entry at 2^MAX_EXPONENT (4): the pass's intermediates reach ~160×
their inputs (q, ḡ, ā; benchmarks/gradient_range_probe.py on the bench's gradient and SDF losses, at
initialisation and after training),
which leaves fp16 (max 65504) ~25× of headroom, and entries down to 2^-18 of the largest stay normal.
"""
from __future__ import annotations

import torch

from . import stack_fp16 as half
from .stack_chain import chain
from .gradient_down import down_pass
from .foreach import scale_
from .matmul_fp16 import matmul16
from .linear import half_mm

MAX_EXPONENT = 4
TOP_SHIFT = 10  # w_out ⊙ W_top stored times 2^10


def forward(x: torch.Tensor, omegas: tuple, params: tuple
            ) -> tuple[torch.Tensor, torch.Tensor, list, list, list, list]:
    """(Φ (N, 1) float32, ∇Φ (N, in) float32, hs, cs, gs, deltas) as gradient.py's forward keeps them, fp16."""
    inputs, ds = half.forward(x, omegas + (None,), params, store_d=True)
    value, hs, cs = inputs[-1], inputs[:-1], ds[:-1]
    top = len(omegas) - 1
    weights, w_out = params[0:2 * top + 2:2], params[-2]
    gs, deltas = [None] * top, [None] * top
    shifted = (w_out.T * weights[top]) * 2.0 ** TOP_SHIFT  # (out_top, in_top)
    if top == 0:  # one sine layer: ∇Φ = c (w_out ⊙ W)
        return value, half_mm(cs[0], shifted.half()) * 2.0 ** -TOP_SHIFT, hs, cs, gs, deltas
    deltas[top - 1], gs[top - 1] = matmul16(cs[top], shifted, cs[top - 1], keep_product=True,
                                            alpha=2.0 ** -TOP_SHIFT)
    for i in range(top - 1, 0, -1):
        deltas[i - 1], gs[i - 1] = matmul16(deltas[i], weights[i], cs[i - 1], keep_product=True)
    grad = half_mm(deltas[0], weights[0].half())
    return value, grad, hs, cs, gs, deltas


def backward(value_bar: torch.Tensor, grad_bar: torch.Tensor, hs: list, cs: list, gs: list, deltas: list,
             params: list, omegas: tuple) -> list[torch.Tensor | None]:
    """The parameters' gradients [W₀, b₀, …, w_out, b_out] from ∂L/∂Φ (N, 1) and ∂L/∂∇Φ (N, in)."""
    n = len(omegas)
    top = n - 1
    weights, w_out = params[0:2 * n:2], params[-2]
    device = grad_bar.device
    buf = torch.zeros(4, device=device)  # amax, scale, 1/scale, b_out's gradient
    g_bar, y_bar = half.scaled_gradients([grad_bar, value_bar], [None, None], buf[:3], [None, buf[3:]],
                                         MAX_EXPONENT)
    q, up_grads = [], []  # up, through ∇Φ's chain: q[i] = δ̄_i, and the weights' gradient through it
    for i in range(n):
        if i == top:
            q.append(matmul16(g_bar, weights[i].T) if i else (g_bar.float() @ weights[i].T).half())
            up_grads.append(half_mm(cs[top].T, g_bar) * w_out.T)
            break
        if i == 0:  # fan-in < 16: exact FMAs
            next_bar, q_i = chain(g_bar, weights[0].T, cs[0], None, keep_product=True)
        else:
            next_bar, q_i = matmul16(g_bar, weights[i].T, cs[i], keep_product=True)
        q.append(q_i)
        up_grads.append(half_mm(deltas[i].T, g_bar))
        g_bar = next_bar
    grads: list[torch.Tensor | None] = [None] * (2 * n)
    h_bar = w_out_grad = None
    for i in range(top, -1, -1):  # down, through the forward pass
        a_bar, b_grad, top_sum = down_pass(h_bar, y_bar, w_out, cs[i], q[i], gs[i] if i < top else None,
                                           hs[i + 1], -omegas[i] ** 2, True)
        if i == top:
            w_out_grad = (top_sum + half_mm(y_bar.T, hs[-1]).reshape(-1)).unsqueeze(0)
        grads[2 * i] = half_mm(a_bar.T, hs[i].half()) + up_grads[i]
        grads[2 * i + 1] = b_grad if params[2 * i + 1] is not None else None
        if i:
            h_bar = matmul16(a_bar, weights[i])
    scale_([g for g in grads if g is not None] + [w_out_grad], buf[2])
    return grads + [w_out_grad, buf[3:] if params[-1] is not None else None]
