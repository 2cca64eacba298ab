"""How large the intermediates of kernels/gradient.py's passes get (CPU; the fp16 path's scales,
kernels/gradient_half.py): the forward's g and δ and w_out ⊙ W_top in absolute terms, the backward's q, ḡ, ā and
h̄ relative to max(|∂L/∂Φ|, |∂L/∂∇Φ|), on the bench's gradient and SDF losses (8,192 points, Siren 2/3→256×3→1),
at initialisation and after 100 Adam steps. Output: results/session7/gradient_range_probe.txt."""
import json

import torch

from torchsiren import Siren
from torchsiren.kernels.gradient import value_and_gradient
from torchsiren.models.siren import SineLayer

POINTS, STEPS = 8192, 100


def layers_of(model: Siren) -> list:
    return [(m.linear.weight, m.linear.bias, m.omega_0) if isinstance(m, SineLayer) else (m.weight, m.bias, None)
            for m in model.net]


def loss_of(kind: str, value, grad, target, normals):
    if kind == "gradient":
        return ((grad - target) ** 2).sum(-1).mean() + value.abs().mean()
    half = POINTS // 2  # the bench's SDF loss: surface half, then free space
    eik = (grad.norm(dim=-1) - 1).abs().mean()
    cos = 1 - torch.nn.functional.cosine_similarity(grad[:half], normals[:half], dim=-1)
    return (3e3 * value[:half].abs().mean() + 1e2 * cos.mean() + 5e1 * eik
            + 1e2 * torch.exp(-1e2 * value[half:].abs()).mean())


@torch.no_grad()
def ranges(x, layers, value_bar, grad_bar) -> dict:
    """gradient.py's passes written out in PyTorch, with the largest entry of each intermediate."""
    out = {}
    ref = max(value_bar.abs().max().item(), grad_bar.abs().max().item())
    params = [t for w, b, _ in layers for t in (w, b)]
    omegas = [o for *_, o in layers[:-1]]
    top = len(omegas) - 1
    weights, w_out = params[0:2 * top + 2:2], params[-2]
    hs, cs = [x], []
    for i, omega in enumerate(omegas):
        a = omega * torch.nn.functional.linear(hs[-1], params[2 * i], params[2 * i + 1])
        hs.append(torch.sin(a))
        cs.append(omega * torch.cos(a))
    out["w_out*W_top"] = (w_out.T * weights[top]).abs().max().item()
    gs = [None] * top
    g = cs[top] @ (w_out.T * weights[top])
    for i in range(top - 1, -1, -1):
        gs[i] = g
        out[f"g{i}"], out[f"delta{i}"] = g.abs().max().item(), (g * cs[i]).abs().max().item()
        g = (g * cs[i]) @ weights[i]
    q, g_bar = [], grad_bar
    for i in range(top + 1):
        q.append(g_bar @ weights[i].T)
        out[f"q{i}/ref"] = q[i].abs().max().item() / ref
        if i < top:
            g_bar = q[i] * cs[i]
            out[f"gbar{i}/ref"] = g_bar.abs().max().item() / ref
    h_bar = None
    for i in range(top, -1, -1):
        kappa = -omegas[i] ** 2
        if i == top:
            a_bar = (value_bar * w_out) * cs[i] + kappa * q[i] * w_out * hs[i + 1]
        else:
            a_bar = h_bar * cs[i] + kappa * q[i] * gs[i] * hs[i + 1]
        out[f"abar{i}/ref"] = a_bar.abs().max().item() / ref
        if i:
            h_bar = a_bar @ weights[i]
            out[f"hbar{i - 1}/ref"] = h_bar.abs().max().item() / ref
    return {k: float(f"{v:.3g}") for k, v in out.items()}


def main() -> None:
    for dim, kind in ((2, "gradient"), (3, "sdf")):
        torch.manual_seed(0)
        model = Siren(dim, 1, implementation="torch")
        opt = torch.optim.Adam(model.parameters(), 1e-4)
        x = torch.rand(POINTS, dim) * 2 - 1
        target = torch.randn(POINTS, dim)
        normals = torch.nn.functional.normalize(torch.randn(POINTS, dim), dim=-1)
        for step in range(STEPS + 1):
            value, grad = value_and_gradient(x, layers_of(model), fused=False)
            loss = loss_of(kind, value, grad, target, normals)
            if step in (0, STEPS):
                value_bar, grad_bar = torch.autograd.grad(loss, [value, grad], retain_graph=True)
                print(json.dumps({"loss": kind, "step": step, **ranges(x, layers_of(model), value_bar, grad_bar)}))
            opt.zero_grad()
            loss.backward()
            opt.step()


if __name__ == "__main__":
    main()
