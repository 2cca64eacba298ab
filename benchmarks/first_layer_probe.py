"""Why is a first layer (fan-in 2-3, width 256) slower than the hidden layers' sine pass, which moves twice its
bytes? Variants of the flat first-layer kernel at 2²¹ × 256, fp16 out: as in the package; with ω₀ = 1 (small
arguments); with the sine's argument reduced to [-π, π] first; with 32-bit offsets; and the sine pass over
pre-activations of either size. Microseconds (triton do_bench). Then the fit-256 PSNR at 2000 steps over four
seeds: the fp32 reference, torchsiren TF32 and torchsiren fp16 (the bench's recipe)."""
import json
import math

import torch
import triton
import triton.language as tl
from triton.testing import do_bench

from fit_seeds import psnr_after  # benchmarks/fit_seeds.py (the script's folder is on sys.path)
from torchsiren.data import cameraman, resize_longer_side
from torchsiren.kernels.linear import _fused, sine_epilogue
from torchsiren.problems import ImageFitting

TWO_PI_HI, TWO_PI_LO = 6.28125, 2 * math.pi - 6.28125


@triton.jit
def _flat(x_ptr, w_ptr, b_ptr, y_ptr, NUMEL, N, omega, K: tl.constexpr, REDUCE: tl.constexpr,
          WIDE: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    if WIDE:
        offs = offs.to(tl.int64)
    ok = offs < NUMEL
    row, col = offs // N, offs % N
    acc = tl.load(b_ptr + col, mask=ok, other=0.0)
    for k in tl.static_range(K):
        acc += tl.load(x_ptr + row * K + k, mask=ok, other=0.0) * tl.load(w_ptr + col * K + k, mask=ok, other=0.0)
    z = omega * acc
    if REDUCE:
        n = tl.floor(z * 0.15915494309189535 + 0.5)
        z = (z - n * 6.28125) - n * 0.0019353071795864769
    tl.store(y_ptr + offs, tl.sin(z).to(y_ptr.dtype.element_ty), mask=ok)


dev = torch.device("cuda")
out = {"device": torch.cuda.get_device_name()}
m, k, n = 2 ** 21, 3, 256
x = torch.rand(m, k, device=dev) * 2 - 1
w, b = torch.rand(n, k, device=dev) - 0.5, torch.rand(n, device=dev) - 0.5
y = torch.empty(m, n, device=dev, dtype=torch.float16)
grid = (triton.cdiv(m * n, 1024),)
for name, omega, reduce, wide in (("package form (int64)", 30.0, False, True), ("omega 1", 1.0, False, True),
                                  ("argument reduced", 30.0, True, True), ("int32 offsets", 30.0, False, False),
                                  ("int32 + reduced", 30.0, True, False)):
    fn = lambda: _flat[grid](x, w, b, y, m * n, n, omega, K=k, REDUCE=reduce, WIDE=wide, BLOCK=1024)  # noqa: E731
    fn()
    out[f"flat {name}"] = round(do_bench(fn) * 1e3, 1)
    if name == "package form (int64)":
        want = y.float().clone()
    if name == "argument reduced":
        out["argument reduced: max |Δ| vs unreduced"] = float((y.float() - want).abs().max())
out["package _fused (store_d False)"] = round(do_bench(lambda: _fused(x, w, b, 30.0, False, dtype=torch.float16)) * 1e3, 1)
for scale in (1.0, 30.0):
    z = (torch.rand(m, n, device=dev) * 2 - 1) * 1.5
    out[f"sine pass, |ω z| <= {45 * scale / 30:.1f}"] = round(
        do_bench(lambda: sine_epilogue(z, b, scale, False, torch.float16)) * 1e3, 1)

problem = ImageFitting(resize_longer_side(cameraman(), 256), device=dev)
for seed in range(4):
    for name in ("fp32 reference", "tf32", "fp16"):
        out.setdefault(f"psnr {name}", []).append(psnr_after(problem, seed, name))
print(json.dumps(out, indent=1))
