"""When the fused path runs: Triton present, CUDA (or Triton's CPU interpreter), float32, and no transform
(torch.compile, torch.func, forward-mode AD) that an autograd.Function with Triton inside cannot follow."""
from __future__ import annotations

import contextlib
import functools
import os
import threading

import torch

from ..errors import TorchSirenError

IMPLEMENTATIONS = ("auto", "torch", "fused")
_local = threading.local()


@contextlib.contextmanager
def _raised(flag: str):
    """Raise a thread-local flag for the block (nested blocks count)."""
    depth = getattr(_local, flag, 0)
    setattr(_local, flag, depth + 1)
    try:
        yield
    finally:
        setattr(_local, flag, depth)


def plain_torch():
    """Inside this block every layer takes the PyTorch path. evaluate() uses it for autograd derivatives: a
    double backward through the fused layer recomputes its matmul, which makes it slower than plain PyTorch."""
    return _raised("plain")


@functools.cache
def triton_available() -> bool:
    try:
        import triton  # noqa: F401
        import triton.language  # noqa: F401
    except Exception:  # ImportError, or a Triton that cannot find its backend
        return False
    return True


def interpreting() -> bool:
    """True under TRITON_INTERPRET=1, where Triton runs kernels on CPU tensors (used by the CPU tests)."""
    return os.environ.get("TRITON_INTERPRET", "0") == "1"


def _inside_transform() -> bool:
    """torch.compile tracing, a torch.func transform or torch.autograd.forward_ad: use the plain path there."""
    if torch.compiler.is_compiling():
        return True
    try:
        if torch._C._functorch.peek_interpreter_stack() is not None:
            return True
    except AttributeError:  # pragma: no cover - older torch
        pass
    return torch.autograd.forward_ad._current_level >= 0


def fused_unsupported(*tensors: torch.Tensor) -> str | None:
    """Why the fused kernels cannot take these tensors (None when they can)."""
    if not triton_available():
        return "Triton is not installed (pip install triton)"
    for t in tensors:
        if t.dtype != torch.float32:
            return f"the fused kernels take float32 tensors, got {t.dtype}"
        if not (t.is_cuda or (interpreting() and t.device.type == "cpu")):
            return f"the fused kernels need CUDA tensors, got a tensor on {t.device.type}"
    return None


def use_fused(implementation: str, *tensors: torch.Tensor) -> bool:
    """Decide for one call. "auto": fused when possible; "fused": fused, or a clear error when the device or dtype
    cannot be served; inside torch.compile / torch.func the plain path is taken whatever the setting."""
    if implementation == "torch" or getattr(_local, "plain", 0) or _inside_transform():
        return False
    if implementation == "auto" and not all(t.is_cuda for t in tensors):
        return False  # the CPU interpreter is for tests; "auto" never picks it
    reason = fused_unsupported(*tensors)
    if reason is None:
        return True
    if implementation == "fused":
        raise TorchSirenError(f"implementation='fused' cannot run: {reason}; use implementation='auto' or 'torch'")
    return False


def check_implementation(implementation: str) -> str:
    if implementation not in IMPLEMENTATIONS:
        raise TorchSirenError(f"implementation must be one of {', '.join(IMPLEMENTATIONS)}, got {implementation!r}")
    return implementation


@contextlib.contextmanager
def float32_matmuls(precision: str):
    """CUDA float32 matmuls exact ("fp32") or on TF32 tensor cores ("tf32") inside the block, restored after.
    Uses torch's per-backend switch where it exists (torch >= 2.9): torch 2.11 refuses to read the global
    switch once it was mixed with the legacy flags."""
    matmul = torch.backends.cuda.matmul
    if hasattr(matmul, "fp32_precision"):
        old, new = matmul.fp32_precision, ("ieee" if precision == "fp32" else "tf32")
        def put(value: str) -> None:
            matmul.fp32_precision = value
    else:  # pragma: no cover - torch < 2.9
        old, new = torch.get_float32_matmul_precision(), ("highest" if precision == "fp32" else "high")
        put = torch.set_float32_matmul_precision
    put(new)
    try:
        yield
    finally:
        put(old)


def half_operands():
    """Inside this block the fused sine stack (kernels/stack_fp16.py) and Φ with ∇Φ (kernels/gradient_fp16.py) multiply
    fp16 operands with float32 accumulation and store their activations in fp16; every other matmul keeps torch's
    float32 switches."""
    return _raised("half")


def half_operands_enabled() -> bool:
    return getattr(_local, "half", 0) > 0


PRECISIONS = ("fp32", "tf32", "fp16")
# fp16 operands serve first layers up to this ω₀. Their y' = ω₀ cos(z) times a scaled gradient (≲ 2^8 / the hidden
# ω₀ of 30) stays below fp16's largest value (65504) with room for the growth through the layers; the sine stack
# forms a larger-ω₀ first layer's ∂L/∂z in float32 (stack_fp16.first_layer_grad), and the derivative kernels take
# their float32 form for such a network.
FIRST_OMEGA_LIMIT = 64.0


@contextlib.contextmanager
def operand_precision(precision: str):
    """The precision of torchsiren's matmul operands inside the block: "fp32" exact, "tf32" (torch's TF32 switch),
    or "fp16": the fused sine stack, Φ with ∇Φ, and Φ, ∇Φ, ΔΦ by forward mode on fp16 operands (see half_operands),
    everything else TF32."""
    half = half_operands() if precision == "fp16" else contextlib.nullcontext()
    with float32_matmuls("fp32" if precision == "fp32" else "tf32"), half:
        yield


def matmul_precision(device: torch.device) -> str:
    """The kernels' matmul operands, following torch's own switches: "bf16" under bf16 autocast, "tf32" when
    torch allows TF32 matmuls, else "ieee" (exact float32). Accumulation is float32 in every case."""
    try:
        if torch.is_autocast_enabled(device.type) and torch.get_autocast_dtype(device.type) == torch.bfloat16:
            return "bf16"
    except (AttributeError, TypeError):  # pragma: no cover - torch < 2.4
        pass
    return "tf32" if _tf32_allowed() else "ieee"


def _tf32_allowed() -> bool:
    """Whether torch lets CUDA float32 matmuls use TF32. The per-backend switch (torch >= 2.9) wins; reading the
    global one raises on torch 2.11 once old and new APIs were mixed, so it is read last and only if needed."""
    backend = getattr(torch.backends.cuda.matmul, "fp32_precision", "none")
    if backend in ("tf32", "ieee"):
        return backend == "tf32"
    if torch.backends.cuda.matmul.allow_tf32:
        return True
    try:
        return torch.get_float32_matmul_precision() != "highest"
    except RuntimeError:  # pragma: no cover - mixed APIs on torch 2.11
        return False
