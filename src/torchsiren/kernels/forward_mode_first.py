"""The first sine layer's forward-mode jet straight from the coordinates, forward and backward.

The first layer's input state is [x, I, 0], so its pre-activation z has the value row x (ωW)ᵀ + ωb, constant
Jacobian rows ωW[:, i] and zero second-derivative rows. Building that (N, P, F) z and running the general jet
(forward_mode.py) on it moves ~3× the state through memory and needs casts and reductions in the backward; here one
pass computes h from x (D FMAs per entry) — s, the Jacobian rows c ωW_i, then the Laplacian row −λ s Σ_i (ωW_i)²
(P = 2 + D) or the Hessian-diagonal rows −λ s (ωW_i)² (P = 1 + 2D) — and one pass turns ∂L/∂h into the layer's
weight and bias gradients (per-tile column sums, added up by one small torch sum, so it is deterministic).
λ is the second-derivative rows' storage scale (forward_mode_fp16.py's 2^-LAP_SHIFT).
"""
from __future__ import annotations

import torch

from .dispatch import interpreting
from .tiles import autotune
from .linear import fast_sincos

try:
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover - dispatch never calls in without Triton
    triton = None
else:
    from .linear import sincos

_ROWS = 64  # points per backward tile: the partial sums have cdiv(N, _ROWS) rows

if triton is not None:
    @triton.jit
    def _first_tile(x_ptr, w_ptr, b_ptr, NPTS, F, D: tl.constexpr, FAST: tl.constexpr, BLOCK_R: tl.constexpr,
                    BLOCK_F: tl.constexpr):
        """This tile's points and features, its mask, sin and cos of v = x wᵀ + b, and Σ_i w_i² per feature."""
        pts = (tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)).to(tl.int64)
        feats = tl.program_id(1) * BLOCK_F + tl.arange(0, BLOCK_F)
        pt_ok, f_ok = pts < NPTS, feats < F
        v = tl.zeros((BLOCK_R, BLOCK_F), tl.float32)
        sq = tl.zeros((BLOCK_F,), tl.float32)
        for i in tl.static_range(D):
            wi = tl.load(w_ptr + feats * D + i, mask=f_ok, other=0.0)
            v += tl.load(x_ptr + pts * D + i, mask=pt_ok, other=0.0)[:, None] * wi[None, :]
            sq += wi * wi
        v += tl.load(b_ptr + feats, mask=f_ok, other=0.0)[None, :]
        ok = pt_ok[:, None] & f_ok[None, :]
        s, c = sincos(v, FAST)
        return pts, feats, ok, s, c, sq

    @triton.jit
    def _first_fwd(x_ptr, w_ptr, b_ptr, h_ptr, NPTS, F, lap_scale, D: tl.constexpr, P: tl.constexpr,
                   FAST: tl.constexpr, BLOCK_R: tl.constexpr, BLOCK_F: tl.constexpr):
        """h (N, P, F) in h's dtype: s, the Jacobian rows c w_i, then the Laplacian row −λ s Σ w_i² (P = 2 + D) or
        the Hessian-diagonal rows −λ s w_i² (P = 1 + 2D)."""
        pts, feats, ok, s, c, sq = _first_tile(x_ptr, w_ptr, b_ptr, NPTS, F, D, FAST, BLOCK_R, BLOCK_F)
        base = pts[:, None] * (P * F) + feats[None, :]
        out = h_ptr.dtype.element_ty
        tl.store(h_ptr + base, s.to(out), mask=ok)
        for i in tl.static_range(D):
            wi = tl.load(w_ptr + feats * D + i, mask=feats < F, other=0.0)[None, :]
            tl.store(h_ptr + base + (1 + i) * F, (c * wi).to(out), mask=ok)
            if P == 1 + 2 * D:
                tl.store(h_ptr + base + (1 + D + i) * F, (-lap_scale * s * wi * wi).to(out), mask=ok)
        if P != 1 + 2 * D:
            tl.store(h_ptr + base + (1 + D) * F, (-lap_scale * s * sq[None, :]).to(out), mask=ok)

    @triton.jit
    def _first_bwd(x_ptr, w_ptr, b_ptr, g_ptr, part_ptr, NPTS, F, lap_scale, D: tl.constexpr, P: tl.constexpr,
                   FAST: tl.constexpr, BLOCK_R: tl.constexpr, BLOCK_F: tl.constexpr):
        """From g = ∂L/∂h (N, P, F), this tile's column sums of ∂L/∂v, ∂L/∂v · x_i and ∂L/∂w_i into row
        program_id(0) of part (tiles, 1 + 2D, F). With γ_i the gradient of the row holding w_i² (the Laplacian
        row g_Δ for every i, or the diagonal row g_ii):
        ∂L/∂v = g₀ c − s Σ_i g_i w_i − λ c Σ_i γ_i w_i²,   ∂L/∂w_i (Jacobian rows) = g_i c − 2λ γ_i s w_i."""
        pts, feats, ok, s, c, _ = _first_tile(x_ptr, w_ptr, b_ptr, NPTS, F, D, FAST, BLOCK_R, BLOCK_F)
        base = pts[:, None] * (P * F) + feats[None, :]
        gv = tl.load(g_ptr + base, mask=ok, other=0.0).to(tl.float32) * c
        gl = tl.zeros_like(gv)
        if P != 1 + 2 * D:
            gl = tl.load(g_ptr + base + (1 + D) * F, mask=ok, other=0.0).to(tl.float32)
        row = part_ptr + tl.program_id(0).to(tl.int64) * ((1 + 2 * D) * F) + feats
        f_ok = feats < F
        for i in tl.static_range(D):
            wi = tl.load(w_ptr + feats * D + i, mask=f_ok, other=0.0)[None, :]
            gi = tl.load(g_ptr + base + (1 + i) * F, mask=ok, other=0.0).to(tl.float32)
            gamma = gl
            if P == 1 + 2 * D:
                gamma = tl.load(g_ptr + base + (1 + D + i) * F, mask=ok, other=0.0).to(tl.float32)
            gv -= s * gi * wi + lap_scale * gamma * c * wi * wi
            tl.store(row + (1 + D + i) * F, tl.sum(gi * c - 2.0 * lap_scale * gamma * s * wi, axis=0), mask=f_ok)
        tl.store(row, tl.sum(gv, axis=0), mask=f_ok)
        for i in tl.static_range(D):
            xi = tl.load(x_ptr + pts * D + i, mask=pts < NPTS, other=0.0)
            tl.store(row + (1 + i) * F, tl.sum(gv * xi[:, None], axis=0), mask=f_ok)

    _CONFIGS = [triton.Config({"BLOCK_F": f}, num_warps=w) for f, w in ((64, 4), (128, 4), (256, 8))]
    _tuned = {k: autotune(_CONFIGS, key=["F", "D", "P", "FAST"])(k) for k in (_first_fwd, _first_bwd)}


