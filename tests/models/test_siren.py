import math

import pytest
import torch

from torchsiren import SineLayer, Siren


def test_init_keeps_preactivations_at_unit_scale_through_depth():
    """The init's promise: in a 2048-wide, 10-layer SIREN the input of every sine after the first is ~N(0, 1),
    whatever the depth (first layer excluded: its ω₀ deliberately spreads the input over several periods)."""
    torch.manual_seed(0)
    net = Siren(1, 1, hidden_features=2048, hidden_layers=9)
    x = torch.rand(4096, 1) * 2 - 1
    stds, act_stds = [], []
    with torch.no_grad():
        h = x
        for layer in net.net:
            if isinstance(layer, SineLayer):
                z = layer.pre_activation(h)
                stds.append(z.std().item())
                h = torch.sin(z)
                act_stds.append(h.std().item())
    hidden = stds[1:]
    assert len(hidden) == 9
    for s in hidden:
        assert abs(s - 1.0) < 0.1, stds
    # the activations' spread does not drift with depth either
    assert max(act_stds[1:]) / min(act_stds[1:]) < 1.05, act_stds


def test_init_bounds_match_reference():
    torch.manual_seed(0)
    net = Siren(2, 3, hidden_features=64, hidden_layers=2, first_omega_0=30, hidden_omega_0=20)
    first, hidden, last = net.net[0].linear.weight, net.net[1].linear.weight, net.net[-1].weight
    assert first.abs().max() <= 1 / 2 and first.abs().max() > 0.45
    bound = math.sqrt(6 / 64) / 20
    assert hidden.abs().max() <= bound and hidden.abs().max() > 0.9 * bound
    assert last.abs().max() <= bound
    # biases: PyTorch default U(±1/sqrt(fan_in))
    assert net.net[1].linear.bias.abs().max() <= 1 / math.sqrt(64)


def test_sine_layer_computes_sin_of_omega_times_affine():
    layer = SineLayer(3, 5, omega_0=7.0)
    x = torch.randn(4, 3)
    expected = torch.sin(7.0 * (x @ layer.linear.weight.T + layer.linear.bias))
    torch.testing.assert_close(layer(x), expected)


def test_leading_dimensions_state_dict_and_to():
    net = Siren(2, 3, hidden_features=16, hidden_layers=1)
    x = torch.rand(5, 7, 2)
    assert net(x).shape == (5, 7, 3)
    clone = Siren(2, 3, hidden_features=16, hidden_layers=1)
    clone.load_state_dict(net.state_dict())
    torch.testing.assert_close(clone(x), net(x))
    assert net.to(torch.float64)(x.double()).dtype == torch.float64


def test_torch_func_vmap_jacrev_functional_call_and_double_backward():
    net = Siren(2, 1, hidden_features=16, hidden_layers=1).double()
    x = torch.rand(6, 2, dtype=torch.float64)
    jac = torch.func.vmap(torch.func.jacrev(net))(x)  # (6, 1, 2)
    xr = x.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(net(xr).sum(), xr, create_graph=True)
    torch.testing.assert_close(jac[:, 0], g)
    params = {k: v * 1.0 for k, v in net.named_parameters()}
    torch.testing.assert_close(torch.func.functional_call(net, params, (x,)), net(x))
    g.square().sum().backward()  # double backward reaches the weights
    weights = [p for n, p in net.named_parameters() if n.endswith("weight")]
    assert all(p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0 for p in weights)


def test_torch_compile_matches_eager():
    net = Siren(2, 1, hidden_features=16, hidden_layers=1)
    x = torch.rand(32, 2)
    compiled = torch.compile(net)  # the default (inductor) backend, as a user would call it
    torch.testing.assert_close(compiled(x), net(x), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_nonpositive_omega_is_refused(bad):
    from torchsiren import TorchSirenError
    with pytest.raises(TorchSirenError, match="omega"):
        Siren(2, 1, first_omega_0=bad)
