"""The sine of a forward-mode state in one pass: value, Jacobian rows and second-derivative rows together.

z: (N, P, F) pre-activations from one matmul of the whole state (row 0 the value without its bias, rows 1..D the
derivatives along each input, then one Laplacian row or D Hessian-diagonal rows), b: (F,) the bias of row 0.
With v = z₀ + b, s = sin v, c = cos v:  h₀ = s,  h_i = c z_i,  Δh = c z_Δ − s Σ_i z_i²,  ∂_ii h = c z_ii − s z_i².
The plain PyTorch path (reference.torch_jet) needs ~10 elementwise passes for this; the kernel reads z once and
writes h once. Its backward is a second kernel of the same shape.
"""
from __future__ import annotations

import torch

from .dispatch import interpreting
from .tiles import autotune
from .reference import _differentiable_backward, _second_kind
from .linear import column_sum, fast_sincos

try:
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover
    triton = None
else:
    from .linear import sincos



if triton is not None:
    # This program's points × features: the mask, the offsets of row 0, and sin / cos of the value row.
    @triton.jit
    def _tile(z_ptr, b_ptr, NPTS, F, P: tl.constexpr, FAST: tl.constexpr, BLOCK_R: tl.constexpr,
              BLOCK_F: tl.constexpr):
        pts = (tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)).to(tl.int64)
        feats = tl.program_id(1) * BLOCK_F + tl.arange(0, BLOCK_F)
        ok = (pts < NPTS)[:, None] & (feats < F)[None, :]
        base = pts[:, None] * (P * F) + feats[None, :]
        v = tl.load(z_ptr + base, mask=ok, other=0.0) + tl.load(b_ptr + feats, mask=feats < F, other=0.0)[None, :]
        s, c = sincos(v, FAST)
        return ok, base, s, c

    @triton.jit
    def _row(ptr, base, r, F, ok):
        """Row r of this tile's points, as float32 (the state may be fp16)."""
        return tl.load(ptr + base + r * F, mask=ok, other=0.0).to(tl.float32)

    @triton.jit
    def _jet_fwd(z_ptr, b_ptr, h_ptr, NPTS, F, lap_scale, D: tl.constexpr, SECOND: tl.constexpr, P: tl.constexpr,
                 FAST: tl.constexpr, BLOCK_R: tl.constexpr, BLOCK_F: tl.constexpr):
        """h = the sine of the state z; h's dtype may be fp16. The second-derivative rows are stored times
        lap_scale λ (z's too): Δh·λ = c (z_Δ λ) − s λ Σ z_i², ∂_ii h·λ = c (z_ii λ) − s λ z_i²."""
        ok, base, s, c = _tile(z_ptr, b_ptr, NPTS, F, P, FAST, BLOCK_R, BLOCK_F)
        tl.store(h_ptr + base, s.to(h_ptr.dtype.element_ty), mask=ok)
        sq = tl.zeros_like(s)
        for i in tl.static_range(D):
            zi = _row(z_ptr, base, 1 + i, F, ok)
            tl.store(h_ptr + base + (1 + i) * F, (c * zi).to(h_ptr.dtype.element_ty), mask=ok)
            if SECOND == 2:
                zii = _row(z_ptr, base, 1 + D + i, F, ok)
                hii = c * zii - lap_scale * s * zi * zi
                tl.store(h_ptr + base + (1 + D + i) * F, hii.to(h_ptr.dtype.element_ty), mask=ok)
            sq += zi * zi
        if SECOND == 1:
            zl = _row(z_ptr, base, 1 + D, F, ok)
            tl.store(h_ptr + base + (1 + D) * F, (c * zl - lap_scale * s * sq).to(h_ptr.dtype.element_ty), mask=ok)

    @triton.jit
    def _jet_bwd(z_ptr, b_ptr, g_ptr, gz_ptr, NPTS, F, lap_scale, D: tl.constexpr, SECOND: tl.constexpr,
                 P: tl.constexpr, FAST: tl.constexpr, BLOCK_R: tl.constexpr, BLOCK_F: tl.constexpr):
        """∂L/∂z from ∂L/∂h (g), for _jet_fwd with the same lap_scale; g and gz may be fp16."""
        ok, base, s, c = _tile(z_ptr, b_ptr, NPTS, F, P, FAST, BLOCK_R, BLOCK_F)
        gv = _row(g_ptr, base, 0, F, ok) * c
        gl = tl.zeros_like(s)
        if SECOND == 1:
            gl = _row(g_ptr, base, 1 + D, F, ok)
            zl = _row(z_ptr, base, 1 + D, F, ok)
            tl.store(gz_ptr + base + (1 + D) * F, (gl * c).to(gz_ptr.dtype.element_ty), mask=ok)
            gv -= gl * s * zl
        for i in tl.static_range(D):
            zi = _row(z_ptr, base, 1 + i, F, ok)
            gi = _row(g_ptr, base, 1 + i, F, ok)
            gv -= gi * s * zi
            gzi = gi * c
            if SECOND == 1:
                gv -= lap_scale * gl * c * zi * zi
                gzi -= 2.0 * lap_scale * gl * s * zi
            if SECOND == 2:
                gii = _row(g_ptr, base, 1 + D + i, F, ok)
                zii = _row(z_ptr, base, 1 + D + i, F, ok)
                tl.store(gz_ptr + base + (1 + D + i) * F, (gii * c).to(gz_ptr.dtype.element_ty), mask=ok)
                gv -= gii * (s * zii + lap_scale * c * zi * zi)
                gzi -= 2.0 * lap_scale * gii * s * zi
            tl.store(gz_ptr + base + (1 + i) * F, gzi.to(gz_ptr.dtype.element_ty), mask=ok)
        tl.store(gz_ptr + base, gv.to(gz_ptr.dtype.element_ty), mask=ok)

    _JET_CONFIGS = [triton.Config({"BLOCK_R": r, "BLOCK_F": f}, num_warps=w)
                    for r, f, w in [(32, 128, 4), (16, 256, 4), (64, 64, 4), (32, 256, 8), (8, 256, 2)]]
    _tuned = {k: autotune(_JET_CONFIGS, key=["F", "D", "SECOND", "P", "FAST"])(k)
              for k in (_jet_fwd, _jet_bwd)}