def _launch(kernel, n: int, f: int, *args, **flags) -> None:
    if interpreting():  # a fixed small tile (autotuning needs a GPU)
        kernel[(triton.cdiv(n, _ROWS), triton.cdiv(f, 32))](*args, **flags, BLOCK_R=_ROWS, BLOCK_F=32)
    else:
        grid = lambda meta: (triton.cdiv(n, _ROWS), triton.cdiv(f, meta["BLOCK_F"]))  # noqa: E731
        _tuned[kernel][grid](*args, **flags, BLOCK_R=_ROWS)


def _scaled(weight: torch.Tensor, bias: torch.Tensor | None, omega: float) -> tuple[torch.Tensor, torch.Tensor]:
    w = (omega * weight).float().contiguous()
    return w, ((omega * bias).float().contiguous() if bias is not None else w.new_zeros(w.shape[0]))


def first_jet(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, omega: float, lap_scale: float,
              rows: int, dtype: torch.dtype = torch.float16) -> torch.Tensor:
    """The first sine layer's output state (N, rows, F) — value, D Jacobian rows, then the Laplacian row
    (rows = 2 + D) or D Hessian-diagonal rows (rows = 1 + 2D), times lap_scale — at x (N, D) float32, for weight
    (F, D) and bias (F,) or None. fp16 (the default) takes linear.sincos's fast sine and cosine."""
    n, d = x.shape
    if rows not in (2 + d, 1 + 2 * d):
        raise ValueError(f"first_jet: a state of D = {d} inputs has 2 + D or 1 + 2D rows, got {rows}")
    w, b = _scaled(weight, bias, omega)
    h = torch.empty(n, rows, w.shape[0], device=x.device, dtype=dtype)
    if n:
        _launch(_first_fwd, n, w.shape[0], x, w, b, h, n, w.shape[0], float(lap_scale), D=d, P=rows,
                FAST=fast_sincos(h))
    return h


def first_jet_backward(grad_h: torch.Tensor, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None,
                       omega: float, lap_scale: float
                       ) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(∂L/∂weight (F, D), ∂L/∂bias (F,) or None), float32, from grad_h = ∂L/∂first_jet(...) (N, rows, F); an
    fp16 grad_h takes the fast sine and cosine, as first_jet does for an fp16 state."""
    n, d = x.shape
    w, b = _scaled(weight, bias, omega)
    f = w.shape[0]
    part = torch.empty(triton.cdiv(n, _ROWS), 1 + 2 * d, f, device=x.device)
    if n:
        _launch(_first_bwd, n, f, x, w, b, grad_h.contiguous(), part, n, f, float(lap_scale), D=d, P=grad_h.shape[1],
                FAST=fast_sincos(grad_h))
    sums = part.sum(0)  # (1 + 2D, F): ∂L/∂v, ∂L/∂v · x_i, ∂L/∂w_i
    weight_grad = (sums[1:1 + d] + sums[1 + d:]).T.mul(omega)
    return weight_grad, (sums[0].mul(omega) if bias is not None else None)
