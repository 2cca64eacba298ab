"""The report's derivative pictures: |∇Φ| and ΔΦ on the pixel grid against torch.func in float64."""
import copy

import torch
from torch.func import hessian, jacrev, vmap

from torchsiren.data.grid import grid
from torchsiren.models import Siren
from torchsiren.report import network_derivatives


def test_network_derivatives_match_torch_func():
    torch.manual_seed(0)
    model = Siren(2, 3, hidden_features=32, hidden_layers=2)
    shape = (7, 5)
    grad, lap = network_derivatives(model, shape, torch.device("cpu"))
    exact = copy.deepcopy(model).double()
    x = grid(shape).double()
    jac = vmap(jacrev(exact))(x)  # (N, out, in)
    hess = vmap(hessian(exact))(x)  # (N, out, in, in)
    want_grad = jac.norm(dim=-1).mean(-1).reshape(shape)
    want_lap = hess.diagonal(dim1=-2, dim2=-1).sum(-1).mean(-1).reshape(shape)
    assert grad.shape == lap.shape == shape
    for got, want in ((grad, want_grad), (lap, want_lap)):  # float32 against float64
        torch.testing.assert_close(torch.from_numpy(got).double(), want, rtol=1e-3,
                                   atol=1e-4 * want.abs().max().item())
