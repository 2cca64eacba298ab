"""A whole SIREN layer stack as one autograd Function, so its backward can chain the layers itself.

Layer by layer, autograd's backward of a sine layer reads ∂L/∂y, multiplies by y' = ω₀ cos(z) (a full pass over
an N × width tensor), then runs ∂L/∂x = ∂L/∂z · W and the weight and bias gradients, the bias's as one more pass.
Inside one Function the layer below is known, so ∂L/∂z_below = (∂L/∂z · W) ⊙ y'_below takes one pass after the
cuBLAS matmul, with the layer below's bias gradient summed in that same pass; below a last linear layer of few
outputs, the product (an outer product) and the multiply are one kernel, so its ∂L/∂y is never stored.
Measured on an H200: 1.09–1.12× per fitting step (benchmarks/results/session4/stack_ab.txt). The bias sums
are atomic adds, so on a GPU the bias gradients are not bitwise reproducible from run to run (float32 rounding).

Forward: the same kernels as sine_linear. A double backward (create_graph=True) recomputes the stack with
differentiable PyTorch ops instead, as sine_linear does.
"""
from __future__ import annotations

import torch

from .linear import SMALL_K, _launch, column_sum
from .tiles import launch

ENABLED = True  # Siren takes the stack on the fused path; False restores the per-layer path (A/B benchmarks)

try:
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover - dispatch never calls in without Triton
    triton = None

