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
