"""∂L/∂z of the layer below a sine layer, in one pass after the matmul: (∂L/∂z · W) ⊙ y'_below, with the layer
below's bias gradient summed in the same pass (atomic adds: on a GPU not bitwise reproducible from run to run).
Below a last linear layer of few outputs the product is an outer product, computed in the kernel itself, so its
∂L/∂y is never stored. Used by the stack's backward in float32 (stack.py) and with fp16 operands (stack_fp16.py)."""
from __future__ import annotations

import torch

from .matmul_fp16 import matmul16
from .linear import SMALL_K
from .tiles import autotune, launch

try:
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover - dispatch never calls in without Triton
    triton = None

if triton is not None:
    from .tiles import CONFIGS, tile

    @triton.jit
    def _chain_kernel(g_ptr, w_ptr, d_ptr, out_ptr, p_ptr, gb_ptr, M, N, K, stride_gm, stride_wk,
                      BIAS_SUM: tl.constexpr, FMA: tl.constexpr, STORE_P: tl.constexpr, WIDE: tl.constexpr,
                      BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
        """out = (g @ w) ⊙ d for g (M, K) with K < 16 (exact float32 FMAs; the product itself into p when
        STORE_P), or out = g ⊙ d for g (M, N) when not FMA; w (K, N), d and out (M, N) row-major; gb (N,) +=
        column sums of out."""
        rows, cols, row_ok, col_ok, out, ok = tile(M, N, WIDE, BLOCK_M, BLOCK_N)
        if FMA:
            acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
            for k in range(0, K):
                gk = tl.load(g_ptr + rows * stride_gm + k, mask=row_ok, other=0.0).to(tl.float32)
                wk = tl.load(w_ptr + k * stride_wk + cols, mask=col_ok, other=0.0)
                acc += gk[:, None] * wk[None, :]
            if STORE_P:
                tl.store(p_ptr + out, acc.to(p_ptr.dtype.element_ty), mask=ok)
        else:
            acc = tl.load(g_ptr + out, mask=ok, other=0.0).to(tl.float32)
        acc = acc * tl.load(d_ptr + out, mask=ok, other=0.0).to(tl.float32)
        tl.store(out_ptr + out, acc.to(out_ptr.dtype.element_ty), mask=ok)
        if BIAS_SUM:
            tl.atomic_add(gb_ptr + cols, tl.sum(acc, axis=0), mask=col_ok)

    _tuned = autotune(CONFIGS, key=["N", "K", "FMA", "WIDE"], reset_to_zero=["gb_ptr"])(_chain_kernel)


def chain(grad_z: torch.Tensor, weight: torch.Tensor, d: torch.Tensor, bias_grad: torch.Tensor | None,
          keep_product: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """(grad_z @ weight) ⊙ d: the gradient of the pre-activation of the layer below, from grad_z (M, K) of the
    layer above, its weight (K, N) and the layer below's y' = d (M, N), as d's dtype (float32, or fp16 for
    kernels/stack_fp16.py). Adds its column sums into bias_grad (N,) (zero it first) when given. keep_product: return
    (the result, grad_z @ weight) (kernels/gradient_fp16.py's up pass).
    A narrow K (a last linear layer) is one kernel of FMAs. A wide float32 one is a cuBLAS matmul (torch's TF32
    switch) whose output the kernel scales: a TF32 Triton matmul with this epilogue measured 20% slower than cuBLAS
    at width 512 on an H200. A wide fp16 one is matmul_fp16's matmul with this epilogue, which beats cuBLAS + a pass."""
    m, k = grad_z.shape
    n = weight.shape[1]
    fma = k < SMALL_K
    grad_z, weight, d = grad_z.contiguous(), weight.contiguous(), d.contiguous()
    if not fma and grad_z.dtype == torch.float16:  # fp16 operands (stack_fp16.py): one matmul with this epilogue
        return matmul16(grad_z, weight, d, keep_product, bias_grad=bias_grad)
    product = grad_z if fma else grad_z @ weight
    out = torch.empty(m, n, device=grad_z.device, dtype=d.dtype)  # never in place: autotuning reruns it
    kept = torch.empty_like(out) if keep_product and fma else None
    if m:
        wide = max(m * max(n, k), k * n) >= 2 ** 31 - 1
        args = (product, weight, d, out, kept if kept is not None else out,
                bias_grad if bias_grad is not None else out, m, n, k, grad_z.stride(0), weight.stride(0))
        launch(_chain_kernel, _tuned, m, n, *args, BIAS_SUM=bias_grad is not None, FMA=fma, STORE_P=kept is not None,
               WIDE=wide)
    if not keep_product:
        return out
    return out, (kept if fma else product.to(d.dtype))
