import torch

from torchsiren import Siren
from .helpers import fd_jacobian as _fd_jacobian, fd_laplacian as _fd_laplacian, rel as _rel
from torchsiren.derivatives import divergence, gradient, hessian, jacobian, laplacian


def test_gradient_of_one_channel_has_the_reference_shape():
    """The authors' gradient(y, x) returns (..., in) for y (..., 1); a loss against (..., in) targets must not
    broadcast to (N, N, in)."""
    torch.manual_seed(1)
    net = Siren(2, 1, hidden_features=16, hidden_layers=1).double()
    x = (torch.rand(1, 40, 2, dtype=torch.float64) * 2 - 1).requires_grad_(True)  # a DataLoader's (B, N, 2)
    y = net(x)
    reference = torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)[0]  # the authors' formula
    g = gradient(y, x)
    assert g.shape == (1, 40, 2) == (g - reference).shape
    torch.testing.assert_close(g, reference)
    assert jacobian(y, x).shape == (1, 40, 1, 2)


def test_gradient_is_a_per_channel_jacobian_not_the_gradient_of_the_sum():
    torch.manual_seed(1)
    net = Siren(2, 3, hidden_features=32, hidden_layers=2).double()
    x = (torch.rand(50, 2, dtype=torch.float64) * 2 - 1).requires_grad_(True)
    jac = jacobian(net(x), x)
    assert jac.shape == (50, 3, 2)
    with torch.no_grad():
        fd = _fd_jacobian(net, x.detach())
    assert _rel(jac, fd) < 1e-6
    summed = torch.autograd.grad(net(x).sum(), x)[0]
    torch.testing.assert_close(jac.sum(1), summed)
    assert not torch.allclose(jac[:, 0], summed)


def test_laplacian_hessian_divergence_against_finite_differences():
    torch.manual_seed(2)
    net = Siren(3, 2, hidden_features=32, hidden_layers=2).double()
    x = (torch.rand(40, 3, dtype=torch.float64) * 2 - 1).requires_grad_(True)
    y = net(x)
    lap = laplacian(y, x)
    hes = hessian(y, x)
    with torch.no_grad():
        fd = _fd_laplacian(net, x.detach())
    assert lap.shape == (40, 2) and hes.shape == (40, 2, 3, 3)
    assert _rel(lap, fd) < 1e-6
    torch.testing.assert_close(hes.diagonal(dim1=-2, dim2=-1).sum(-1), lap)
    torch.testing.assert_close(hes, hes.transpose(-1, -2))
    jac = jacobian(y, x)
    torch.testing.assert_close(divergence(jac[:, 1], x), lap[:, 1])
