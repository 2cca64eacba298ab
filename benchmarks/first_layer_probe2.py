"""A first layer at 2²¹ × 3 -> 256, fp16 out, sine only: the package's flat kernel against (a) 2-D tiles of whole
rows with the width a compile-time constant and Wᵀ contiguous, and (b) cuBLAS's exact float32 matmul then the
sine pass. Microseconds (triton do_bench); every variant checked against the package's output."""
import json

import torch
import triton
import triton.language as tl
from triton.testing import do_bench

from torchsiren.kernels.dispatch import float32_matmuls
from torchsiren.kernels.linear import _fused, sine_epilogue


@triton.jit
def _rows(x_ptr, wt_ptr, b_ptr, y_ptr, d_ptr, M, omega, K: tl.constexpr, N: tl.constexpr, STORE_D: tl.constexpr,
          ROWS: tl.constexpr):
    rows = (tl.program_id(0) * ROWS + tl.arange(0, ROWS)).to(tl.int64)
    cols = tl.arange(0, N)
    ok = (rows < M)[:, None]
    acc = tl.zeros((ROWS, N), dtype=tl.float32) + tl.load(b_ptr + cols)[None, :]
    for k in tl.static_range(K):
        acc += tl.load(x_ptr + rows * K + k, mask=rows < M, other=0.0)[:, None] * tl.load(wt_ptr + k * N + cols)[None, :]
    z = omega * acc
    at = rows[:, None] * N + cols[None, :]
    tl.store(y_ptr + at, tl.sin(z).to(y_ptr.dtype.element_ty), mask=ok)
    if STORE_D:
        tl.store(d_ptr + at, (omega * tl.cos(z)).to(d_ptr.dtype.element_ty), mask=ok)


dev = torch.device("cuda")
out = {"device": torch.cuda.get_device_name()}
for m, k, n in ((2 ** 21, 3, 256), (65536, 2, 256)):
    x = torch.rand(m, k, device=dev) * 2 - 1
    w, b = torch.rand(n, k, device=dev) - 0.5, torch.rand(n, device=dev) - 0.5
    wt = w.T.contiguous()
    for store_d in (False, True):
        tag = f"{m}x{k} d={store_d}"
        want = _fused(x, w, b, 30.0, store_d, dtype=torch.float16)
        out[f"{tag} flat (package)"] = round(do_bench(lambda: _fused(x, w, b, 30.0, store_d, dtype=torch.float16)) * 1e3, 1)
        y, d = torch.empty(m, n, device=dev, dtype=torch.float16), torch.empty(m, n, device=dev, dtype=torch.float16)
        for rows, warps in ((8, 4), (16, 4), (32, 8), (64, 8)):
            fn = lambda: _rows[(triton.cdiv(m, rows),)](x, wt, b, y, d, m, 30.0, K=k, N=n, STORE_D=store_d,  # noqa
                                                          ROWS=rows, num_warps=warps)
            fn()
            assert (y.float() - want[0].float()).abs().max() < 2e-3
            out[f"{tag} rows {rows} w{warps}"] = round(do_bench(fn) * 1e3, 1)

        def split():
            with float32_matmuls("fp32"):
                z = torch.addmm(b, x, w.T)
            return sine_epilogue(z, None, 30.0, store_d, torch.float16)
        assert (split()[0].float() - want[0].float()).abs().max() < 2e-3
        out[f"{tag} split (cuBLAS fp32 + sine pass)"] = round(do_bench(split) * 1e3, 1)
print(json.dumps(out, indent=1))
