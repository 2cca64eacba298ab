"""Fused Triton kernels for SIREN layers, with plain PyTorch twins as their reference and fallback.

Nothing here imports Triton until a fused path runs: the package works without it.

Map, by what the modules compute (`fused_unsupported` says when, and why, a kernel cannot run):
- choosing            dispatch.py: when the fused path runs (`use_fused`); operand precision fp32 / tf32 / fp16
- plain twins         reference.py: the sine of a forward-mode state in plain PyTorch (no Triton)
- the layer stack     linear.py: one sine layer sin(ω₀(xWᵀ + b)) and its derivative (`sine_linear`)
                      stack.py: the whole stack as one autograd Function with a chained backward (`sine_stack`)
                      stack_chain.py: that backward's ∂L/∂z of the layer below
                      stack_fp16.py: the stack on fp16 operands; matmul_fp16.py: its fp16 matmuls with epilogues
- Φ and ∇Φ            gradient.py: a hand-written double backward (gradient supervision); gradient_down.py: its
                      down pass; gradient_fp16.py: the same on fp16 operands
- forward mode        forward_mode.py: the sine of a forward-mode state (`sine_jet`): value, Jacobian, Laplacian or
                      Hessian-diagonal rows; forward_mode_fp16.py: Φ, ∇Φ, ΔΦ or ∂ᵢᵢΦ on fp16 operands, with
                      forward_mode_first.py for its first layer
- shared              foreach.py: one launch over many tensors (Adam's step, unscaling); tiles.py: tile configs
"""
from .dispatch import IMPLEMENTATIONS, fused_unsupported, triton_available, use_fused

__all__ = ["IMPLEMENTATIONS", "fused_unsupported", "sine_jet", "sine_linear", "sine_stack", "triton_available",
           "use_fused"]

_LAZY = {"sine_jet": "forward_mode", "sine_linear": "linear", "sine_stack": "stack"}


def __getattr__(name: str):
    """sine_jet, sine_linear and sine_stack, imported (with Triton) on first use."""
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
