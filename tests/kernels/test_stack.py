"""The fused layer stack (one autograd Function whose backward chains the layers) against float64 PyTorch: value,
the input's and every parameter's gradient, and the chain kernel's fused bias sums; odd sizes, no biases, a sine
last layer, hooks, and a double backward."""
import pytest
import torch

from torchsiren import Siren
from torchsiren.kernels.stack import _plain, chain, sine_stack
from .helpers import DEVICE, close, needs_triton, poison, stack

pytestmark = needs_triton
TOL = 1e-4 if DEVICE == "cpu" else 5e-3


@pytest.mark.parametrize("m,k,n,bias", [(1, 1, 16, True), (77, 3, 40, True), (130, 64, 33, False), (65, 17, 64, True)])
def test_chain_kernel_matchesfloat64_layers(m, k, n, bias):
    g, w, d = torch.randn(m, k, device=DEVICE), torch.randn(k, n, device=DEVICE), torch.randn(m, n, device=DEVICE)
    gb = torch.zeros(n, device=DEVICE) if bias else None
    poison((m, n))
    out = chain(g, w, d, gb)
    want = (g.double() @ w.double()) * d.double()
    close(out, want, TOL * max(1.0, want.abs().max().item()))
    if bias:
        close(gb, want.sum(0), TOL * max(1.0, want.abs().sum(0).max().item()))


@pytest.mark.parametrize("widths,last_linear,bias,m", [([2, 64, 64, 64, 1], True, True, 300),
                                                      ([3, 48, 40, 2], False, True, 1),
                                                      ([2, 32, 32, 3], True, False, 97)])
def test_stack_value_and_gradients_matchfloat64_layers(widths, last_linear, bias, m):
    torch.set_float32_matmul_precision("highest")
    layers = stack(widths, last_linear, bias)
    x = (torch.rand(m, widths[0], device=DEVICE) * 2 - 1).requires_grad_()
    params = [t for w, b, _ in layers for t in (w, b) if t is not None]
    omegas = [o for _, _, o in layers]
    y = sine_stack(x, layers)
    with torch.no_grad():
        want_y = _plain(x.double(), [None if t is None else t.double() for w, b, _ in layers for t in (w, b)], omegas)
    close(y, want_y, TOL)
    g = torch.randn_like(y)
    got = torch.autograd.grad(y, [x, *params], g)
    doubles = [t.detach().double().requires_grad_() for t in [x, *params]]
    it = iter(doubles[1:])
    plain_params = [next(it) if t is not None else None for w, b, _ in layers for t in (w, b)]
    want = torch.autograd.grad(_plain(doubles[0], plain_params, omegas), doubles, g.double())
    for a, e in zip(got, want):
        close(a, e, TOL * max(1.0, e.abs().max().item()))


def test_siren_takes_the_stack_unless_a_layer_has_a_hook():
    model = Siren(2, 1, 32, 2, implementation="fused").to(DEVICE)
    x = torch.rand(50, 2, device=DEVICE)
    seen = []
    handle = model.net[1].register_forward_hook(lambda mod, inp, out: seen.append(out.shape))
    hooked = model(x)
    handle.remove()
    assert seen == [torch.Size([50, 32])]  # the hook ran: the per-layer path was taken
    close(model(x), hooked, TOL)


def test_double_backward_through_the_stack_matches_plain_torch():
    """Gradient supervision written the reference's way (create_graph=True) recomputes the stack differentiably."""
    torch.set_float32_matmul_precision("highest")
    layers = stack([2, 32, 32, 1])
    x = torch.rand(40, 2, device=DEVICE, requires_grad=True)
    params = [t for w, b, _ in layers for t in (w, b)]
    results = []
    for fn in (lambda: sine_stack(x, layers), lambda: _plain(x, params, [o for _, _, o in layers])):
        dx, = torch.autograd.grad(fn().sum(), x, create_graph=True)
        results.append(torch.autograd.grad((dx ** 2).mean(), params, materialize_grads=True))
    for a, e in zip(*results):
        close(a, e, TOL * max(1.0, e.abs().max().item()))


def test_stack_and_per_layer_paths_give_the_same_step():
    """Siren's fused path (the stack) and its layers one by one (model.net): same loss, same gradients."""
    torch.set_float32_matmul_precision("highest")
    model = Siren(2, 3, 48, 2, implementation="fused").to(DEVICE)
    x, target = torch.rand(333, 2, device=DEVICE) * 2 - 1, torch.randn(333, 3, device=DEVICE)
    results = []
    for forward in (model, model.net):
        loss = ((forward(x) - target) ** 2).mean()
        results.append((loss.detach(), torch.autograd.grad(loss, list(model.parameters()))))
    close(results[0][0], results[1][0], TOL)
    for a, e in zip(results[0][1], results[1][1]):
        close(a, e, TOL * max(1.0, e.abs().max().item()))
