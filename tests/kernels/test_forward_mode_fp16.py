"""Φ, ∇Φ and ΔΦ or the Hessian diagonal by forward mode on fp16 operands (kernels/forward_mode_fp16.py, evaluate's
path under fp16) against
float64 autograd through the same forward mode, within fp16's rounding: the output state and every parameter's
gradient under losses on the Laplacian, the Jacobian and the value; 2D and 3D, no biases, batch 1, gradients far
below fp16's range; a derivative of the backward; and evaluate's routing when it is switched on."""
import pytest
import torch

from torchsiren import Siren, evaluate
from torchsiren.kernels import forward_mode_fp16
from torchsiren.kernels.dispatch import operand_precision
from .helpers import DEVICE, assert_gradients_close, float64_layers, needs_triton, relative_error, stack

pytestmark = needs_triton


@pytest.mark.parametrize("widths,bias,m,size,second", [
    ([2, 64, 64, 64, 1], True, 200, 1e-7, "laplacian"), ([3, 40, 33, 1], False, 37, 1.0, "laplacian"),
    ([2, 48, 48, 2], True, 1, 1e3, "laplacian"), ([2, 40, 1], True, 50, 1.0, "laplacian"),  # one sine layer
    ([2, 48, 48, 2], True, 70, 1.0, "diagonal"), ([3, 40, 33, 1], False, 37, 1e-7, "diagonal")])
def test_fp16_state_and_weight_gradients_matchfloat64_layers(widths, bias, m, size, second):
    layers = stack(widths, last_linear=True, bias=bias)
    d = widths[0]
    p = 2 + d if second == "laplacian" else 1 + 2 * d
    x = torch.rand(m, d, device=DEVICE) * 2 - 1
    out = forward_mode_fp16.value_jacobian_second(x, layers, second)
    wanted = float64_layers(layers)
    params = [t for w, b, _ in layers for t in (w, b) if t is not None]
    params64 = [t for w, b, _ in wanted for t in (w, b) if t is not None]
    out64 = forward_mode_fp16._plain(x.double(), [t for w, b, _ in wanted for t in (w, b)],
                                  tuple(o for *_, o in wanted[:-1]), second)
    assert out.shape == out64.shape == (m, p, widths[-1]) and out.dtype == torch.float32
    for row in range(p):  # value, Jacobian rows, the Laplacian or the Hessian diagonal
        assert relative_error(out[:, row], out64[:, row]) < 5e-3, row
    bars = torch.randn(out.shape, device=DEVICE) * size
    bars[:, 0] *= 1e-2  # a second-derivative loss's gradient dominates, as in training
    got = torch.autograd.grad(out, params, bars)
    want = torch.autograd.grad(out64, params64, bars.double())
    assert_gradients_close(got, want, 1.5e-2)


def test_a_derivative_of_the_backward_recomputes_in_float32():
    layers = stack([2, 32, 32, 1])
    x = torch.rand(30, 2, device=DEVICE) * 2 - 1
    params = [t for w, b, _ in layers for t in (w, b)]
    omegas = tuple(o for *_, o in layers[:-1])
    results = []
    for fn in (lambda: forward_mode_fp16.value_jacobian_second(x, layers),
               lambda: forward_mode_fp16._plain(x, params, omegas)):
        out = fn()
        first = torch.autograd.grad((out[:, -1] ** 2).mean(), params, create_graph=True)
        results.append(torch.autograd.grad(sum((g ** 2).sum() for g in first), params))
    for a, e in zip(*results):  # (b_out's is zero: its first gradient does not depend on the weights)
        assert (a - e).norm() <= 1e-3 * e.norm() + 1e-6


def test_evaluate_routes_a_fused_siren_through_it_under_fp16(monkeypatch):
    calls = []
    real = forward_mode_fp16.value_jacobian_second
    monkeypatch.setattr(forward_mode_fp16, "value_jacobian_second", lambda *a: calls.append(a[2]) or real(*a))
    torch.manual_seed(0)
    model = Siren(2, 1, 32, 2, implementation="fused").to(DEVICE)
    x = torch.rand(64, 2, device=DEVICE) * 2 - 1
    evaluate(model, x, ("laplacian",))
    assert not calls  # float32 operands: the jet path as before
    for needs, second in ((("laplacian",), "laplacian"), (("jacobian", "hessian_diagonal", "laplacian"), "diagonal")):
        with operand_precision("fp16"):
            fast = evaluate(model, x, needs)
        assert calls.pop() == second and fast.laplacian.grad_fn is not None
        slow = evaluate(model, x, needs, method="autograd")
        for name in ("laplacian", "jacobian") + (("hessian_diagonal",) if second == "diagonal" else ()):
            assert getattr(fast, name).shape == getattr(slow, name).shape, name
            assert relative_error(getattr(fast, name), getattr(slow, name)) < 5e-3, name
        with torch.no_grad(), operand_precision("fp16"):
            assert evaluate(model, x, needs).laplacian.grad_fn is None


def test_poisson_from_the_laplacian_trains_on_it_as_in_float32(small_image):
    """The trainer at --precision fp16 (through this path) follows the float32 run, step after step."""
    from torchsiren.problems.poisson import PoissonReconstruction
    from ..training.test_trainer import losses_by_precision
    losses = losses_by_precision(lambda device: PoissonReconstruction(small_image[::2, ::2], "laplacian",
                                                                      device=device), steps=6)
    assert losses[0][-1] < 0.9 * losses[0][0], losses  # it learned
    for a, b in zip(*losses):
        assert abs(a - b) < 1e-2 * a, losses


def test_helmholtz_trains_on_the_hessian_diagonal_as_in_float32():
    """Helmholtz (two outputs; its PML needs the Hessian diagonal) at --precision fp16 follows the float32 run."""
    from torchsiren.problems.helmholtz import Helmholtz
    from ..training.test_trainer import losses_by_precision
    losses = losses_by_precision(lambda device: Helmholtz(points=256, source_points=16, eval_size=16,
                                                          device=device), steps=6, out_features=2)
    assert losses[0][-1] < 0.95 * losses[0][0], losses  # it learned
    for a, b in zip(*losses):
        assert abs(a - b) < 1e-2 * a, losses
