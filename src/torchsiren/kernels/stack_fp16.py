"""The fused sine stack with fp16 operands (--precision fp16): matmuls on fp16 tensor cores, float32 everywhere else.

fp16 keeps 10 mantissa bits, as TF32 does, and a SIREN's activations (sines, in [-1, 1]) and their derivatives
(ω₀ cos, in [-ω₀, ω₀]) sit well inside its range. So the stack stores them in fp16, the operands TF32 would have
rounded them to anyway, and each matmul reads half the bytes at twice TF32's tensor-core rate. A hidden layer is
one Triton matmul with the sine in its epilogue, and the backward's (∂L/∂z W) ⊙ y' one more (matmul_fp16.py).
What stays float32:
  - the first layer's argument (exact float32 FMAs, as in every precision) and every sine's argument: the float32
    accumulator plus the float32 bias. Rounding the pre-activation to fp16 instead cost 1.3-1.6 dB at 2000 steps;
  - the sine itself, by the hardware's approximate sin / cos after a range reduction (error ~1e-6, far below fp16's
    rounding; linear.sincos);
  - the output of the last linear layer, the weights and their gradients, and the bias sums.
Gradients are the one quantity outside fp16's range (∂L/∂Φ of a mean over 65,536 points is ~1e-5 and smaller).
The backward multiplies ∂L/∂Φ by a power of two that puts its largest entry at 2⁸ (exact, computed on the device,
so CUDA graphs can replay it) and divides the weight and bias gradients by the same factor. The backward itself
is the stack's (stack._backward), on fp16 operands.
A first layer's y' = ω₀ cos(z) reaches ω₀: above FIRST_OMEGA_LIMIT (audio takes ω₀ = 3000) its product with the
scaled ∂L/∂y can pass fp16's largest value, so that layer's ∂L/∂z is formed in float32 (first_layer_grad).
It trains to the exact float32 reference's PSNR (docs/performance.md).
"""
from __future__ import annotations

import torch

from .dispatch import FIRST_OMEGA_LIMIT, interpreting  # noqa: F401 - stack.py reads it here
from .matmul_fp16 import matmul16, sine_gemm
from .linear import SMALL_K, _fused, half_mm

try:
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover - dispatch never calls in without Triton
    triton = None

# The scaled ∂L/∂Φ's largest entry is 2^MAX_EXPONENT: high enough that the layers' smaller entries, and the
# products ∂L/∂z · W (≈ 1/ω₀ of ∂L/∂z), stay above fp16's normal range (6e-5), low enough to leave 2⁸ of growth
# through the layers below fp16's largest value (65504).
MAX_EXPONENT = 8


