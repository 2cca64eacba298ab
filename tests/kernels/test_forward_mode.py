"""The fused sine of a forward-mode state against its PyTorch form (double precision autograd as the judge)."""
import pytest
import torch

from torchsiren.kernels.forward_mode import sine_jet
from torchsiren.kernels.reference import jet_reference, torch_jet
from .helpers import DEVICE, close, needs_triton, poison

pytestmark = needs_triton


@pytest.mark.parametrize("jet", [sine_jet, torch_jet], ids=["triton", "torch"])
@pytest.mark.parametrize("d,rows", [(1, 2), (1, 3), (2, 3), (2, 4), (2, 5), (3, 5), (3, 7)])
def test_forward_backward_match_reference(d, rows, jet):
    n, f = 45, 70  # not multiples of the block
    z = (torch.randn(n, rows, f, device=DEVICE) * 2).requires_grad_()
    b = torch.randn(f, device=DEVICE, requires_grad=True)
    poison((n, rows, f))
    h = jet(z, b, d)
    assert torch.isfinite(h).all()
    zd, bd = z.detach().double().requires_grad_(), b.detach().double().requires_grad_()
    ref = jet_reference(zd, bd, d)
    close(h, ref, 1e-5)
    g = torch.randn_like(h)
    got = torch.autograd.grad(h, (z, b), g)
    want = torch.autograd.grad(ref, (zd, bd), g.double())
    for a, e in zip(got, want):
        close(a, e, 1e-5 * max(1.0, e.abs().max().item()))


def test_double_backward_through_the_jet():
    z = torch.randn(9, 4, 8, device=DEVICE, dtype=torch.float32, requires_grad=True)
    b = torch.randn(8, device=DEVICE, requires_grad=True)
    out = []
    for fn in (sine_jet, torch_jet, jet_reference):
        gz, = torch.autograd.grad(fn(z, b, 2).pow(2).sum(), z, create_graph=True)
        out.append(torch.autograd.grad(gz.pow(2).sum(), (z, b)))
    for got in out[:2]:
        for a, e in zip(got, out[2]):
            close(a, e, 1e-4 * max(1.0, e.abs().max().item()))


def test_rejects_a_state_of_the_wrong_shape():
    with pytest.raises(ValueError, match="rows"):
        sine_jet(torch.randn(3, 9, 4, device=DEVICE), torch.zeros(4, device=DEVICE), 2)


def test_backward_without_a_bias_gradient_matches_reference():
    """A bias that needs no gradient (a layer without bias): the kernel skips its column sums."""
    z = torch.randn(37, 4, 20, device=DEVICE, requires_grad=True)
    b = torch.randn(20, device=DEVICE)
    g = torch.randn(37, 4, 20, device=DEVICE)
    got, = torch.autograd.grad(sine_jet(z, b, 2), z, g)
    zd = z.detach().double().requires_grad_()
    want, = torch.autograd.grad(jet_reference(zd, b.double(), 2), zd, g.double())
    close(got, want, 1e-5 * max(1.0, want.abs().max().item()))