def _run(kernel, *tensors: torch.Tensor, npts: int, f: int, d: int, second: int, p: int,
         lap_scale: float = 1.0) -> None:
    """The last tensor is the output: fp16 there takes linear.sincos's fast sine and cosine."""
    if npts == 0:
        return
    flags = dict(D=d, SECOND=second, P=p, FAST=fast_sincos(tensors[-1]))
    if interpreting():  # one small fixed tile (autotuning needs a GPU)
        grid = (triton.cdiv(npts, 16), triton.cdiv(f, 32))
        kernel[grid](*tensors, npts, f, float(lap_scale), **flags, BLOCK_R=16, BLOCK_F=32)
    else:
        grid = lambda meta: (triton.cdiv(npts, meta["BLOCK_R"]), triton.cdiv(f, meta["BLOCK_F"]))  # noqa: E731
        _tuned[kernel][grid](*tensors, npts, f, float(lap_scale), **flags)


class _SineJet(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z: torch.Tensor, bias: torch.Tensor, d: int) -> torch.Tensor:
        npts, p, f = z.shape
        second = _second_kind(p, d)
        h = torch.empty_like(z)
        _run(_jet_fwd, z, bias, h, npts=npts, f=f, d=d, second=second, p=p)
        ctx.save_for_backward(z, bias)
        ctx.d, ctx.second = d, second
        return h

    @staticmethod
    def backward(ctx, grad_h: torch.Tensor):
        z, bias = ctx.saved_tensors
        if torch.is_grad_enabled():  # create_graph=True: a double backward follows
            return _differentiable_backward(ctx, z, bias, grad_h)
        grad_h = grad_h.contiguous()
        npts, p, f = z.shape
        gz = torch.empty_like(z)
        _run(_jet_bwd, z, bias, grad_h, gz, npts=npts, f=f, d=ctx.d, second=ctx.second, p=p)
        return gz, (column_sum(gz[:, 0]) if ctx.needs_input_grad[1] else None), None


def sine_jet(z: torch.Tensor, bias: torch.Tensor, d: int) -> torch.Tensor:
    """sin applied to a forward-mode state: z (N, P, F) without the bias, bias (F,) of the value row -> (N, P, F)."""
    return _SineJet.apply(z.contiguous(), bias.contiguous(), d)