if triton is not None:
    from .tiles import CONFIGS, tile

    @triton.jit
    def _chain_kernel(g_ptr, w_ptr, d_ptr, out_ptr, gb_ptr, M, N, K, stride_gm, stride_wk,
                      BIAS_SUM: tl.constexpr, FMA: tl.constexpr, WIDE: tl.constexpr,
                      BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
        """out = (g @ w) ⊙ d for g (M, K) with K < 16 (exact float32 FMAs), or out = g ⊙ d for g (M, N) when not
        FMA; w (K, N), d and out (M, N) row-major; gb (N,) += column sums of out."""
        rows, cols, row_ok, col_ok, out, ok = tile(M, N, WIDE, BLOCK_M, BLOCK_N)
        if FMA:
            acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
            for k in range(0, K):
                gk = tl.load(g_ptr + rows * stride_gm + k, mask=row_ok, other=0.0)
                wk = tl.load(w_ptr + k * stride_wk + cols, mask=col_ok, other=0.0)
                acc += gk[:, None] * wk[None, :]
        else:
            acc = tl.load(g_ptr + out, mask=ok, other=0.0)
        acc = acc * tl.load(d_ptr + out, mask=ok, other=0.0)
        tl.store(out_ptr + out, acc, mask=ok)
        if BIAS_SUM:
            tl.atomic_add(gb_ptr + cols, tl.sum(acc, axis=0), mask=col_ok)

    _tuned = triton.autotune(CONFIGS, key=["N", "K", "FMA", "WIDE"], reset_to_zero=["gb_ptr"])(_chain_kernel)


def chain(grad_z: torch.Tensor, weight: torch.Tensor, d: torch.Tensor, bias_grad: torch.Tensor | None
          ) -> torch.Tensor:
    """(grad_z @ weight) ⊙ d: the gradient of the pre-activation of the layer below, from grad_z (M, K) of the
    layer above, its weight (K, N) and the layer below's y' = d (M, N). Adds its column sums into bias_grad (N,)
    (zero it first) when given. A narrow K (a last linear layer) is one kernel of FMAs; a wide one is a cuBLAS
    matmul (torch's TF32 switch) whose output the kernel scales (a Triton matmul with this epilogue measured 20%
    slower than cuBLAS at width 512 on an H200)."""
    m, k = grad_z.shape
    n = weight.shape[1]
    fma = k < SMALL_K
    grad_z, weight, d = grad_z.contiguous(), weight.contiguous(), d.contiguous()
    product = grad_z if fma else grad_z @ weight
    out = torch.empty(m, n, device=grad_z.device, dtype=torch.float32)  # never in place: autotuning reruns it
    if m == 0:
        return out
    wide = max(m * max(n, k), k * n) >= 2 ** 31 - 1
    args = (product, weight, d, out, bias_grad if bias_grad is not None else out, m, n, k,
            grad_z.stride(0), weight.stride(0))
    launch(_chain_kernel, _tuned, m, n, *args, BIAS_SUM=bias_grad is not None, FMA=fma, WIDE=wide)
    return out


def _plain(x: torch.Tensor, params: list[torch.Tensor | None], omegas: list[float | None]) -> torch.Tensor:
    """The stack in differentiable PyTorch ops (for a double backward)."""
    for i, omega in enumerate(omegas):
        z = torch.nn.functional.linear(x, params[2 * i], params[2 * i + 1])
        x = z if omega is None else torch.sin(omega * z)
    return x


def _forward(x: torch.Tensor, omegas: tuple, params: tuple, store_d: bool
             ) -> tuple[list[torch.Tensor], list[torch.Tensor | None]]:
    """Every layer's input and the output (inputs), and each sine layer's y' = ω₀ cos(z) when store_d (ds)."""
    inputs, ds = [x], []
    for i, omega in enumerate(omegas):
        weight, bias = params[2 * i], params[2 * i + 1]
        if omega is None:  # a linear layer
            y, d = (torch.addmm(bias, x, weight.T) if bias is not None else x @ weight.T), None
        else:
            y, d = _launch(x, weight, bias, omega, store_d=store_d)
        inputs.append(y)
        ds.append(d)
        x = y
    return inputs, ds


class _SineStack(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, omegas: tuple, *params: torch.Tensor | None) -> torch.Tensor:
        train = any(ctx.needs_input_grad)
        inputs, ds = _forward(x, omegas, params, store_d=train)
        x = inputs[-1]
        ctx.omegas = omegas
        if train:
            ctx.save_for_backward(*inputs[:-1], *[d for d in ds if d is not None],
                                  *[p for p in params if p is not None])
            ctx.has_d = [d is not None for d in ds]
            ctx.has_bias = [params[2 * i + 1] is not None for i in range(len(omegas))]
        return x

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):
        layers = len(ctx.omegas)
        saved = list(ctx.saved_tensors)
        inputs, saved = saved[:layers], saved[layers:]
        n_d = sum(ctx.has_d)
        ds_iter, params_iter = iter(saved[:n_d]), iter(saved[n_d:])
        ds = [next(ds_iter) if has else None for has in ctx.has_d]
        params: list[torch.Tensor | None] = []
        for has_bias in ctx.has_bias:
            params += [next(params_iter), next(params_iter) if has_bias else None]
        if torch.is_grad_enabled():  # create_graph=True: a double backward follows, so stay differentiable
            candidates = [inputs[0], *params]
            needed = [need and t is not None for t, need in
                      zip(candidates, [ctx.needs_input_grad[0], *ctx.needs_input_grad[2:]])]
            with torch.enable_grad():
                out = _plain(inputs[0], params, list(ctx.omegas))
                got = iter(torch.autograd.grad(out, [t for t, n in zip(candidates, needed) if n], grad_out,
                                               create_graph=True, allow_unused=True))
            grads = [next(got) if n else None for n in needed]
            return grads[0], None, *grads[1:]

        grads: list[torch.Tensor | None] = [None] * (2 * layers)
        top = layers - 1
        grad_z = grad_out.contiguous() if ds[top] is None else grad_out * ds[top]
        bias_sum = None
        for i in range(top, -1, -1):
            weight, bias = params[2 * i], params[2 * i + 1]
            grads[2 * i] = grad_z.T @ inputs[i]
            if bias is not None:
                grads[2 * i + 1] = bias_sum if bias_sum is not None else column_sum(grad_z)
            if i == 0:
                grad_x = grad_z @ weight if ctx.needs_input_grad[0] else None
                break
            below_has_bias = params[2 * i - 1] is not None
            bias_sum = torch.zeros(weight.shape[1], device=grad_z.device) if below_has_bias else None
            grad_z = chain(grad_z, weight, ds[i - 1], bias_sum)  # every layer below the top one is a sine layer
        return grad_x, None, *grads


def sine_stack(x: torch.Tensor, layers: list[tuple[torch.Tensor, torch.Tensor | None, float | None]]
               ) -> torch.Tensor:
    """A stack of sine layers (weight (out, in), bias (out,) or None, ω₀) and optionally a last linear one
    (ω₀ None), fused: x (..., in) -> (..., out). float32, CUDA (or Triton's interpreter)."""
    lead = x.shape[:-1]
    omegas = tuple(omega for _, _, omega in layers)
    if None in omegas[:-1]:
        raise ValueError("sine_stack: only the last layer may be linear (ω₀ None)")
    params = [t for weight, bias, _ in layers for t in (weight, bias)]
    x = x.reshape(-1, x.shape[-1])
    if torch.is_grad_enabled():
        y = _SineStack.apply(x, omegas, *params)
    else:  # no graph will be kept (evaluation): write no y' and save nothing
        y = _forward(x, omegas, tuple(params), store_d=False)[0][-1]
    return y.reshape(*lead, y.shape[-1])
