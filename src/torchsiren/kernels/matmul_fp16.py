"""fp16 matmuls with the sine layer's elementwise work in their epilogue (the fp16 stack, stack_fp16.py).

`sine_gemm`: y = sin(ω (x Wᵀ + b)) and y' = ω cos(·), fp16 out, from fp16 x; `matmul16`: α a b, or the chain's
(g W) ⊙ y' with its column sums (the bias gradient below) added atomically, optionally keeping the product too
(gradient_fp16.py), fp16 out. Accumulation, bias and sine are float32. Against
cuBLAS's fp16 matmul plus a separate pass, which writes and rereads the product (docs/performance.md).
"""
from __future__ import annotations

import torch

from .dispatch import interpreting
from .linear import fast_sincos

try:
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover - dispatch never calls in without Triton
    triton = None

SINE, CHAIN = 0, 1
TILE = dict(BLOCK_M=128, BLOCK_N=128, BLOCK_K=64, num_warps=8, num_stages=3)  # the probe's best, every case
SMALL_TILE = dict(BLOCK_M=32, BLOCK_N=32, BLOCK_K=16)  # Triton's CPU interpreter (tests)

if triton is not None:
    from .linear import sincos

    @triton.jit
    def _gemm16_kernel(x_ptr, wt_ptr, b_ptr, y_ptr, d_ptr, p_ptr, gb_ptr, M, N, K, omega, alpha,
                       MODE: tl.constexpr, HAS_BIAS: tl.constexpr, STORE_D: tl.constexpr, HAS_D: tl.constexpr,
                       STORE_P: tl.constexpr, FAST: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr,
                       BLOCK_K: tl.constexpr):
        """acc = x (M, K) @ wt (K, N), both fp16 row-major, in float32. SINE: y = sin(ω (acc + b)), d = ω cos(·).
        CHAIN: with the product p = α acc (also stored when STORE_P), y = p ⊙ d (HAS_D) or p, and gb (N,) += the
        column sums of y when HAS_BIAS."""
        n_tiles = tl.cdiv(N, BLOCK_N)
        pid_m, pid_n = tl.program_id(0) // n_tiles, tl.program_id(0) % n_tiles
        rows = (pid_m * BLOCK_M + tl.arange(0, BLOCK_M)).to(tl.int64)
        cols = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
        ks = tl.arange(0, BLOCK_K)
        row_ok, col_ok = rows < M, cols < N
        acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
        for k0 in range(0, K, BLOCK_K):
            k_ok = (k0 + ks) < K
            x = tl.load(x_ptr + rows[:, None] * K + (k0 + ks)[None, :], mask=row_ok[:, None] & k_ok[None, :],
                        other=0.0)
            w = tl.load(wt_ptr + (k0 + ks)[:, None] * N + cols[None, :], mask=k_ok[:, None] & col_ok[None, :],
                        other=0.0)
            acc = tl.dot(x, w, acc)
        at, ok = rows[:, None] * N + cols[None, :], row_ok[:, None] & col_ok[None, :]
        if MODE == 0:
            if HAS_BIAS:
                acc += tl.load(b_ptr + cols, mask=col_ok, other=0.0)[None, :]
            s, c = sincos(omega * acc, FAST)
            tl.store(y_ptr + at, s.to(tl.float16), mask=ok)
            if STORE_D:
                tl.store(d_ptr + at, (omega * c).to(tl.float16), mask=ok)
        else:
            out = acc * alpha
            if STORE_P:
                tl.store(p_ptr + at, out.to(tl.float16), mask=ok)
            if HAS_D:
                out = out * tl.load(d_ptr + at, mask=ok, other=0.0).to(tl.float32)
            tl.store(y_ptr + at, out.to(tl.float16), mask=ok)
            if HAS_BIAS:
                tl.atomic_add(gb_ptr + cols, tl.sum(out, axis=0), mask=col_ok)


def _run(x: torch.Tensor, wt: torch.Tensor, bias, y, d, p, bias_grad, omega: float, mode: int, store_d: bool,
         alpha: float = 1.0) -> None:
    m, k = x.shape
    n = wt.shape[1]
    if m == 0:
        return
    tile = SMALL_TILE if interpreting() else TILE
    grid = (triton.cdiv(m, tile["BLOCK_M"]) * triton.cdiv(n, tile["BLOCK_N"]),)
    has_bias = (bias if mode == SINE else bias_grad) is not None
    _gemm16_kernel[grid](x, wt, bias if bias is not None else y, y, d if d is not None else y,
                         p if p is not None else y, bias_grad if bias_grad is not None else y, m, n, k, float(omega),
                         float(alpha), MODE=mode, HAS_BIAS=has_bias, STORE_D=store_d, HAS_D=d is not None,
                         STORE_P=p is not None, FAST=fast_sincos(y), **tile)


def sine_gemm(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, omega: float, store_d: bool
              ) -> tuple[torch.Tensor, torch.Tensor | None]:
    """sin(ω (x Wᵀ + b)) and, when store_d, ω cos(·), both fp16 (M, out), from x (M, in) (rounded to fp16),
    weight (out, in), bias (out,) float32."""
    x = x.half().contiguous()
    y = torch.empty(x.shape[0], weight.shape[0], device=x.device, dtype=torch.float16)
    d = torch.empty_like(y) if store_d else None
    _run(x, weight.T.half().contiguous(), bias, y, d, None, None, omega, SINE, store_d)
    return y, d


def matmul16(a: torch.Tensor, b: torch.Tensor, d: torch.Tensor | None = None, keep_product: bool = False,
             alpha: float = 1.0, bias_grad: torch.Tensor | None = None
             ) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """p = α a b for fp16 a (M, K) and b (K, N) (b rounded to fp16), as fp16 (M, N); with d (M, N) fp16, p ⊙ d
    instead, and (p ⊙ d, p) when keep_product. Adds the column sums of the result into bias_grad (N,) (float32,
    zeroed by the caller) when given."""
    a, b = a.half().contiguous(), b.half().contiguous()
    y = torch.empty(a.shape[0], b.shape[1], device=a.device, dtype=torch.float16)
    p = torch.empty_like(y) if keep_product else None
    _run(a, b, None, y, d.contiguous() if d is not None else None, p, bias_grad, 0.0, CHAIN, False, alpha)
    return (y, p) if keep_product else y

