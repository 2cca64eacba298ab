"""sin and cos in kernels (kernels/linear.py's sincos) against float64, over the argument range a trained SIREN's
layers see and beyond: the exact branch everywhere, the fast branch (special-function units) on a GPU; PTX does not
run in Triton's CPU interpreter, where fast_sincos says no."""
import pytest
import torch

from torchsiren.kernels.linear import fast_sincos
from .helpers import DEVICE, needs_triton

pytestmark = needs_triton

try:
    import triton
    import triton.language as tl

    from torchsiren.kernels.linear import sincos

    @triton.jit
    def _sincos_kernel(v_ptr, s_ptr, c_ptr, n, FAST: tl.constexpr, BLOCK: tl.constexpr):
        i = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
        s, c = sincos(tl.load(v_ptr + i, mask=i < n, other=0.0), FAST)
        tl.store(s_ptr + i, s, mask=i < n)
        tl.store(c_ptr + i, c, mask=i < n)
except ImportError:  # pragma: no cover
    pass


@pytest.mark.parametrize("fast", [False, pytest.param(True, marks=pytest.mark.skipif(
    DEVICE == "cpu", reason="sin.approx is PTX: it needs a GPU"))])
def test_sin_and_cos_match_float64(fast):
    torch.manual_seed(0)
    v = torch.cat([torch.linspace(-400, 400, 20001, device=DEVICE), torch.randn(999, device=DEVICE) * 50])
    s, c = torch.empty_like(v), torch.empty_like(v)
    assert fast_sincos(v.half()) == (DEVICE != "cpu")
    _sincos_kernel[(triton.cdiv(v.numel(), 256),)](v, s, c, v.numel(), FAST=fast, BLOCK=256)
    for got, want in ((s, torch.sin(v.double())), (c, torch.cos(v.double()))):
        assert (got.double() - want).abs().max() < (4e-6 if fast else 1e-6)
