"""Siren(implementation="fused") against implementation="torch" from the same weights: values, weight gradients,
forward-mode Jacobian / Laplacian / Hessian diagonal, and what user code does (torch.func, compile, errors)."""
import copy

import pytest
import torch

from torchsiren import Siren, TorchSirenError, forward_derivatives
from torchsiren.kernels import dispatch
from .helpers import DEVICE, close, needs_triton

pytestmark = needs_triton
TOL = 1e-4 if DEVICE == "cpu" else 5e-3


def pair(width, layers, in_features=2, out_features=1):
    torch.set_float32_matmul_precision("highest")
    fused = Siren(in_features, out_features, width, layers, implementation="fused").to(DEVICE)
    plain = copy.deepcopy(fused)
    plain.implementation = "torch"
    return fused, plain


@pytest.mark.parametrize("width,layers,n", [(64, 1, 1), (96, 2, 77), (48, 3, 130)])
def test_values_and_weight_gradients_agree(width, layers, n):
    fused, plain = pair(width, layers, 3, 2)
    x = torch.rand(n, 3, device=DEVICE) * 2 - 1
    outs = [m(x) for m in (fused, plain)]
    close(outs[0], outs[1], TOL)
    g = torch.randn_like(outs[0])
    grads = [torch.autograd.grad(o, list(m.parameters()), g) for o, m in zip(outs, (fused, plain))]
    for a, e in zip(*grads):
        close(a, e, TOL * max(1.0, e.abs().max().item()))


@pytest.mark.parametrize("second", [None, "laplacian", "diagonal"])
def test_forward_mode_derivatives_and_their_weight_gradients_agree(second):
    fused, plain = pair(64, 2)
    x = torch.rand(50, 2, device=DEVICE) * 2 - 1
    results = [forward_derivatives(m, x, second=second) for m in (fused, plain)]
    for a, e in zip(*results):
        if e is not None:
            close(a, e, TOL * max(1.0, e.abs().max().item()))
    loss = [sum((t ** 2).mean() for t in r if t is not None) for r in results]
    grads = [torch.autograd.grad(l, list(m.parameters())) for l, m in zip(loss, (fused, plain))]
    for a, e in zip(*grads):
        close(a, e, TOL * max(1.0, e.abs().max().item()))


def test_autograd_double_backward_through_the_fused_model():
    """Gradient-supervised training written the reference's way: grad(..., create_graph=True), then backward."""
    fused, plain = pair(32, 2)
    x = torch.rand(40, 2, device=DEVICE, requires_grad=True)
    grads = []
    for m in (fused, plain):
        dx, = torch.autograd.grad(m(x).sum(), x, create_graph=True)
        grads.append(torch.autograd.grad((dx ** 2).mean(), list(m.parameters()), materialize_grads=True))
    for a, e in zip(*grads):
        close(a, e, TOL * max(1.0, e.abs().max().item()))


def test_torch_func_and_compile_fall_back_by_themselves():
    fused, plain = pair(32, 1)
    x = torch.rand(6, 2, device=DEVICE)
    jac = torch.func.vmap(torch.func.jacrev(fused))(x)
    close(jac, torch.func.vmap(torch.func.jacrev(plain))(x), TOL)
    params = {k: v.detach() for k, v in fused.named_parameters()}
    close(torch.func.functional_call(fused, params, (x,)), plain(x), TOL)
    compiled = torch.compile(fused, backend="eager")
    close(compiled(x), plain(x), TOL)


def test_unsupported_dtype_or_device_is_a_clear_error(monkeypatch):
    model = Siren(2, 1, 16, 1, implementation="fused").to(DEVICE).double()
    with pytest.raises(TorchSirenError, match="float32"):
        model(torch.rand(3, 2, device=DEVICE, dtype=torch.float64))
    model.implementation = "auto"  # auto falls back instead
    assert model(torch.rand(3, 2, device=DEVICE, dtype=torch.float64)).dtype == torch.float64
    if DEVICE == "cpu":
        monkeypatch.setattr(dispatch, "interpreting", lambda: False)
        with pytest.raises(TorchSirenError, match="CUDA"):
            Siren(2, 1, 16, 1, implementation="fused")(torch.rand(3, 2))
    with pytest.raises(TorchSirenError, match="implementation"):
        Siren(2, 1, implementation="triton")


def test_auto_uses_plain_torch_on_cpu(monkeypatch):
    import torchsiren.kernels.linear as linear_module
    import torchsiren.kernels.stack as stack_module
    fail = lambda *a: (_ for _ in ()).throw(AssertionError("fused"))  # noqa: E731
    monkeypatch.setattr(linear_module, "sine_linear", fail)
    monkeypatch.setattr(stack_module, "sine_stack", fail)
    x = torch.rand(4, 2)
    assert Siren(2, 1, 16, 1)(x).shape == (4, 1)  # would raise if auto picked the kernel for a CPU tensor


def test_operand_precision_follows_torch_switches_old_and_new():
    """The trainer's TF32 block and a user's legacy flag both reach the kernels, and restoring never mixes the two
    APIs (torch 2.11 raises when the global switch is read after such a mix)."""
    cuda = torch.device("cuda")
    before = torch.backends.cuda.matmul.allow_tf32
    try:
        with dispatch.float32_matmuls("tf32"):
            assert dispatch.matmul_precision(cuda) == "tf32"
            with dispatch.float32_matmuls("fp32"):
                assert dispatch.matmul_precision(cuda) == "ieee"
            assert dispatch.matmul_precision(cuda) == "tf32"
        assert dispatch.matmul_precision(cuda) == "ieee"
        torch.backends.cuda.matmul.allow_tf32 = True
        assert dispatch.matmul_precision(cuda) == "tf32"
    finally:
        torch.backends.cuda.matmul.allow_tf32 = before
