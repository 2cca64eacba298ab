"""GPU-only checks of the fused kernels at real sizes (CI has no GPU; the last GPU run is recorded in
benchmarks/results/2026-12-h100/gpu_tests.txt). TF32 and exact float32, widths 64-1024, batch 1 to 2²³ rows
(2³¹ outputs)."""
import copy
import fcntl
import gc
import tempfile
from pathlib import Path

import pytest
import torch

from torchsiren import Siren, forward_derivatives
from torchsiren.kernels import sine_linear
from .helpers import close, needs_triton, poison

pytestmark = [needs_triton, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")]


@pytest.fixture(params=["highest", "high"], ids=["ieee", "tf32"])
def precision(request):
    old = torch.get_float32_matmul_precision()
    torch.set_float32_matmul_precision(request.param)
    yield request.param
    torch.set_float32_matmul_precision(old)


@pytest.mark.parametrize("width", [64, 256, 1024])
@pytest.mark.parametrize("n", [1, 65_537])
def test_model_matches_float64(width, n, precision):
    torch.manual_seed(width + n)
    fused = Siren(3, 2, width, 3, implementation="fused").cuda()
    ref = copy.deepcopy(fused).double()
    ref.implementation = "torch"
    x = torch.rand(n, 3, device="cuda") * 2 - 1
    poison((n, width), "cuda")
    y = fused(x)
    want = ref(x.double())
    # TF32's 10-bit mantissa through four layers: ~1e-3 on the output, a few 1e-3 on the weight gradients
    tol, grad_tol = (2e-5, 2e-4) if precision == "highest" else (5e-3, 2e-2)
    err = (y.double() - want).norm() / want.norm()
    g = torch.randn_like(y)
    got = torch.autograd.grad(y, list(fused.parameters()), g)
    exp = torch.autograd.grad(want, list(ref.parameters()), g.double())
    grad_err = max(((a.double() - e).norm() / e.norm()).item() for a, e in zip(got, exp))
    print(f"{precision} width {width} n {n}: output {err:.1e}, weight gradients {grad_err:.1e}")
    assert err < tol and grad_err < grad_tol, (err, grad_err)


@pytest.mark.parametrize("second", ["laplacian", "diagonal"])
def test_forward_mode_matches_float64(second, precision):
    torch.manual_seed(3)
    fused = Siren(2, 1, 256, 3, implementation="fused").cuda()
    ref = copy.deepcopy(fused).double()
    ref.implementation = "torch"
    x = torch.rand(4097, 2, device="cuda") * 2 - 1
    got, want = forward_derivatives(fused, x, second), forward_derivatives(ref, x.double(), second)
    tol = 1e-4 if precision == "highest" else 3e-2
    for a, e in zip(got, want):
        assert (a.double() - e).norm() / e.norm() < tol


@pytest.fixture
def big_memory():
    """The tests past 2³¹ elements need up to ~36 GB: one at a time across the suite's worker processes (a lock
    file), and their memory handed back to the driver afterwards so that the other workers' tests fit beside."""
    need = 36 << 30
    if torch.cuda.get_device_properties(0).total_memory < need + (8 << 30):
        pytest.skip(f"needs a GPU with more than {(need >> 30) + 8} GB")
    with open(Path(tempfile.gettempdir()) / "torchsiren-big-gpu-tests.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            gc.collect()
            torch.cuda.empty_cache()
            fcntl.flock(lock, fcntl.LOCK_UN)


def test_more_than_two_to_the_31_outputs(big_memory):
    """8.4M rows × 256 outputs: offsets past int32 must not wrap."""
    n, width = (1 << 23) + 3, 256
    x = torch.rand(n, 2, device="cuda") * 2 - 1
    w, b = torch.randn(width, 2, device="cuda"), torch.randn(width, device="cuda")
    with torch.no_grad():
        y = sine_linear(x, w, b, 30.0)
        for rows in (slice(0, 1000), slice(n - 1000, n)):
            close(y[rows], torch.sin(30.0 * (x[rows].double() @ w.double().T + b.double())), 1e-4)


@pytest.mark.parametrize("k", [1, 64])
def test_stack_chain_past_two_to_the_31_elements(k, big_memory):
    """The backward's chain kernel on 8.4M rows × 256: the outer product (k = 1) and the scaling after cuBLAS
    (k = 64), with the bias sums, must not wrap int32 offsets."""
    from torchsiren.kernels.stack import chain
    n, width = (1 << 23) + 3, 256
    g, w = torch.randn(n, k, device="cuda"), torch.randn(k, width, device="cuda") / k ** 0.5
    d = torch.rand(n, width, device="cuda")
    gb = torch.zeros(width, device="cuda")
    out = chain(g, w, d, gb)
    for rows in (slice(0, 1000), slice(n - 1000, n)):
        close(out[rows], (g[rows].double() @ w.double()) * d[rows].double(), 2e-2)
    del out
    want = sum(((g[i:i + (1 << 20)].double() @ w.double()) * d[i:i + (1 << 20)].double()).sum(0)
               for i in range(0, n, 1 << 20))  # in slices of 2²⁰ rows, to stay within the memory of one test
    close(gb, want, 1e-3 * want.abs().max().item())


@pytest.mark.parametrize("top", [False, True])
def test_gradient_down_kernel_past_two_to_the_31_elements(top, big_memory):
    """kernels/gradient.py's fused pass on 8.4M rows × 256 (the top layer's broadcast form too), with its column
    sums: offsets must not wrap int32. One tensor stands for h̄, g and s to keep the memory at ~35 GB."""
    from torchsiren.kernels.gradient_down import down_pass
    n, width, kappa = (1 << 23) + 3, 256, -900.0
    c, q, u = (torch.rand(n, width, device="cuda") - 0.5 for _ in range(3))
    y_bar, w_out = torch.randn(n, 1, device="cuda"), torch.randn(1, width, device="cuda")
    out, sums, top_sum = down_pass(None if top else u, y_bar, w_out, c, q, None if top else u, u, kappa, fused=True)

    def want(rows):
        h, g = (y_bar[rows].double() * w_out.double(), w_out.double()) if top else (u[rows].double(), u[rows].double())
        return h * c[rows].double() + kappa * q[rows].double() * g * u[rows].double()
    for rows in (slice(0, 1000), slice(n - 1000, n)):
        close(out[rows], want(rows), 1e-3 * want(rows).abs().max().item())
    total = sum(want(slice(i, i + (1 << 21))).sum(0) for i in range(0, n, 1 << 21))
    close(sums, total, 1e-3 * total.abs().max().item())
    if top:
        qc = sum((q[i:i + (1 << 21)].double() * c[i:i + (1 << 21)].double()).sum(0) for i in range(0, n, 1 << 21))
        close(top_sum, qc, 1e-3 * qc.abs().max().item())
