"""Sine layers of many SIRENs at once, y = sin(ω₀ (x Wᵀ + b)) for (B, out, in) weights: one batched cuBLAS
matmul, then one Triton pass (linear.sine_epilogue) that writes the sine and the layer's derivative ω₀ cos, so
that the backward is one multiply and two batched matmuls. The plain form (models/batched.batched_siren) takes
four elementwise passes more per layer (ω₀ times, sine, and in the backward cosine and its product).
A first layer (fan-in < 16) multiplies in exact float32, as the single-SIREN kernels do.
"""
from __future__ import annotations

import contextlib

import torch

from .dispatch import float32_matmuls
from .linear import SMALL_K, sine_epilogue


class _BatchedSineLayer(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, omega: float) -> torch.Tensor:
        exact = float32_matmuls("fp32") if x.shape[-1] < SMALL_K else contextlib.nullcontext()
        with exact:  # a first layer's argument stays exact float32
            z = torch.baddbmm(bias.unsqueeze(1), x, weight.transpose(1, 2))
        train = any(ctx.needs_input_grad[:3])
        y, d = sine_epilogue(z.view(-1, z.shape[-1]), None, omega, train, torch.float32, out=z.view(-1, z.shape[-1]))
        ctx.omega = omega
        if train:
            ctx.save_for_backward(x, weight, bias, d.view(z.shape))
        return z  # y was written over z

    @staticmethod
    def backward(ctx, grad_y: torch.Tensor):
        x, weight, bias, d = ctx.saved_tensors
        if torch.is_grad_enabled():  # create_graph=True: a double backward follows, so stay differentiable
            z = ctx.omega * torch.baddbmm(bias.unsqueeze(1), x, weight.transpose(1, 2))
            grad_z = grad_y * ctx.omega * torch.cos(z)
        else:
            grad_z = grad_y * d
        gx = torch.bmm(grad_z, weight) if ctx.needs_input_grad[0] else None
        gw = torch.bmm(grad_z.transpose(1, 2), x) if ctx.needs_input_grad[1] else None
        gb = grad_z.sum(1) if ctx.needs_input_grad[2] else None
        return gx, gw, gb, None


def batched_sine_layer(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, omega: float) -> torch.Tensor:
    """x (B, N, in), weight (B, out, in), bias (B, out) -> sin(ω (x Wᵀ + b)) (B, N, out), float32, CUDA (or Triton's
    interpreter)."""
    return _BatchedSineLayer.apply(x.contiguous(), weight, bias, float(omega))
