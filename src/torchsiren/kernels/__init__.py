"""Fused Triton kernels for SIREN layers, with the plain PyTorch path as their reference and fallback.

`sine_linear(x, W, b, ω₀)` is sin(ω₀ (x Wᵀ + b)) as one kernel (matmul on tensor cores + bias + ω₀ + sine),
`sine_jet(z, b, d, second)` is the sine applied to a forward-mode state (value, Jacobian and Laplacian or Hessian
diagonal rows) in one pass, and `sine_stack(x, layers)` is a whole layer stack whose backward chains the layers
(Siren's fused path). Under `half_operands()` (--precision fp16) the stack runs on fp16 operands (half.py, with
gemm16.py's fused fp16 matmuls), and so do Φ with ∇Φ (gradient_half.py). All are autograd Functions;
`fused_unsupported` says when (and why) they cannot run.
"""
from .dispatch import IMPLEMENTATIONS, fused_unsupported, triton_available, use_fused
from .jet import sine_jet
from .linear import sine_linear
from .stack import sine_stack

__all__ = ["IMPLEMENTATIONS", "fused_unsupported", "sine_jet", "sine_linear", "sine_stack", "triton_available",
           "use_fused"]
