"""Shared by the kernel tests: the device to test on, and a guard that skips only when Triton is absent."""
import pytest
import torch

from torchsiren.kernels import triton_available

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"  # CPU: Triton's interpreter (TRITON_INTERPRET=1)
needs_triton = pytest.mark.skipif(not triton_available(), reason="Triton is not installed")


def poison(shape, device=DEVICE):
    """Fill and free a NaN block so a kernel that leaves outputs unwritten shows NaNs (the allocator reuses it)."""
    torch.full(shape, float("nan"), device=device)


def close(a, b, tol):
    torch.testing.assert_close(a.double(), b.double(), rtol=tol, atol=tol)


def stack(widths, last_linear=True, bias=True, omega=30.0):
    """Random (weight, bias, ω₀) layers for widths [in, h1, ..., out], pre-activations of unit scale."""
    layers = []
    for i, (k, n) in enumerate(zip(widths[:-1], widths[1:])):
        w = (torch.randn(n, k, device=DEVICE) / (k ** 0.5 * (1 if i == 0 else omega))).requires_grad_()
        b = (torch.randn(n, device=DEVICE) / omega).requires_grad_() if bias else None
        layers.append((w, b, None if (last_linear and i == len(widths) - 2) else omega))
    return layers


def float64_layers(layers):
    return [(w.detach().double().requires_grad_(), None if b is None else b.detach().double().requires_grad_(), o)
            for w, b, o in layers]


def supervised_loss(supervised: str, value, grad, bars):
    """A loss on Φ ("value"), on ∇Φ ("gradient") or on both, with ∂L/∂Φ and ∂L/∂∇Φ = bars."""
    terms = {"value": (value * bars[0]).sum(), "gradient": (grad * bars[1]).sum()}
    return terms[supervised] if supervised in terms else sum(terms.values())


def relative_error(a: torch.Tensor, e: torch.Tensor) -> float:
    return ((a.double() - e.double()).norm() / e.double().norm()).item()


def assert_gradients_close(got, want, tol: float, skip_zero: bool = False) -> None:
    """Each gradient finite and within `tol` relative L2 of its float64 reference (those that are exactly zero
    left out when skip_zero)."""
    for a, e in zip(got, want):
        assert torch.isfinite(a).all()
        if not (skip_zero and e.abs().max() == 0):
            assert relative_error(a, e) < tol, relative_error(a, e)
