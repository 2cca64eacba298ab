"""Φ, ∇Φ and the hand-written backward on fp16 operands (kernels/gradient_fp16.py, --precision fp16) against
float64 autograd, within fp16's rounding: losses on Φ, on ∇Φ and on both, at gradient sizes far below and above
fp16's range; odd sizes, no biases, one sine layer, batch 1; and the intermediates really are fp16."""
import pytest
import torch

from torchsiren.kernels import gradient_fp16
from torchsiren.kernels.dispatch import operand_precision
from torchsiren.kernels.gradient import _plain, value_and_gradient
from .helpers import DEVICE, assert_gradients_close, float64_layers, needs_triton, relative_error, stack, \
    supervised_loss

pytestmark = needs_triton


@pytest.mark.parametrize("widths,bias,m,size", [([2, 64, 64, 64, 1], True, 300, 1e-7), ([3, 40, 33, 1], False, 97, 1.0),
                                                 ([2, 17, 1], True, 50, 1e3), ([2, 48, 40, 1], True, 1, 1e-3)])
@pytest.mark.parametrize("supervised", ["value", "gradient", "both"])
def test_fp16_value_gradient_and_weight_gradients_matchfloat64_layers(widths, bias, m, size, supervised):
    layers = stack(widths, last_linear=True, bias=bias)
    x = torch.rand(m, widths[0], device=DEVICE) * 2 - 1
    y_bar, g_bar = torch.randn(m, 1, device=DEVICE) * size, torch.randn(m, widths[0], device=DEVICE) * size
    with operand_precision("fp16"):
        value, grad = value_and_gradient(x, layers, fused=True)
    wanted = float64_layers(layers)
    params = [t for w, b, _ in layers for t in (w, b) if t is not None]
    params64 = [t for w, b, _ in wanted for t in (w, b) if t is not None]
    value64, grad64 = _plain(x.double(), [t for w, b, _ in wanted for t in (w, b)], tuple(o for *_, o in wanted[:-1]))
    assert relative_error(value, value64) < 2e-3 and relative_error(grad, grad64) < 5e-3

    got = torch.autograd.grad(supervised_loss(supervised, value, grad, (y_bar, g_bar)), params,
                              materialize_grads=True)
    want = torch.autograd.grad(supervised_loss(supervised, value64, grad64, (y_bar.double(), g_bar.double())),
                               params64, materialize_grads=True)
    assert_gradients_close(got, want, 1.5e-2, skip_zero=True)  # (b_out's under a loss on ∇Φ alone is zero)


def test_fp16_intermediates_are_fp16():
    layers = stack([2, 32, 32, 32, 1])
    x = torch.rand(40, 2, device=DEVICE) * 2 - 1
    params = tuple(t for w, b, _ in layers for t in (w, b))
    value, grad, hs, cs, gs, deltas = gradient_fp16.forward(x, tuple(o for *_, o in layers[:-1]), params)
    assert value.dtype == grad.dtype == torch.float32
    assert {t.dtype for t in hs[1:] + cs + gs + deltas} == {torch.float16}


@pytest.mark.parametrize("needs", [("value", "jacobian"), ("value", "jacobian", "laplacian")])
def test_a_first_layer_past_the_fp16_limit_takes_the_float32_kernels(needs):
    """ω₀ 3000 in the first layer (audio's): Φ, ∇Φ and ΔΦ under --precision fp16 are float64's to the precision
    of float32 kernels with TF32 matmuls (sines of arguments up to 3000), the fp16 derivative kernels (whose
    tangents would pass fp16's range) being skipped."""
    from torchsiren import Siren
    from torchsiren.derivatives import evaluate
    torch.manual_seed(0)
    model = Siren(1, 1, 32, 2, first_omega_0=3000.0, implementation="fused").to(DEVICE)
    x = torch.rand(200, 1, device=DEVICE) * 2 - 1
    with operand_precision("fp16"):
        got = evaluate(model, x, needs)
    want = evaluate(model.double(), x.double(), needs, method="autograd")
    for name in needs:
        assert relative_error(getattr(got, name), getattr(want, name)) < 5e-3, name
