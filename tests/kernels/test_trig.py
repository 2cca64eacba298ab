"""sin and cos in kernels (kernels/trig.py) against float64, over the argument range a trained SIREN's layers see
and beyond: the exact branch everywhere, the special-function branch on a GPU (PTX does not run in Triton's CPU
interpreter, which trig.approx_allowed sends to the exact branch)."""
import pytest
import torch

from torchsiren.kernels.trig import approx_allowed
from .helpers import DEVICE, needs_triton

pytestmark = needs_triton

try:
    import triton
    import triton.language as tl

    from torchsiren.kernels.trig import sincos

    @triton.jit
    def _sincos_kernel(v_ptr, s_ptr, c_ptr, n, APPROX: tl.constexpr, BLOCK: tl.constexpr):
        i = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
        s, c = sincos(tl.load(v_ptr + i, mask=i < n, other=0.0), APPROX)
        tl.store(s_ptr + i, s, mask=i < n)
        tl.store(c_ptr + i, c, mask=i < n)
except ImportError:  # pragma: no cover
    pass


@pytest.mark.parametrize("approx", [False, pytest.param(True, marks=pytest.mark.skipif(
    DEVICE == "cpu", reason="sin.approx is PTX: it needs a GPU"))])
def test_sin_and_cos_match_float64(approx):
    torch.manual_seed(0)
    v = torch.cat([torch.linspace(-400, 400, 20001, device=DEVICE), torch.randn(999, device=DEVICE) * 50])
    s, c = torch.empty_like(v), torch.empty_like(v)
    assert approx_allowed(approx) == approx
    _sincos_kernel[(triton.cdiv(v.numel(), 256),)](v, s, c, v.numel(), APPROX=approx, BLOCK=256)
    for got, want in ((s, torch.sin(v.double())), (c, torch.cos(v.double()))):
        assert (got.double() - want).abs().max() < (4e-6 if approx else 1e-6)
