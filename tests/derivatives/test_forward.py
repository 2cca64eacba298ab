import pytest
import torch

from torchsiren import ModelSpec, Siren, build_model
from torchsiren.derivatives import evaluate, forward_derivatives, hessian, jacobian, laplacian, supports_forward_mode

from .helpers import fd_jacobian as _fd_jacobian, fd_laplacian as _fd_laplacian, rel as _rel

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
    assert _rel(jac, jacobian(y, x).detach()) < 1e-10
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
    j = jacobian(y, xr)
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


class _Doubled(Siren):
    def forward(self, coords):
        return 2 * super().forward(coords)


class _Wrapped(torch.nn.Module):
    """A user's wrapper: a torchsiren net under `.net`, plus its own output transform."""

    def __init__(self):
        super().__init__()
        self.net = Siren(2, 1, 16, 1).net

    def forward(self, x):
        return torch.sigmoid(self.net(x))


def _shortcut_cases():
    torch.manual_seed(0)
    hooked = Siren(2, 1, 16, 1)
    hooked.net[-1].register_forward_hook(lambda module, inputs, output: output * 3)
    return {"subclass": _Doubled(2, 1, 16, 1), "wrapper": _Wrapped(),
            "sequential": torch.nn.Sequential(Siren(2, 1, 16, 1), torch.nn.Tanh()),
            "final_activation": Siren(2, 1, 16, 1, final_activation=torch.nn.Sigmoid()), "hook": hooked}


@pytest.mark.parametrize("name", list(_shortcut_cases()))
def test_every_need_equals_autograd_for_modules_forward_mode_does_not_know(name):
    """Forward mode through `.net` would compute another function; these must get exactly what autograd gets."""
    model = _shortcut_cases()[name].double()
    assert not supports_forward_mode(model)
    x = torch.rand(30, 2, dtype=torch.float64) * 2 - 1
    needs = ("jacobian", "laplacian", "hessian_diagonal")
    got = evaluate(model, x, needs)
    xr = x.clone().requires_grad_()
    y = model(xr)
    torch.testing.assert_close(got.value, y)
    torch.testing.assert_close(got.jacobian, jacobian(y, xr))
    torch.testing.assert_close(got.laplacian, laplacian(y, xr))
    with pytest.raises(ValueError, match="forward mode"):
        forward_derivatives(model, x)


def test_leading_batch_dimensions_are_kept():
    """(B, N, d) coords, as a DataLoader(batch_size=1) or the reference notebook gives them."""
    torch.manual_seed(0)
    model = Siren(2, 1, 16, 1).double()
    x = torch.rand(2, 25, 2, dtype=torch.float64) * 2 - 1
    flat = evaluate(model, x.reshape(50, 2), ("jacobian", "laplacian"))
    for method in ("auto", "autograd"):
        got = evaluate(model, x, ("jacobian", "laplacian"), method=method)
        assert got.value.shape == (2, 25, 1) and got.jacobian.shape == (2, 25, 1, 2) and got.laplacian.shape == (2, 25, 1)
        torch.testing.assert_close(got.laplacian.reshape(50, 1), flat.laplacian)
    value, jac, lap = forward_derivatives(model, x)
    assert jac.shape == (2, 25, 1, 2)
    torch.testing.assert_close(lap.reshape(50, 1), flat.laplacian)