def _linear(h: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """h Wᵀ + b as float32, from fp16 h (float32 h: a linear first layer, exact)."""
    if h.dtype != torch.float16:
        return torch.nn.functional.linear(h, weight, bias)
    y = half_mm(h, weight.half().T)
    return y + bias if bias is not None else y


def forward(x: torch.Tensor, omegas: tuple, params: tuple, store_d: bool
            ) -> tuple[list[torch.Tensor], list[torch.Tensor | None]]:
    """As stack._forward: every layer's input and the float32 output (inputs), and each sine layer's y' (ds).
    Sine layers' outputs and y' are fp16."""
    inputs, ds = [x], []
    h = x
    for i, omega in enumerate(omegas):
        weight, bias = params[2 * i], params[2 * i + 1]
        if omega is None:
            y, d = _linear(h, weight, bias), None
        elif h.shape[1] < SMALL_K:  # a first layer: exact float32 FMAs, fp16 out
            y, d = _fused(h.float(), weight, bias, omega, store_d, dtype=torch.float16)
        else:  # one fp16 matmul with the sine in its epilogue
            y, d = sine_gemm(h, weight, bias, omega, store_d)
        inputs.append(y)
        ds.append(d)
        h = y
    inputs[-1] = inputs[-1].float()
    return inputs, ds


if triton is not None:
    @triton.jit
    def _amax_kernel(g_ptr, n, buf_ptr, BLOCK: tl.constexpr):
        """buf[0] = max(buf[0], max |g|) (buf zeroed first)."""
        offs = (tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)).to(tl.int64)
        g = tl.load(g_ptr + offs, mask=offs < n, other=0.0)
        tl.atomic_max(buf_ptr, tl.max(tl.abs(g), axis=0))

    @triton.jit
    def _scale_kernel(g_ptr, d_ptr, out_ptr, buf_ptr, sum_ptr, M, K, max_exponent, HAS_D: tl.constexpr,
                      HAS_SUM: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_K: tl.constexpr):
        """From amax = buf[0]: scale = 2^(max_exponent - ceil(log2 amax)) into buf[1] and 1/scale into buf[2];
        out = g ⊙ d · scale as fp16 (g, d, out (M, K) row-major; d only when HAS_D); sum (K,) += column sums of
        g ⊙ d (unscaled; zeroed first) when HAS_SUM."""
        amax = tl.maximum(tl.load(buf_ptr), 7.888609052210118e-31)  # 2^-100: finite for an all-zero g
        scale = tl.exp2(max_exponent - tl.ceil(tl.log2(amax)))
        if tl.program_id(0) == 0:
            tl.store(buf_ptr + 1, scale)
            tl.store(buf_ptr + 2, 1.0 / scale)
        rows = (tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)).to(tl.int64)
        cols = tl.arange(0, BLOCK_K)
        ok = (rows < M)[:, None] & (cols < K)[None, :]
        at = rows[:, None] * K + cols[None, :]
        g = tl.load(g_ptr + at, mask=ok, other=0.0)
        if HAS_D:
            g *= tl.load(d_ptr + at, mask=ok, other=0.0).to(tl.float32)
        tl.store(out_ptr + at, (g * scale).to(tl.float16), mask=ok)
        if HAS_SUM:
            tl.atomic_add(sum_ptr + cols, tl.sum(g, axis=0), mask=cols < K)


def scaled_gradients(grads: list[torch.Tensor], ds: list[torch.Tensor | None], buf: torch.Tensor,
                     bias_grads: list[torch.Tensor | None], max_exponent: int = MAX_EXPONENT) -> list[torch.Tensor]:
    """Gradients scaled for fp16: each grad (M, K) float32 (times y' = d of a sine layer on top, when given) ·
    scale, as fp16, where the power of two `scale` brings the largest |entry| of all grads into
    (2^(max_exponent - 1), 2^max_exponent]. Writes scale and 1/scale into buf[1] and buf[2] (buf (3,) zeroed: a
    0-dim device value, so CUDA graphs replay it) and, where bias_grads has a (K,) tensor (zeroed), the column
    sums of grad ⊙ d, unscaled (a bias's gradient). For one grad, three launches with the zeroing, where PyTorch
    ops took a dozen small ones."""
    grads = [g.float().contiguous() for g in grads]
    block = 64 if interpreting() else 4096
    for g in grads:
        if g.numel():
            _amax_kernel[(triton.cdiv(g.numel(), block),)](g, g.numel(), buf, BLOCK=block)
    if not any(g.numel() for g in grads):
        buf[1:].fill_(1.0)
    outs = []
    for g, d, sums in zip(grads, ds, bias_grads):
        m, k = g.shape
        out = torch.empty(m, k, device=g.device, dtype=torch.float16)
        if m * k:
            block_k = triton.next_power_of_2(k)
            block_m = max(1, block // 2 // block_k)
            _scale_kernel[(triton.cdiv(m, block_m),)](
                g, d.contiguous() if d is not None else g, out, buf, sums if sums is not None else buf, m, k,
                float(max_exponent), HAS_D=d is not None, HAS_SUM=sums is not None, BLOCK_M=block_m,
                BLOCK_K=block_k)
        outs.append(out)
    return outs


def first_layer_grad(grad_z: torch.Tensor, weight: torch.Tensor, d: torch.Tensor, bias_grad: torch.Tensor | None
                     ) -> torch.Tensor:
    """∂L/∂z of a first layer, float32 (M, N): (grad_z @ weight) ⊙ d from the scaled fp16 grad_z (M, K) of the layer
    above, its weight (K, N) and the first layer's fp16 y' = d (M, N); the product on fp16 operands, the ⊙ d in
    float32, where y' up to ω₀ would take it past fp16's range. Its column sums go into bias_grad (N,) when given."""
    grad = matmul16(grad_z, weight).float().mul_(d)
    if bias_grad is not None:
        bias_grad.copy_(grad.sum(0))
    return grad
