"""The sine stack on fp16 operands (--precision fp16) against float64 PyTorch: the value, the input's and every
parameter's gradient, within fp16's rounding (TF32's too: both keep 10 mantissa bits). Gradients far below fp16's
range, odd sizes, a sine last layer, no biases; evaluation; and the activations are really stored in fp16."""
import pytest
import torch

from torchsiren import Siren
from torchsiren.kernels import stack_fp16 as half
from torchsiren.kernels.dispatch import half_operands, operand_precision
from torchsiren.kernels.stack import _plain, sine_stack
from .helpers import DEVICE, assert_gradients_close, float64_layers, needs_triton, relative_error, stack

pytestmark = needs_triton


@pytest.mark.parametrize("widths,last_linear,bias,m,grad_size", [([2, 64, 64, 64, 1], True, True, 300, 1e-9),
                                                                  ([2, 48, 40, 3], True, True, 1, 1e3),
                                                                  ([3, 32, 33, 2], False, True, 97, 1.0),
                                                                  ([2, 32, 32, 3], True, False, 65, 1e-5)])
def test_fp16_stack_matchesfloat64_layers(widths, last_linear, bias, m, grad_size):
    """grad_size: the size of ∂L/∂output; 1e-9 would underflow fp16 (smallest subnormal 6e-8) without scaling."""
    layers = stack(widths, last_linear, bias)
    x = (torch.rand(m, widths[0], device=DEVICE) * 2 - 1).requires_grad_()
    params = [t for w, b, _ in layers for t in (w, b) if t is not None]
    omegas = [o for _, _, o in layers]
    with operand_precision("fp16"):
        y = sine_stack(x, layers)
        g = torch.randn_like(y) * grad_size
        got = torch.autograd.grad(y, [x, *params], g)
    assert y.dtype == torch.float32
    doubles = [t.detach().double().requires_grad_() for t in [x, *params]]
    it = iter(doubles[1:])
    plain_params = [next(it) if t is not None else None for w, b, _ in layers for t in (w, b)]
    want_y = _plain(doubles[0], plain_params, omegas)
    want = torch.autograd.grad(want_y, doubles, g.double())
    assert relative_error(y, want_y) < 2e-3
    assert_gradients_close(got, want, 1e-2)


def test_fp16_stack_stores_fp16_and_evaluates_as_it_trains():
    """The saved activations are fp16 (half the bytes); evaluation under no_grad gives the training forward's value."""
    layers = stack([2, 48, 48, 1])
    x = torch.rand(123, 2, device=DEVICE) * 2 - 1
    inputs, ds = half.forward(x, tuple(o for _, _, o in layers), tuple(t for w, b, _ in layers for t in (w, b)),
                              store_d=True)
    assert [t.dtype for t in inputs] == [torch.float32, torch.float16, torch.float16, torch.float32]
    assert [None if d is None else d.dtype for d in ds] == [torch.float16, torch.float16, None]
    with half_operands():
        trained = sine_stack(x, layers)
        with torch.no_grad():
            evaluated = sine_stack(x, layers)
    torch.testing.assert_close(trained.detach(), evaluated)


@pytest.mark.parametrize("k,with_d", [(1, False), (3, True), (70, False)])
def test_scaled_gradient_is_a_power_of_two_times_the_gradient(k, with_d):
    """The top layer's scaled ∂L/∂z: max |∂L/∂Φ| · scale in (2^(MAX_EXPONENT - 1), 2^MAX_EXPONENT], scale an exact
    power of two, the product (with y' of a sine top layer) in fp16, the bias gradient summed unscaled."""
    for size in (1e-12, 3e-5, 1.0, 7e4, 1e30, 0.0):
        g = torch.randn(333, k, device=DEVICE) * size
        d = (torch.rand(333, k, device=DEVICE) * 60 - 30).half() if with_d else None
        buf, sums = torch.zeros(3, device=DEVICE), torch.zeros(k, device=DEVICE)
        (out,) = half.scaled_gradients([g], [d], buf, [sums])
        scale, inverse = buf[1].item(), buf[2].item()
        assert out.dtype == torch.float16 and scale * inverse == 1.0
        assert torch.log2(buf[1]).item() == round(torch.log2(buf[1]).item())  # exact: a power of two
        if size:
            assert 2.0 ** (half.MAX_EXPONENT - 1) < (g * scale).abs().max().item() <= 2.0 ** half.MAX_EXPONENT
        want = g * d.float() if with_d else g
        torch.testing.assert_close(out, (want * scale).half(), rtol=0, atol=0)
        torch.testing.assert_close(sums, want.sum(0), rtol=1e-5, atol=1e-30 + 1e-5 * want.abs().sum(0).max().item())


def test_a_siren_fit_step_on_fp16_operands_follows_float32():
    """One Adam-free step of a Siren: the fp16-operand loss and gradients against float32's, parameter by
    parameter."""
    torch.manual_seed(0)
    model = Siren(2, 1, 64, 2, implementation="fused").to(DEVICE)
    x, target = torch.rand(500, 2, device=DEVICE) * 2 - 1, torch.rand(500, 1, device=DEVICE)
    results = []
    for precision in ("fp32", "fp16"):
        with operand_precision(precision):
            loss = ((model(x) - target) ** 2).mean()
            results.append((loss.detach(), torch.autograd.grad(loss, list(model.parameters()))))
    assert abs(results[0][0] - results[1][0]) < 1e-3 * results[0][0]
    for a, e in zip(results[1][1], results[0][1]):
        assert relative_error(a, e) < 1e-2


def test_fp16_stack_serves_a_first_layer_of_omega_3000():
    """Audio's first layer (ω₀ 3000): its y' reaches 3000, which times the scaled ∂L/∂y would pass fp16's largest
    value (65504) once the hidden weights have grown in training; every gradient stays finite and float64's."""
    torch.manual_seed(3)
    layers = stack([1, 64, 64, 1])
    (w0, b0, _), (w1, b1, o1), last = layers
    w0 = (torch.rand_like(w0) * 2 - 1).requires_grad_()  # the SIREN init of a first layer, ω₀ 3000
    w1 = (w1.detach() * 30).requires_grad_()  # hidden weights ω₀ times their init: ∂L/∂y of the first layer grows
    layers = [(w0, b0, 3000.0), (w1, b1, o1), last]
    x = torch.linspace(-1, 1, 400, device=DEVICE).unsqueeze(-1)
    params = [t for w, b, _ in layers for t in (w, b)]
    with operand_precision("fp16"):
        y = sine_stack(x, layers)
        g = torch.randn_like(y) * 1e-4
        got = torch.autograd.grad(y, params, g)
    double = float64_layers(layers)
    want_y = _plain(x.double(), [t for w, b, _ in double for t in (w, b)], [o for *_, o in double])
    want = torch.autograd.grad(want_y, [t for w, b, _ in double for t in (w, b)], g.double())
    assert relative_error(y, want_y) < 5e-3  # hidden arguments 30× their init's: fp16's rounding grows with them
    assert_gradients_close(got, want, 1e-2)
