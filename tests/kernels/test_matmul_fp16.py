"""The fp16 matmuls with epilogues (matmul_fp16.py) against float64 on fp16-rounded operands: odd sizes (not multiples
of any tile), a batch of one and of none, every output written (poisoned buffers), the chain's bias sums, the
product kept beside its scaled copy, and a scale α."""
import pytest
import torch

from torchsiren.kernels.matmul_fp16 import matmul16, sine_gemm
from .helpers import DEVICE, needs_triton, poison

pytestmark = needs_triton
FP16 = 2.0 ** -10  # one fp16 ulp at 1: the outputs' rounding


@pytest.mark.parametrize("m,k,n,bias", [(1, 16, 16, True), (77, 40, 33, True), (130, 64, 50, False), (0, 32, 32, True)])
def test_sine_gemm_matches_float64(m, k, n, bias):
    x = (torch.rand(m, k, device=DEVICE) * 2 - 1).half()
    w = (torch.rand(n, k, device=DEVICE) * 2 - 1) * (6 / k) ** 0.5 / 30
    b = (torch.rand(n, device=DEVICE) - 0.5) / 30 if bias else None
    poison((m, n))
    y, d = sine_gemm(x, w, b, 30.0, store_d=True)
    z = 30 * (x.double() @ w.half().double().T + (b.double() if bias else 0))
    assert y.dtype == d.dtype == torch.float16 and y.shape == (m, n)
    torch.testing.assert_close(y.double(), torch.sin(z), rtol=0, atol=FP16)
    torch.testing.assert_close(d.double(), 30 * torch.cos(z), rtol=0, atol=30 * FP16)


@pytest.mark.parametrize("m,k,n,bias,keep,alpha", [(1, 16, 16, True, False, 1.0), (93, 48, 35, True, True, 1.0),
                                                    (129, 64, 64, False, True, 2.0 ** -10)])
def test_chain_matmul_matches_float64(m, k, n, bias, keep, alpha):
    g = (torch.randn(m, k, device=DEVICE) * 100).half()
    w = torch.randn(k, n, device=DEVICE) / k ** 0.5 / alpha
    d = (torch.rand(m, n, device=DEVICE) * 60 - 30).half()
    gb = torch.zeros(n, device=DEVICE) if bias else None
    poison((m, n))
    out = matmul16(g, w, d, keep, alpha, gb)
    out, product = out if keep else (out, None)
    product_want = alpha * (g.double() @ w.half().double())
    want = product_want * d.double()
    scale = want.abs().max().item()
    torch.testing.assert_close(out.double(), want, rtol=0, atol=2 * FP16 * scale)
    if keep:
        torch.testing.assert_close(product.double(), product_want, rtol=0,
                                   atol=2 * FP16 * product_want.abs().max().item())
    if bias:  # summed from the float32 products, before their fp16 rounding
        torch.testing.assert_close(gb.double(), want.sum(0), rtol=1e-4, atol=1e-4 * scale * m ** 0.5)


def test_plain_matmul_matches_float64():
    a, b = torch.randn(70, 33, device=DEVICE).half(), torch.randn(33, 19, device=DEVICE)
    poison((70, 19))
    want = a.double() @ b.half().double()
    torch.testing.assert_close(matmul16(a, b).double(), want, rtol=0, atol=2 * FP16 * want.abs().max().item())
