"""Would fp16 operands pay, and keep the quality? fp16 has TF32's 10-bit mantissa (and a narrower range, which a
SIREN's sines in [-1, 1] do not need), but runs at twice the tensor-core rate and halves the bytes of every
stored activation. Three parts, on one GPU:
  A. cuBLAS at 65,536 × 256 shapes: TF32 against fp16 operands (fp16 or fp32 out);
  B. a Triton sin(ω (x Wᵀ + b)) with fp16 operands and fp16 outputs, over a few tile configs;
  C. fit 256² for 2000 steps from identical weights: exact fp32, TF32, and a stack with fp16 operands whose
     backward scales ∂L/∂Φ by a power of two (no underflow) and unscales the weight gradients.
Prints one JSON object."""
import json
import os

import torch
import triton
import triton.language as tl
from triton.testing import do_bench

from torchsiren import Siren
from torchsiren.data import cameraman, grid, resize_longer_side
from torchsiren.kernels.dispatch import float32_matmuls
from torchsiren.kernels.linear import _launch
from torchsiren.metrics import psnr_from_mse

dev = torch.device("cuda")
N, W = 65536, 256
out: dict = {"device": torch.cuda.get_device_name()}

# ---- A. cuBLAS
a32 = torch.rand(N, W, device=dev) * 2 - 1
w32 = torch.randn(W, W, device=dev) * 0.01
g32 = torch.randn(N, W, device=dev) * 1e-2
a16, w16, g16 = a32.half(), w32.half(), g32.half()
A = {}
with float32_matmuls("tf32"):
    A["fwd tf32"] = do_bench(lambda: a32 @ w32.T)
    A["dW tf32"] = do_bench(lambda: g32.T @ a32)
    A["dX tf32"] = do_bench(lambda: g32 @ w32)
    A["fused tf32 sine layer (_launch, best form)"] = do_bench(lambda: _launch(a32, w32, w32[0], 30.0, True))
A["fwd fp16 out16"] = do_bench(lambda: a16 @ w16.T)
A["dW fp16 out16"] = do_bench(lambda: g16.T @ a16)
A["dX fp16 out16"] = do_bench(lambda: g16 @ w16)
try:
    A["fwd fp16 out32"] = do_bench(lambda: torch.mm(a16, w16.T, out_dtype=torch.float32))
    A["dW fp16 out32"] = do_bench(lambda: torch.mm(g16.T, a16, out_dtype=torch.float32))
except Exception as e:  # noqa: BLE001
    A["out_dtype"] = repr(e)[:200]
out["A_ms"] = {k: (round(v * 1000, 1) if isinstance(v, float) else v) for k, v in A.items()}  # µs


# ---- B. Triton fp16 sine layer
@triton.jit
def _k(x_ptr, w_ptr, b_ptr, y_ptr, d_ptr, M, N, K: tl.constexpr, omega,
       BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    cols = tl.program_id(1) * BLOCK_N + tl.arange(0, BLOCK_N)
    ks = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        x = tl.load(x_ptr + rows[:, None] * K + (k0 + ks)[None, :], mask=(rows < M)[:, None], other=0.0)
        w = tl.load(w_ptr + (k0 + ks)[:, None] + cols[None, :] * K)
        acc = tl.dot(x, w, acc)
    z = omega * (acc + tl.load(b_ptr + cols)[None, :])
    at = rows[:, None] * N + cols[None, :]
    ok = (rows < M)[:, None]
    tl.store(y_ptr + at, tl.sin(z).to(tl.float16), mask=ok)
    tl.store(d_ptr + at, (omega * tl.cos(z)).to(tl.float16), mask=ok)


b32 = torch.randn(W, device=dev) * 0.01
y16, d16 = torch.empty_like(a16), torch.empty_like(a16)
B = {}
for bm, bn, bk, warps, stages in ((64, 64, 32, 4, 4), (64, 256, 32, 8, 3), (128, 128, 64, 8, 3), (128, 64, 64, 4, 3),
                                  (128, 256, 64, 8, 3), (64, 128, 64, 4, 4), (256, 128, 64, 8, 3)):
    try:
        fn = lambda: _k[(triton.cdiv(N, bm), triton.cdiv(W, bn))](a16, w16, b32, y16, d16, N, W, W, 30.0,  # noqa
                                                                   BLOCK_M=bm, BLOCK_N=bn, BLOCK_K=bk,
                                                                   num_warps=warps, num_stages=stages)
        fn()
        B[f"{bm}x{bn}x{bk} w{warps} s{stages}"] = round(do_bench(fn) * 1000, 1)
    except Exception as e:  # noqa: BLE001
        B[f"{bm}x{bn}x{bk}"] = repr(e)[:120]
ref = torch.sin(30 * (a16.float() @ w16.float().T + b32))
B["max_abs_err_vs_fp32_of_fp16_operands"] = float((y16.float() - ref).abs().max())
out["B_us"] = B


# ---- C. quality
def mm16(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.mm(a, b, out_dtype=torch.float32)


class Half(torch.autograd.Function):
    """Siren stack with fp16 operands: first layer exact fp32, activations stored fp16, last layer fp32 out."""

    @staticmethod
    def forward(ctx, x, *params):
        n = len(params) // 2
        hs, ds = [], []
        z = x @ params[0].T + params[1]
        h = torch.sin(30 * z).half()
        ds.append((30 * torch.cos(30 * z)).half())
        hs.append(h)
        for i in range(1, n):
            z = mm16(h, params[2 * i].half().T) + params[2 * i + 1]
            if i == n - 1:
                ctx.save_for_backward(x, *hs, *ds, *params)
                ctx.n = n
                return z
            h = torch.sin(30 * z).half()
            ds.append((30 * torch.cos(30 * z)).half())
            hs.append(h)

    @staticmethod
    def backward(ctx, grad):
        n = ctx.n
        saved = ctx.saved_tensors
        x, hs, ds, params = saved[0], saved[1:n], saved[n:2 * n - 1], saved[2 * n - 1:]
        scale = torch.exp2(-torch.floor(torch.log2(grad.abs().amax().clamp_min(1e-30))))
        gz = grad * scale
        grads = [None] * (2 * n)
        for i in range(n - 1, -1, -1):
            g16 = gz.half()
            grads[2 * i] = (mm16(g16.T, hs[i - 1]) if i else gz.T @ x) / scale
            grads[2 * i + 1] = gz.sum(0) / scale
            if i:
                gz = (g16 @ params[2 * i].half()).float() * ds[i - 1].float()
        return (None, *grads)


STEPS = int(os.environ.get("STEPS", 2000))
image = resize_longer_side(cameraman(), 256)
coords = grid(image.shape[:2], device=dev)
target = torch.from_numpy(image.reshape(-1, 1)).to(dev) * 2 - 1
C = {}
for name in ("fp32", "tf32", "fp16 operands"):
    torch.manual_seed(0)
    siren = Siren(2, 1, implementation="torch").to(dev)
    params = [t for lay in siren.net for t in ((lay.linear.weight, lay.linear.bias) if hasattr(lay, "linear")
                                                else (lay.weight, lay.bias))]
    model = (lambda x: Half.apply(x, *params)) if name == "fp16 operands" else siren
    opt = torch.optim.Adam(siren.parameters(), 1e-4)
    with float32_matmuls("fp32" if name == "fp32" else "tf32"):
        for _ in range(STEPS):
            loss = ((model(coords) - target) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            mse = (((model(coords) - target) / 2) ** 2).mean().item()
    C[name] = round(psnr_from_mse(mse), 2)
out[f"C_psnr_{STEPS}_steps"] = C
print(json.dumps(out, indent=1))
