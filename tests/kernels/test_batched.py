"""Many SIRENs' sine layers as a batched matmul and one Triton pass, against float64 PyTorch: values, every
parameter's gradient and the coordinates' (first layer in exact float32), and a double backward."""
import torch

from torchsiren.models import BatchedSiren, batched_siren
from .helpers import DEVICE, close, needs_triton, poison

pytestmark = needs_triton
TOL = 1e-4


def test_fused_batched_sirens_match_float64():
    torch.manual_seed(0)
    model = BatchedSiren(5, 2, 3, hidden_features=24, hidden_layers=2, implementation="fused").to(DEVICE)
    params = list(model.parameters())
    coords = (torch.rand(5, 37, 2, device=DEVICE) * 2 - 1).requires_grad_()
    poison((5, 37, 24))
    y = model(coords)
    want = batched_siren(coords.double(), [w.double() for w in model.weights],
                         [b.double() for b in model.biases], model.omegas, implementation="torch")
    close(y, want, TOL)
    g = torch.randn_like(y)
    got = torch.autograd.grad(y, [coords, *params], g)
    expected = torch.autograd.grad(want, [coords, *params], g.double())
    for a, e in zip(got, expected):
        close(a, e, TOL * max(1.0, e.abs().max().item()))
    shared = torch.rand(11, 2, device=DEVICE) * 2 - 1  # one set of coordinates for every member
    close(model(shared), model(shared.expand(5, 11, 2)), 1e-6)


def test_fused_batched_sirens_double_backward():
    torch.manual_seed(1)
    model = BatchedSiren(3, 2, 1, hidden_features=16, hidden_layers=1, implementation="fused").to(DEVICE)
    coords = (torch.rand(3, 9, 2, device=DEVICE) * 2 - 1).requires_grad_()

    def gradient_norm_grads(implementation):
        model.implementation = implementation
        (grad,) = torch.autograd.grad(model(coords).sum(), coords, create_graph=True)
        return torch.autograd.grad((grad ** 2).sum(), list(model.parameters())[:-1])  # the last bias: no say

    for a, e in zip(gradient_norm_grads("fused"), gradient_norm_grads("torch")):
        close(a, e, TOL * max(1.0, e.abs().max().item()))
