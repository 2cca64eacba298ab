import pytest
import torch

from torchsiren import ModelSpec, build_model
from torchsiren.derivatives import evaluate, forward_derivatives, gradient, hessian, laplacian, supports_forward_mode

from .test_autograd import _fd_jacobian, _fd_laplacian, _rel

SMOOTH = ["siren", "tanh", "softplus", "sigmoid", "elu", "selu", "relu-pe", "fourier", "rbf"]


def _model(name, in_features=2, out_features=2):
    torch.manual_seed(3)
    spec = ModelSpec(name=name, in_features=in_features, out_features=out_features, hidden_features=24,
                     hidden_layers=2, samples=32, fourier_scale=1.0, rbf_sigma=2.0)
    return build_model(spec).double()


@pytest.mark.parametrize("name", SMOOTH)
def test_forward_mode_matches_autograd(name):
    model = _model(name)
    x = (torch.rand(64, 2, dtype=torch.float64) * 2 - 1).requires_grad_(True)
    value, jac, lap = forward_derivatives(model, x.detach())
    _, _, diag = forward_derivatives(model, x.detach(), second="diagonal")
    y = model(x)
    torch.testing.assert_close(value, y.detach(), rtol=1e-12, atol=1e-12)
    assert _rel(jac, gradient(y, x).detach()) < 1e-10
    assert _rel(lap, laplacian(y, x).detach()) < 1e-10
    assert _rel(diag, hessian(y, x).diagonal(dim1=-2, dim2=-1).detach()) < 1e-10


@pytest.mark.parametrize("name", ["siren", "tanh", "softplus"])
def test_forward_mode_matches_finite_differences(name):
    model = _model(name, in_features=3, out_features=1)
    x = torch.rand(32, 3, dtype=torch.float64) * 2 - 1
    with torch.no_grad():
        _, jac, lap = forward_derivatives(model, x)
        assert _rel(jac, _fd_jacobian(model, x)) < 1e-6
        # step: small for SIREN's high frequencies, larger for the slow baselines (less rounding error)
        assert _rel(lap, _fd_laplacian(model, x, h=2e-4 if name == "siren" else 4e-3)) < 1e-6


def test_training_through_forward_mode_gives_the_autograd_weight_gradients():
    model = _model("siren")
    x = torch.rand(40, 2, dtype=torch.float64) * 2 - 1
    _, jac, lap = forward_derivatives(model, x)
    (lap.square().mean() + jac.square().mean()).backward()
    fwd = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    xr = x.clone().requires_grad_(True)
    y = model(xr)
    j = gradient(y, xr)
    (laplacian(y, xr, jac=j).square().mean() + j.square().mean()).backward()
    for a, p in zip(fwd, model.parameters()):
        b = torch.zeros_like(a) if p.grad is None else p.grad  # the last bias does not reach the derivatives
        assert (a - b).norm() <= 1e-10 * max(b.norm(), 1e-30) or (a.norm() == 0 and b.norm() == 0)


def test_evaluate_picks_a_method_and_both_agree():
    model = _model("siren")
    x = torch.rand(16, 2, dtype=torch.float64) * 2 - 1
    assert supports_forward_mode(model)
    a = evaluate(model, x, ("jacobian", "laplacian"), method="forward")
    b = evaluate(model, x, ("jacobian", "laplacian"), method="autograd")
    assert _rel(a.laplacian, b.laplacian) < 1e-10 and _rel(a.jacobian, b.jacobian) < 1e-10
    with torch.no_grad():
        c = evaluate(model, x, ("laplacian",))
    assert not c.laplacian.requires_grad
    h = evaluate(model, x, ("hessian", "hessian_diagonal"))
    assert h.hessian.shape == (16, 2, 2, 2)
    d = evaluate(model, x, ("hessian_diagonal", "laplacian"), method="forward")
    assert _rel(d.hessian_diagonal, h.hessian_diagonal) < 1e-10 and _rel(d.laplacian, b.laplacian) < 1e-10
