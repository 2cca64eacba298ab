"""The fused sine layer against float64 PyTorch: forward, both gradients, double backward; odd sizes, strides."""
import pytest
import torch

from torchsiren.kernels import sine_linear
from .helpers import DEVICE, close, needs_triton, poison

pytestmark = needs_triton
TOL = 1e-4 if DEVICE == "cpu" else 2e-3  # the GPU multiplies in TF32 unless told otherwise


def reference(x, w, b, omega):
    return torch.sin(omega * torch.nn.functional.linear(x.double(), w.double(), b.double()))


@pytest.mark.parametrize("m,k,n", [(1, 2, 16), (37, 3, 96), (130, 64, 48), (67, 40, 33)])
def test_forward_and_gradients_match_float64(m, k, n):
    torch.set_float32_matmul_precision("highest")
    omega = 30.0 if k < 16 else 1.0
    x = (torch.rand(m, k, device=DEVICE) * 2 - 1).requires_grad_()
    w = (torch.randn(n, k, device=DEVICE) / k ** 0.5).requires_grad_()
    b = torch.randn(n, device=DEVICE).requires_grad_()
    poison((m, n))
    y = sine_linear(x, w, b, omega)
    assert torch.isfinite(y).all()
    close(y, reference(x, w, b, omega), TOL)
    g = torch.randn(m, n, device=DEVICE)
    got = torch.autograd.grad(y, (x, w, b), g)
    want = torch.autograd.grad(reference(x, w, b, omega), (x, w, b), g.double())
    for a, e in zip(got, want):
        close(a, e, TOL * max(1.0, e.abs().max().item()))


def test_non_contiguous_input_and_no_bias():
    big = torch.randn(50, 64, device=DEVICE)
    x = big[:, ::2]  # stride 2 along features
    w = torch.randn(24, 32, device=DEVICE) / 6
    assert not x.is_contiguous()
    close(sine_linear(x, w, None, 2.0), torch.sin(2.0 * x.double() @ w.double().T), TOL)


def test_double_backward_matches_torch():
    """∂/∂w of a loss on ∂y/∂x (what gradient-supervised training does) through the fused layer."""
    x = torch.rand(20, 2, device=DEVICE, requires_grad=True)
    w = torch.randn(16, 2, device=DEVICE, requires_grad=True)
    b = torch.randn(16, device=DEVICE, requires_grad=True)
    results = []
    for fn in (lambda: sine_linear(x, w, b, 30.0), lambda: torch.sin(30.0 * torch.nn.functional.linear(x, w, b))):
        dydx, = torch.autograd.grad(fn().sum(), x, create_graph=True)
        results.append(torch.autograd.grad((dydx ** 2).sum(), (w, b)))
    for a, e in zip(*results):
        close(a, e, 1e-3 * max(1.0, e.abs().max().item()))


@pytest.mark.parametrize("form", ["fused", "split"])
def test_both_forms_agree(form):
    """The launcher may pick either form per shape; both must compute the same layer and derivative."""
    import torchsiren.kernels.linear as sl
    torch.set_float32_matmul_precision("highest")
    x, w, b = torch.rand(70, 48, device=DEVICE), torch.randn(40, 48, device=DEVICE) / 7, torch.randn(40, device=DEVICE)
    y, d = sl._launch(x, w, b, 3.0, True, form=form)
    z = 3.0 * (x.double() @ w.double().T + b.double())
    close(y, torch.sin(z), TOL)
    close(d, 3.0 * torch.cos(z), TOL)


@pytest.mark.parametrize("omega", [3000.0, 30000.0])
def test_audio_first_layer_keeps_float32_accuracy(omega):
    """A first layer with the ω₀ of audio (3000, and ten times it for long clips): sin of arguments in the
    thousands. The fused layer must be as close to float64 as PyTorch's own float32 layer is."""
    torch.set_float32_matmul_precision("highest")
    x = torch.linspace(-1, 1, 4097, device=DEVICE)[:, None].requires_grad_()
    w = (torch.rand(64, 1, device=DEVICE) * 2 - 1).requires_grad_()
    b = (torch.rand(64, device=DEVICE) * 2 - 1).requires_grad_()
    want = reference(x, w, b, omega)
    got, plain = sine_linear(x, w, b, omega), torch.sin(omega * torch.nn.functional.linear(x, w, b))
    plain_error = (plain.double() - want).abs().max().item()
    assert (got.double() - want).abs().max().item() <= 1.5 * plain_error + 1e-6
    g = torch.randn_like(got)
    got_grads = torch.autograd.grad(got, (x, w, b), g)
    plain_grads = torch.autograd.grad(plain, (x, w, b), g)
    want_grads = torch.autograd.grad(want, (x, w, b), g.double())
    for a, p, e in zip(got_grads, plain_grads, want_grads):
        assert (a.double() - e).abs().max() <= 1.5 * (p.double() - e).abs().max() + 1e-6 * e.abs().max()


def test_form_choices_persist_for_a_new_process(tmp_path, monkeypatch):
    """A layer form timed once is read back by a fresh table on the same cache folder (what a new process does),
    per GPU model; a folder that cannot be written keeps the choice in memory only."""
    from torchsiren.kernels.tiles import Choices
    key = (10, 256, 256, "tf32", True)
    monkeypatch.setenv("TRITON_CACHE_DIR", str(tmp_path))
    Choices("forms").set("GPU A", key, "split")
    assert Choices("forms").get("GPU A", key) == "split"
    assert Choices("forms").get("GPU B", key) is None
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("TRITON_CACHE_DIR", str(blocked))
    table = Choices("forms")
    table.set("GPU A", key, "fused")
    assert table.get("GPU A", key) == "fused"
