"""A whole SIREN layer stack as one autograd Function, so its backward can chain the layers itself.

Layer by layer, autograd's backward of a sine layer reads ∂L/∂y, multiplies by y' = ω₀ cos(z) (a full pass over
an N × width tensor), then runs ∂L/∂x = ∂L/∂z · W and the weight and bias gradients, the bias's as one more pass.
Inside one Function the layer below is known, so ∂L/∂z_below = (∂L/∂z · W) ⊙ y'_below takes one pass after the
cuBLAS matmul, with the layer below's bias gradient summed in that same pass (stack_chain.py).
The bias sums
are atomic adds, so on a GPU the bias gradients are not bitwise reproducible from run to run (float32 rounding).

Forward: the same kernels as sine_linear. Under half_operands() (--precision fp16) both passes take stack_fp16.py's
fp16 operands instead. A double backward (create_graph=True) recomputes the stack with
differentiable PyTorch ops instead, as sine_linear does.
"""
from __future__ import annotations

import torch

from . import stack_fp16 as half
from .stack_chain import chain
from .dispatch import half_operands_enabled
from .foreach import scale_
from .linear import SMALL_K, _launch, column_sum, half_mm


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
    def forward(ctx, x: torch.Tensor, omegas: tuple, fp16: bool, *params: torch.Tensor | None) -> torch.Tensor:
        train = any(ctx.needs_input_grad)
        inputs, ds = (half.forward if fp16 else _forward)(x, omegas, params, store_d=train)
        x = inputs[-1]
        ctx.omegas, ctx.fp16 = omegas, fp16
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
                      zip(candidates, [ctx.needs_input_grad[0], *ctx.needs_input_grad[3:]])]
            with torch.enable_grad():
                out = _plain(inputs[0], params, list(ctx.omegas))
                got = iter(torch.autograd.grad(out, [t for t, n in zip(candidates, needed) if n], grad_out,
                                               create_graph=True, allow_unused=True))
            grads = [next(got) if n else None for n in needed]
            return grads[0], None, None, *grads[1:]
        grad_x, grads = _backward(grad_out, inputs, ds, params, ctx.omegas, ctx.needs_input_grad[0], ctx.fp16)
        return grad_x, None, None, *grads


def _backward(grad_out: torch.Tensor, inputs: list[torch.Tensor], ds: list[torch.Tensor | None],
              params: list[torch.Tensor | None], omegas: tuple, need_x: bool, fp16: bool
              ) -> tuple[torch.Tensor | None, list]:
    """(∂L/∂x or None, [∂L/∂W₀, ∂L/∂b₀, …]) from ∂L/∂output, the layers chained top-down. fp16 (stack_fp16.py): the
    operands are fp16, ∂L/∂output is scaled by half.scaled_gradients and the gradients unscaled in float32, all
    by one multi-tensor multiply (foreach.scale_); the bias gradients are views of one zeroed buffer."""
    top = len(ds) - 1
    if fp16:
        widths = [params[2 * i].shape[0] for i in range(len(ds))]
        buf = torch.zeros(3 + sum(widths), device=grad_out.device)  # amax, scale, 1/scale, the bias sums
        bias_sums = list(buf[3:].split(widths))
        (grad_z,) = half.scaled_gradients([grad_out], [ds[top]], buf[:3], [bias_sums[top]])
    else:
        grad_z = grad_out.contiguous()
        if ds[top] is not None:  # a sine layer on top
            grad_z = grad_z * ds[top]
        bias_sums: list[torch.Tensor | None] = [
            torch.zeros(params[2 * i].shape[0], device=grad_z.device) if i < top and params[2 * i + 1] is not None
            else None for i in range(len(ds))]
    grads: list[torch.Tensor | None] = [None] * (2 * len(ds))
    grad_x = None
    for i in range(top, -1, -1):
        weight, bias = params[2 * i], params[2 * i + 1]
        grads[2 * i] = half_mm(grad_z.T, inputs[i].half()) if grad_z.dtype == torch.float16 else grad_z.T @ inputs[i]
        if bias is not None:
            grads[2 * i + 1] = bias_sums[i] if bias_sums[i] is not None else column_sum(grad_z)
        if i == 0:
            grad_x = grad_z.float() @ weight if need_x else None
            break
        below_has_bias = params[2 * i - 1] is not None
        if fp16 and i == 1 and omegas[0] > half.FIRST_OMEGA_LIMIT and inputs[0].shape[1] < SMALL_K:
            grad_z = half.first_layer_grad(grad_z, weight, ds[0], bias_sums[0] if below_has_bias else None)
            continue
        # every layer below the top one is a sine layer
        grad_z = chain(grad_z, weight, ds[i - 1], bias_sums[i - 1] if below_has_bias else None)
    if fp16:  # unscale: all but the top bias's gradient, which scaled_gradients summed unscaled
        scaled = [g for j, g in enumerate(grads) if g is not None and j != 2 * top + 1]
        scale_(scaled + ([grad_x] if grad_x is not None else []), buf[2])
    return grad_x, grads


def sine_stack(x: torch.Tensor, layers: list[tuple[torch.Tensor, torch.Tensor | None, float | None]]
               ) -> torch.Tensor:
    """A stack of sine layers (weight (out, in), bias (out,) or None, ω₀) and optionally a last linear one
    (ω₀ None), fused: x (..., in) -> (..., out). float32, CUDA (or Triton's interpreter); fp16 operands inside
    half_operands() (stack_fp16.py)."""
    lead = x.shape[:-1]
    omegas = tuple(omega for _, _, omega in layers)
    if None in omegas[:-1]:
        raise ValueError("sine_stack: only the last layer may be linear (ω₀ None)")
    params = [t for weight, bias, _ in layers for t in (weight, bias)]
    x = x.reshape(-1, x.shape[-1])
    fp16 = half_operands_enabled()
    if torch.is_grad_enabled():
        y = _SineStack.apply(x, omegas, fp16, *params)
    else:  # no graph will be kept (evaluation): write no y' and save nothing
        y = (half.forward if fp16 else _forward)(x, omegas, tuple(params), store_d=False)[0][-1]
    return y.reshape(*lead, y.shape[-1])
