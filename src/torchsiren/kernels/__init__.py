"""Fused Triton kernels for SIREN layers, with plain PyTorch twins as their reference and fallback.

Nothing here imports Triton until a fused path runs: the package works without it.

Map (what each module computes; `fused_unsupported` says when, and why, a kernel cannot run):
- dispatch.py      when the fused path runs (`use_fused`), operand precision (`operand_precision`: fp32/tf32/fp16)
- reference.py     plain-PyTorch twins (the sine of a forward-mode state), no Triton
- linear.py        one sine layer sin(ω₀(xWᵀ + b)) and its derivative, fp32/tf32 (`sine_linear`)
- stack.py         the whole sine stack as one autograd Function, chained backward (`sine_stack`; Siren's fused path)
- chain.py         the stack backward's ∂L/∂z of the layer below
- half.py          the stack on fp16 operands (--precision fp16), with gemm16.py's fp16 matmuls and sine epilogues
- gradient.py      Φ and ∇Φ with a hand-written double backward (gradient supervision); gradient_half.py on fp16
- jet.py           the sine of a forward-mode state (value, Jacobian, Laplacian or Hessian diagonal rows)
- laplacian_half.py  Φ, ∇Φ, ΔΦ or ∂ᵢᵢΦ by forward mode on fp16 operands; jet_first.py its first layer
- down.py          the down pass of gradient.py's backward
- foreach.py       one launch over many tensors: Adam's step (training.Adam), unscaling by a device scalar
- tiles.py         tile configurations shared by chain.py and down.py
"""
from .dispatch import IMPLEMENTATIONS, fused_unsupported, triton_available, use_fused

__all__ = ["IMPLEMENTATIONS", "fused_unsupported", "sine_jet", "sine_linear", "sine_stack", "triton_available",
           "use_fused"]

_LAZY = {"sine_jet": "jet", "sine_linear": "linear", "sine_stack": "stack"}


def __getattr__(name: str):
    """sine_jet, sine_linear and sine_stack, imported (with Triton) on first use."""
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
