"""The first sine layer's jet straight from x (kernels/forward_mode_first.py) against the general jet on the state
[x, I, 0], in float64 autograd: the state (Laplacian or Hessian-diagonal rows), and the weight and bias gradients
through every row; float32, and fp16 (which takes linear.sincos's fast sine and cosine on a GPU)."""
import pytest
import torch

from torchsiren.kernels.reference import jet_reference
from torchsiren.kernels.forward_mode_first import first_jet, first_jet_backward
from .helpers import DEVICE, close, needs_triton, poison

pytestmark = needs_triton


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16], ids=["fp32", "fp16"])
@pytest.mark.parametrize("n,d,f,bias,diagonal", [(131, 2, 70, True, False), (1, 3, 40, False, False),
                                                 (64, 1, 33, True, False), (131, 2, 70, True, True),
                                                 (37, 3, 40, False, True)])
def test_state_and_gradients_match_the_general_jet(n, d, f, bias, diagonal, dtype):
    omega, lap_scale = 30.0, 2.0 ** -8
    rows = 1 + 2 * d if diagonal else 2 + d
    x = torch.rand(n, d, device=DEVICE) * 2 - 1
    weight = (torch.rand(f, d, device=DEVICE) * 2 - 1) / d
    b = torch.rand(f, device=DEVICE) * 2 - 1 if bias else None
    poison((n, rows, f))
    h = first_jet(x, weight, b, omega, lap_scale, rows, dtype=dtype)
    w64 = weight.double().requires_grad_()
    b64 = b.double().requires_grad_() if bias else None
    state = torch.cat([x.double().unsqueeze(1), torch.eye(d, dtype=torch.float64, device=DEVICE).expand(n, d, d),
                       x.new_zeros(n, rows - 1 - d, d, dtype=torch.float64)], dim=1)
    ref = jet_reference(state @ (omega * w64).T, omega * b64 if bias else w64.new_zeros(f), d)
    ref = torch.cat([ref[:, :1 + d], ref[:, 1 + d:] * lap_scale], dim=1)  # second-derivative rows stored times λ
    close(h, ref, 1e-4 if dtype == torch.float32 else 1e-3)
    g = torch.randn(n, rows, f, device=DEVICE).to(dtype)
    got = first_jet_backward(g, x, weight, b, omega, lap_scale)
    want = torch.autograd.grad(ref, [w64] + ([b64] if bias else []), g.double())
    close(got[0], want[0], 1e-4 * want[0].abs().max().item())
    if bias:
        close(got[1], want[1], 1e-4 * want[1].abs().max().item())
    else:
        assert got[1] is None
