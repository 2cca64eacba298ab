"""The down pass of gradient.py's backward in one pass: ā = h̄ ⊙ c + κ q ⊙ g ⊙ s with ā's column sums (the bias
gradient) added atomically, on float32 tensors (gradient.py) or fp16 ones (gradient_fp16.py)."""
from __future__ import annotations

import torch

from .linear import column_sum
from .tiles import autotune, launch

try:
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover - dispatch never calls in without Triton
    triton = None

if triton is not None:
    from .tiles import CONFIGS, tile

    @triton.jit
    def _down_kernel(h_ptr, y_ptr, wo_ptr, c_ptr, q_ptr, g_ptr, s_ptr, out_ptr, gb_ptr, M, N, kappa,
                     TOP: tl.constexpr, WIDE: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
        """out = h̄ ⊙ c + κ q ⊙ g ⊙ s, all (M, N) row-major; at the top layer h̄ = ȳ w_out (ȳ (M,), w_out (N,))
        and g = w_out (broadcast). gb[0:N] += column sums of out; at the top gb[N:2N] += column sums of q ⊙ c.
        Float32 arithmetic on float32 or fp16 tensors (gradient_fp16.py); out in c's dtype."""
        rows, cols, row_ok, col_ok, at, ok = tile(M, N, WIDE, BLOCK_M, BLOCK_N)
        if TOP:
            wo = tl.load(wo_ptr + cols, mask=col_ok, other=0.0)[None, :]
            h = tl.load(y_ptr + rows, mask=row_ok, other=0.0).to(tl.float32)[:, None] * wo
            g = wo
        else:
            h = tl.load(h_ptr + at, mask=ok, other=0.0).to(tl.float32)
            g = tl.load(g_ptr + at, mask=ok, other=0.0).to(tl.float32)
        c = tl.load(c_ptr + at, mask=ok, other=0.0).to(tl.float32)
        q = tl.load(q_ptr + at, mask=ok, other=0.0).to(tl.float32)
        s = tl.load(s_ptr + at, mask=ok, other=0.0).to(tl.float32)
        out = h * c + kappa * q * g * s
        tl.store(out_ptr + at, out.to(out_ptr.dtype.element_ty), mask=ok)
        tl.atomic_add(gb_ptr + cols, tl.sum(out, axis=0), mask=col_ok)
        if TOP:
            tl.atomic_add(gb_ptr + N + cols, tl.sum(q * c, axis=0), mask=col_ok)

    _tuned = autotune(CONFIGS, key=["N", "TOP", "WIDE"], reset_to_zero=["gb_ptr"])(_down_kernel)


def down_pass(h_bar: torch.Tensor | None, y_bar: torch.Tensor, w_out: torch.Tensor, c: torch.Tensor, q: torch.Tensor,
          g: torch.Tensor | None, s: torch.Tensor, kappa: float, fused: bool
          ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """ā = h̄ ⊙ c + κ q ⊙ g ⊙ s and its column sums. At the top layer (g None) h̄ = ȳ w_out and g = w_out, and the
    column sums of q ⊙ c (w_out's gradient through ∇Φ) come third."""
    top = g is None
    if not fused:
        if top:
            out = (y_bar * w_out) * c + kappa * q * w_out * s
            return out, column_sum(out), column_sum(q * c)
        out = h_bar * c + kappa * q * g * s
        return out, column_sum(out), None
    m, n = c.shape
    out = torch.empty_like(c)
    sums = torch.zeros(2 if top else 1, n, device=c.device, dtype=torch.float32)
    if m:
        args = (h_bar if h_bar is not None else c, y_bar.reshape(-1).contiguous(), w_out.reshape(-1).contiguous(),
                c, q, g if g is not None else c, s, out, sums, m, n, float(kappa))
        launch(_down_kernel, _tuned, m, n, *args, TOP=top, WIDE=m * n >= 2 ** 31 - 1)
    return out, sums[0], (sums[1] if top else None)
