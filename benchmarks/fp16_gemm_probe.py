"""Can a Triton fp16 matmul with the sine in its epilogue beat cuBLAS plus a separate sine pass? At 65,536 (and
2²¹) × 256 -> 256: (1) y = sin(ω (x Wᵀ + b)), y' = ω cos(·), fp16 out, against half_mm (cuBLAS, float32 out) +
sine_epilogue; (2) the backward's (g W) ⊙ d with fp16 out, against cuBLAS fp16 + the chain pass. The reduction
dimension is a runtime argument (a real, pipelined loop). Microseconds (triton do_bench), outputs checked."""
import json

import torch
import triton
import triton.language as tl
from triton.testing import do_bench

from torchsiren.kernels.chain import chain
from torchsiren.kernels.linear import half_mm, sincos, sine_epilogue


@triton.jit
def _gemm_sine(x_ptr, wt_ptr, b_ptr, y_ptr, d_ptr, M, N, K, omega, MODE: tl.constexpr, STORE_D: tl.constexpr,
               BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr, GROUP: tl.constexpr):
    """MODE 0: y = sin(ω (x @ wt + b)) (d = ω cos); MODE 1: y = (x @ wt) ⊙ d. x (M, K), wt (K, N) fp16 row-major."""
    pid = tl.program_id(0)
    n_tiles = tl.cdiv(N, BLOCK_N)
    pid_m, pid_n = pid // n_tiles, pid % n_tiles
    rows = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    ks = tl.arange(0, BLOCK_K)
    x_ptrs = x_ptr + rows[:, None].to(tl.int64) * K + ks[None, :]
    w_ptrs = wt_ptr + ks[:, None] * N + cols[None, :]
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, tl.cdiv(K, BLOCK_K)):
        x = tl.load(x_ptrs, mask=(rows < M)[:, None], other=0.0)
        w = tl.load(w_ptrs)
        acc = tl.dot(x, w, acc)
        x_ptrs += BLOCK_K
        w_ptrs += BLOCK_K * N
    at = rows[:, None].to(tl.int64) * N + cols[None, :]
    ok = (rows < M)[:, None]
    if MODE == 0:
        s, c = sincos(omega * (acc + tl.load(b_ptr + cols)[None, :]), True)
        tl.store(y_ptr + at, s.to(tl.float16), mask=ok)
        if STORE_D:
            tl.store(d_ptr + at, (omega * c).to(tl.float16), mask=ok)
    else:
        d = tl.load(d_ptr + at, mask=ok, other=0.0).to(tl.float32)
        tl.store(y_ptr + at, (acc * d).to(tl.float16), mask=ok)


CONFIGS = [(128, 256, 64, 8, 3), (128, 128, 64, 4, 4), (128, 128, 64, 8, 3), (64, 256, 64, 8, 4),
           (128, 256, 32, 8, 4), (256, 128, 64, 8, 3), (64, 128, 64, 4, 4)]


def sweep(label: str, a, wt, b, y, d, mode: int, store_d: bool, want, relative: bool) -> None:
    """Time _gemm_sine over CONFIGS into out[f"{m} {label} triton …"], with the largest error against `want`
    (absolute, or relative to want's largest entry)."""
    m, k = a.shape
    n = wt.shape[1]
    for bm, bn, bk, warps, stages in CONFIGS:
        grid = (triton.cdiv(m, bm) * triton.cdiv(n, bn),)
        fn = lambda: _gemm_sine[grid](a, wt, b, y, d, m, n, k, 30.0, MODE=mode, STORE_D=store_d,  # noqa: E731
                                      BLOCK_M=bm, BLOCK_N=bn, BLOCK_K=bk, GROUP=1, num_warps=warps,
                                      num_stages=stages)
        try:
            fn()
            err = (y.float() - want).abs().max() / (want.abs().max() if relative else 1.0)
            out[f"{m} {label} triton {bm}x{bn}x{bk} w{warps} s{stages}"] = (round(do_bench(fn) * 1e3, 1),
                                                                            float(f"{err.item():.2g}"))
        except Exception as e:  # noqa: BLE001
            out[f"{m} {label} triton {bm}x{bn}x{bk}"] = repr(e)[:100]


dev = torch.device("cuda")
out = {"device": torch.cuda.get_device_name()}
for m in (65536, 2 ** 21):
    n = k = 256
    x = (torch.rand(m, k, device=dev) * 2 - 1).half()
    w = ((torch.rand(n, k, device=dev) * 2 - 1) * (6 / k) ** 0.5 / 30)
    b = (torch.rand(n, device=dev) - 0.5) / 30
    wt = w.T.contiguous().half()
    d_in = (torch.rand(m, n, device=dev) * 60 - 30).half()
    for store_d in (True, False):
        base = lambda: sine_epilogue(half_mm(x, wt), b, 30.0, store_d, torch.float16)  # noqa: E731
        want = base()[0].float()
        out[f"{m} sine layer d={store_d} cuBLAS + sine pass"] = round(do_bench(base) * 1e3, 1)
        y, d = torch.empty(m, n, device=dev, dtype=torch.float16), torch.empty(m, n, device=dev, dtype=torch.float16)
        sweep(f"sine layer d={store_d}", x, wt, b, y, d, 0, store_d, want, relative=False)
    g = ((torch.rand(m, n, device=dev) * 2 - 1) * 100).half()
    wh = w.half().contiguous()  # (out, in): g (M, out) @ W (out, in)
    base = lambda: chain(g, w, d_in, None)  # noqa: E731
    want = base().float()
    out[f"{m} chain cuBLAS + pass"] = round(do_bench(base) * 1e3, 1)
    sweep("chain", g, wh, b, torch.empty(m, n, device=dev, dtype=torch.float16), d_in, 1, False, want, relative=True)
print(json.dumps(out, indent=1))
