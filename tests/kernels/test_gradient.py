"""Φ and ∇Φ with the hand-written double backward (kernels/gradient.py), both forms (Triton and PyTorch ops),
against float64 autograd: the values, every parameter's gradient under losses on Φ, on ∇Φ and on both; odd
sizes, no biases, batch 1, non-contiguous coordinates; a derivative of the backward itself; and evaluate()
routing a fused Siren to it."""
import pytest
import torch

from torchsiren import Siren, evaluate
from torchsiren.kernels.gradient import _plain, value_and_gradient
from .helpers import DEVICE, close, float64_layers, needs_triton, poison, stack, supervised_loss

pytestmark = needs_triton
TOL = 1e-4 if DEVICE == "cpu" else 5e-3


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("widths,bias,m,strided", [([2, 64, 64, 64, 1], True, 300, False),
                                                   ([3, 40, 33, 1], False, 97, True), ([2, 17, 1], True, 1, False)])
@pytest.mark.parametrize("supervised", ["value", "gradient", "both"])
def test_value_gradient_and_weight_gradients_matchfloat64_layers(fused, widths, bias, m, strided, supervised):
    torch.set_float32_matmul_precision("highest")
    layers = stack(widths, last_linear=True, bias=bias)
    x = torch.rand(m, 2 * widths[0] if strided else widths[0], device=DEVICE) * 2 - 1
    x = x[:, ::2] if strided else x  # a non-contiguous view
    y_bar, g_bar = torch.randn(m, 1, device=DEVICE), torch.randn(m, widths[0], device=DEVICE)
    poison((m, widths[1]))
    value, grad = value_and_gradient(x, layers, fused=fused)
    wanted = float64_layers(layers)
    params = [t for w, b, _ in layers for t in (w, b) if t is not None]
    params64 = [t for w, b, _ in wanted for t in (w, b) if t is not None]
    value64, grad64 = _plain(x.double(), [t for w, b, _ in wanted for t in (w, b)], tuple(o for *_, o in wanted[:-1]))
    close(value, value64, TOL)
    close(grad, grad64, TOL * max(1.0, grad64.abs().max().item()))

    got = torch.autograd.grad(supervised_loss(supervised, value, grad, (y_bar, g_bar)), params,
                              materialize_grads=True)
    want = torch.autograd.grad(supervised_loss(supervised, value64, grad64, (y_bar.double(), g_bar.double())),
                               params64, materialize_grads=True)
    for a, e in zip(got, want):
        close(a, e, TOL * max(1.0, e.abs().max().item()))


def test_a_derivative_of_the_backward_matches_plain_autograd():
    """create_graph=True through the hand-written backward recomputes differentiably: a gradient penalty works."""
    torch.set_float32_matmul_precision("highest")
    layers = stack([2, 32, 32, 1])
    x = torch.rand(40, 2, device=DEVICE)
    params = [t for w, b, _ in layers for t in (w, b)]
    omegas = tuple(o for *_, o in layers[:-1])
    results = []
    for fn in (lambda: value_and_gradient(x, layers, fused=True), lambda: _plain(x, params, omegas)):
        value, grad = fn()
        first = torch.autograd.grad((grad ** 2).sum() + value.sum(), params, create_graph=True)
        results.append(torch.autograd.grad(sum((g ** 2).sum() for g in first), params, materialize_grads=True))
    for a, e in zip(*results):
        close(a, e, 1e-3 * max(1.0, e.abs().max().item()))


@pytest.mark.parametrize("in_features", [2, 3])
def test_evaluate_routes_a_fused_siren_through_it_and_matches_autograd(in_features):
    torch.set_float32_matmul_precision("highest")
    torch.manual_seed(0)
    model = Siren(in_features, 1, 32, 2, implementation="fused").to(DEVICE)
    x = torch.rand(64, in_features, device=DEVICE) * 2 - 1
    fast = evaluate(model, x, ("jacobian",))
    assert fast.value.grad_fn is not None and "ValueAndGradient" in type(fast.value.grad_fn).__name__
    slow = evaluate(model, x, ("jacobian",), method="autograd")
    close(fast.jacobian, slow.jacobian, TOL * max(1.0, slow.jacobian.abs().max().item()))
    grads = [torch.autograd.grad((f.jacobian ** 2).sum() + f.value.sum(), list(model.parameters()))
             for f in (fast, slow)]
    for a, e in zip(*grads):
        close(a, e, TOL * max(1.0, e.abs().max().item()))
    with torch.no_grad():
        detached = evaluate(model, x, ("jacobian",))
    assert detached.jacobian.grad_fn is None
    close(detached.jacobian, fast.jacobian, 1e-6)


def test_evaluate_keeps_autograd_where_the_fast_path_does_not_apply():
    """Two outputs, coords that need their own gradient, or a Laplacian: autograd/forward mode as before."""
    model = Siren(2, 2, 16, 1, implementation="fused").to(DEVICE)
    x = torch.rand(8, 2, device=DEVICE)
    for m, coords, needs in ((model, x, ("jacobian",)), (Siren(2, 1, 16, 1, implementation="fused").to(DEVICE),
                                                         x.clone().requires_grad_(), ("jacobian",))):
        f = evaluate(m, coords, needs)
        assert "ValueAndGradient" not in type(f.value.grad_fn).__name__
