"""y = sin(ω₀ (x Wᵀ + b)) in one Triton kernel: the matmul on tensor cores (TF32 or bf16 operands as torch's
switches say, exact float32 otherwise), then bias, ω₀ and the sine in float32 on the accumulator before anything
is written. The kernel also writes ω₀ cos(ω₀ (x Wᵀ + b)), the layer's derivative, so the backward is one
multiply and two cuBLAS matmuls.
A first layer (fan-in < 16) multiplies in plain float32 FMAs, whole rows per program (_first_layer_kernel),
which keeps the coordinates' argument exact.
Where cuBLAS's matmul plus one Triton pass for the sine measures faster (it depends on GPU and width), that form
runs instead; see _launch.
"""
from __future__ import annotations

import contextlib

import torch

from .dispatch import float32_matmuls, interpreting, matmul_precision
from .tiles import Choices, autotune, gpu_name

try:
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover - dispatch never calls in without Triton
    triton = None

SMALL_K = 16  # below this fan-in tl.dot cannot be used; FMAs are exact and as fast

if triton is not None:
    @triton.jit
    def _sine_linear_kernel(x_ptr, w_ptr, b_ptr, y_ptr, d_ptr, M, N, K,
                            stride_xm, stride_xk, stride_wn, stride_wk, omega,
                            HAS_BIAS: tl.constexpr, STORE_D: tl.constexpr, PRECISION: tl.constexpr, WIDE: tl.constexpr, BLOCK_M: tl.constexpr,
                            BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
        pid_m, pid_n = tl.program_id(0), tl.program_id(1)
        rows = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
        if WIDE:  # offsets past 2³¹ elements: 64-bit addressing (slower, so only when needed)
            rows = rows.to(tl.int64)
        cols = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
        row_ok, col_ok = rows < M, cols < N
        acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
        ks = tl.arange(0, BLOCK_K)
        for k0 in range(0, K, BLOCK_K):
            k_ok = (k0 + ks) < K
            x = tl.load(x_ptr + rows[:, None] * stride_xm + (k0 + ks)[None, :] * stride_xk,
                        mask=row_ok[:, None] & k_ok[None, :], other=0.0)
            w = tl.load(w_ptr + (k0 + ks)[:, None] * stride_wk + cols[None, :] * stride_wn,
                        mask=k_ok[:, None] & col_ok[None, :], other=0.0)
            if PRECISION == "bf16":
                acc = tl.dot(x.to(tl.bfloat16), w.to(tl.bfloat16), acc)
            else:
                acc = tl.dot(x, w, acc, input_precision=PRECISION)
        if HAS_BIAS:
            acc += tl.load(b_ptr + cols, mask=col_ok, other=0.0)[None, :]
        z = omega * acc
        out = rows[:, None] * N + cols[None, :]
        ok = row_ok[:, None] & col_ok[None, :]
        tl.store(y_ptr + out, tl.sin(z).to(y_ptr.dtype.element_ty), mask=ok)
        if STORE_D:
            tl.store(d_ptr + out, (omega * tl.cos(z)).to(d_ptr.dtype.element_ty), mask=ok)

    # Small tiles win at 65,536 × 256 -> 256 on Hopper; larger ones (128 × 128, 256 × 128, ...) spill. Two
    # configs keep first-call autotuning short.
    _CONFIGS = [triton.Config({"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 32}, num_warps=4, num_stages=4),
                triton.Config({"BLOCK_M": 64, "BLOCK_N": 256, "BLOCK_K": 32}, num_warps=8, num_stages=3)]
    _tuned = autotune(_CONFIGS, key=["N", "K", "PRECISION", "WIDE"])(_sine_linear_kernel)

    @triton.jit
    def _sine_epilogue_kernel(z_ptr, b_ptr, y_ptr, d_ptr, NUMEL, N, omega, HAS_BIAS: tl.constexpr,
                              STORE_D: tl.constexpr, FAST: tl.constexpr, BLOCK: tl.constexpr):
        """y = sin(ω (z + b)), d = ω cos(ω (z + b)) for z (·, N) row-major, in float32 whatever the tensors'
        dtypes (stores round to theirs)."""
        offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
        ok = offs < NUMEL
        z = tl.load(z_ptr + offs, mask=ok, other=0.0).to(tl.float32)
        if HAS_BIAS:
            z += tl.load(b_ptr + offs % N, mask=ok, other=0.0)
        s, c = sincos(omega * z, FAST)
        tl.store(y_ptr + offs, s.to(y_ptr.dtype.element_ty), mask=ok)
        if STORE_D:
            tl.store(d_ptr + offs, (omega * c).to(d_ptr.dtype.element_ty), mask=ok)


    @triton.jit
    def sincos(z, FAST: tl.constexpr):
        """sin z and cos z in float32. FAST: the hardware's sin.approx / cos.approx after reducing z to [-π, π]
        (two-constant Cody-Waite, exact for |z| < 2¹⁵); absolute error ~1e-6, a five-hundredth of fp16's rounding,
        so only the fp16 path takes it. Otherwise libdevice's precise sinf / cosf."""
        if FAST:
            n = tl.floor(z * 0.15915494309189535 + 0.5)
            r = (z - n * 6.28125) - n * 0.0019353071795864769
            s = tl.inline_asm_elementwise("sin.approx.f32 $0, $1;", "=r,r", [r], dtype=tl.float32, is_pure=True,
                                          pack=1)
            c = tl.inline_asm_elementwise("cos.approx.f32 $0, $1;", "=r,r", [r], dtype=tl.float32, is_pure=True,
                                          pack=1)
            return s, c
        return tl.sin(z), tl.cos(z)

    @triton.jit
    def _first_layer_kernel(x_ptr, wt_ptr, b_ptr, y_ptr, d_ptr, M, omega, K: tl.constexpr, N: tl.constexpr,
                            N_POW2: tl.constexpr, HAS_BIAS: tl.constexpr, STORE_D: tl.constexpr,
                            FAST: tl.constexpr, ROWS: tl.constexpr):
        """A layer of fan-in K < 16: y = sin(ω (x Wᵀ + b)) by exact float32 FMAs, ROWS whole rows per program, the
        width N a compile-time constant so every store is contiguous and aligned. x (M, K) and Wᵀ (K, N)
        contiguous: faster than 2-D tiles of runtime width."""
        rows = (tl.program_id(0) * ROWS + tl.arange(0, ROWS)).to(tl.int64)
        cols = tl.arange(0, N_POW2)
        row_ok, col_ok = rows < M, cols < N
        acc = tl.zeros((ROWS, N_POW2), dtype=tl.float32)
        if HAS_BIAS:
            acc += tl.load(b_ptr + cols, mask=col_ok, other=0.0)[None, :]
        for k in tl.static_range(K):
            acc += (tl.load(x_ptr + rows * K + k, mask=row_ok, other=0.0)[:, None]
                    * tl.load(wt_ptr + k * N + cols, mask=col_ok, other=0.0)[None, :])
        s, c = sincos(omega * acc, FAST)
        at, ok = rows[:, None] * N + cols[None, :], row_ok[:, None] & col_ok[None, :]
        tl.store(y_ptr + at, s.to(y_ptr.dtype.element_ty), mask=ok)
        if STORE_D:
            tl.store(d_ptr + at, (omega * c).to(d_ptr.dtype.element_ty), mask=ok)


# Which of the two forms runs, per problem shape: "fused" (one kernel) or "split" (a cuBLAS matmul, then one
# Triton pass for sine and cosine). Both are timed the first time a shape is seen on a GPU model and the faster is
# kept (in Triton's cache folder, for later processes too), because the winner depends on the GPU, the width and
# the operand precision.
_CHOICE = Choices("sine-linear-form")


def fast_sincos(out: torch.Tensor) -> bool:
    """Whether a kernel writing `out` may use the approximate sine and cosine: fp16 outputs, on a GPU (the CPU
    interpreter has no inline PTX)."""
    return out.dtype == torch.float16 and not interpreting()


def _split(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, omega: float, store_d: bool
           ) -> tuple[torch.Tensor, torch.Tensor | None]:
    exact = float32_matmuls("fp32") if x.shape[1] < SMALL_K else contextlib.nullcontext()
    with exact:  # a first layer's argument stays exact float32
        y = torch.addmm(bias, x, weight.T) if bias is not None else x @ weight.T  # cuBLAS, torch's TF32 switch
    return sine_epilogue(y, None, omega, store_d, torch.float32, out=y)


def sine_epilogue(z: torch.Tensor, bias: torch.Tensor | None, omega: float, store_d: bool, dtype: torch.dtype,
                  out: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """sin(ω (z + b)) and, when store_d, ω cos(ω (z + b)), as `dtype` tensors, in one Triton pass over z (M, N)
    (float32 or fp16), computed in float32. `out`: where to write the sine (may be z itself)."""
    y = torch.empty(z.shape, device=z.device, dtype=dtype) if out is None else out
    d = torch.empty(z.shape, device=z.device, dtype=dtype) if store_d else y
    numel, block = z.numel(), 1024
    if numel:
        _sine_epilogue_kernel[(triton.cdiv(numel, block),)](z, bias if bias is not None else z, y, d, numel,
                                                            z.shape[-1], float(omega), HAS_BIAS=bias is not None,
                                                            STORE_D=store_d, FAST=fast_sincos(y), BLOCK=block)
    return y, (d if store_d else None)


def _launch(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, omega: float, store_d: bool,
            form: str | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The layer by the faster form for this shape (timed once per shape), or by `form` ("fused" | "split")."""
    precision = matmul_precision(x.device)
    if form is None and (interpreting() or precision == "bf16"):
        form = "fused"  # bf16 operands exist in the fused kernel only
    if form is None:
        gpu = gpu_name(x.device.index)
        key = (x.shape[0].bit_length(), weight.shape[0], x.shape[1], precision, store_d)
        form = _CHOICE.get(gpu, key)
        if form is None:
            if torch.cuda.is_current_stream_capturing():
                form = "fused"  # cannot time inside a CUDA graph capture
            else:
                times = {f: triton.testing.do_bench(lambda f=f: _forms[f](x, weight, bias, omega, store_d),
                                                    warmup=5, rep=20) for f in _forms}
                form = min(times, key=times.get)
                _CHOICE.set(gpu, key, form)
    return _forms[form](x, weight, bias, omega, store_d)


def _fused(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, omega: float, store_d: bool,
           dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The one-kernel form; `dtype`: of y and y' (fp16 for kernels/stack_fp16.py's first layer)."""
    m, k = x.shape
    n = weight.shape[0]
    y = torch.empty(m, n, device=x.device, dtype=dtype)
    d = torch.empty_like(y) if store_d else y  # d_ptr is never written unless STORE_D
    if m == 0:
        return y, (d if store_d else None)
    if k < SMALL_K:  # a first layer: float32 FMAs, whole rows per program
        rows = 8 if n <= 256 else 4  # more rows measured slower (sin and cos are the cost)
        _first_layer_kernel[(triton.cdiv(m, rows),)](
            x.contiguous(), weight.T.contiguous(), bias if bias is not None else y, y, d, m, float(omega), K=k, N=n,
            N_POW2=triton.next_power_of_2(n), HAS_BIAS=bias is not None, STORE_D=store_d, FAST=fast_sincos(y),
            ROWS=rows, num_warps=4)
        return y, (d if store_d else None)
    if x.stride(1) != 1:
        x = x.contiguous()  # tl.dot wants unit stride along K
    args = (x, weight, bias if bias is not None else y, y, d, m, n, k, x.stride(0), x.stride(1),
            weight.stride(0), weight.stride(1), float(omega))
    wide = max(m * max(n, x.stride(0)), n * weight.stride(0)) >= 2 ** 31 - 1
    flags = dict(HAS_BIAS=bias is not None, STORE_D=store_d, PRECISION=matmul_precision(x.device), WIDE=wide)
    if interpreting():  # the CPU interpreter: one small fixed tile (autotuning needs a GPU)
        grid = (triton.cdiv(m, 32), triton.cdiv(n, 32))
        _sine_linear_kernel[grid](*args, **flags, BLOCK_M=32, BLOCK_N=32, BLOCK_K=16)
    else:
        grid = lambda meta: (triton.cdiv(m, meta["BLOCK_M"]), triton.cdiv(n, meta["BLOCK_N"]))  # noqa: E731
        _tuned[grid](*args, **flags)
    return y, (d if store_d else None)


_forms = {"fused": _fused, "split": _split}


def half_mm(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """a @ b for fp16 a (M, K), b (K, N), accumulated and returned in float32: cuBLAS on CUDA; elsewhere (Triton's
    interpreter, in the tests) the same products in exact float32."""
    return torch.mm(a, b, out_dtype=torch.float32) if a.is_cuda else a.float() @ b.float()


def column_sum(t: torch.Tensor) -> torch.Tensor:
    """t (M, N) summed over rows as a matrix-vector product: one read of t (torch's sum(0) takes ~4× longer)."""
    return torch.mv(t.T, t.new_ones(t.shape[0]))


class _SineLinear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, omega: float
                ) -> torch.Tensor:
        train = any(ctx.needs_input_grad[:3])
        y, d = _launch(x, weight, bias, omega, store_d=train)
        ctx.omega = omega
        if train:
            ctx.save_for_backward(x, weight, bias, d)
        return y

    @staticmethod
    def backward(ctx, grad_y: torch.Tensor):
        x, weight, bias, d = ctx.saved_tensors
        if torch.is_grad_enabled():  # create_graph=True: a double backward follows, so stay differentiable
            z = ctx.omega * torch.nn.functional.linear(x, weight, bias)
            grad_z = grad_y * ctx.omega * torch.cos(z)
        else:
            grad_z = grad_y * d
        gx = grad_z @ weight if ctx.needs_input_grad[0] else None
        gw = grad_z.T @ x if ctx.needs_input_grad[1] else None
        gb = column_sum(grad_z) if bias is not None and ctx.needs_input_grad[2] else None
        return gx, gw, gb, None


def sine_linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, omega: float) -> torch.Tensor:
    """sin(ω₀ (x Wᵀ + b)) fused: x (..., in), weight (out, in), bias (out,) -> (..., out). float32, CUDA."""
    lead = x.shape[:-1]
    x = x.reshape(-1, x.shape[-1])
    if torch.is_grad_enabled():
        y = _SineLinear.apply(x, weight, bias, float(omega))
    else:  # evaluation: no y' to write, nothing to save
        y = _launch(x, weight, bias, float(omega), store_d=False)[0]
    return y.reshape(*lead, weight.shape[0])
