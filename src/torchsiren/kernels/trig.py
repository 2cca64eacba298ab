"""sin and cos of a float32 tile, exact (libdevice) or on the GPU's special-function units.

libdevice's sinf and cosf reduce the argument and evaluate a polynomial each, ~40 instructions apiece; a
memory-bound jet pass over fp16 tensors spent most of its time there (benchmarks/results/session8/). With APPROX
the argument is reduced once to [−π, π] (k = round(v / 2π), v − k·2π with 2π split in two so k·C1 is exact) and
sin.approx / cos.approx (abs. error ~2⁻²⁰ there) give both: far below fp16's rounding, so the kernels that store
fp16 use it. PTX does not run in Triton's CPU interpreter, which always takes the exact branch.
"""
from __future__ import annotations

from .dispatch import interpreting

try:
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover - dispatch never calls in without Triton
    triton = None


def approx_allowed(wanted: bool) -> bool:
    """Whether a launch may take the special-function branch: asked for, and not under the CPU interpreter."""
    return wanted and not interpreting()


if triton is not None:
    @triton.jit
    def sincos(v, APPROX: tl.constexpr):
        """(sin v, cos v), float32."""
        if APPROX:
            k = tl.floor(v * 0.15915494309189535 + 0.5)  # round(v / 2π)
            r = (v - k * 6.28125) - k * 0.0019353071795864769  # 2π = 6.28125 (exact times |k| < 2¹⁶) + the rest
            s = tl.inline_asm_elementwise("sin.approx.f32 $0, $1;", "=r,r", [r], dtype=tl.float32, is_pure=True,
                                          pack=1)
            c = tl.inline_asm_elementwise("cos.approx.f32 $0, $1;", "=r,r", [r], dtype=tl.float32, is_pure=True,
                                          pack=1)
        else:
            s = tl.sin(v)
            c = tl.cos(v)
        return s, c
