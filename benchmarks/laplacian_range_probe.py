"""How large the Laplacian path's forward-mode state and its gradients get (CPU; for an fp16 Laplacian path).
Poisson from the Laplacian of cameraman (128² by default), Siren 2→256×3→1, trained through the trainer; at the
start and after STEPS steps, per sine layer: max |row| of the pre-activation z and the state h (value, Jacobian,
Laplacian rows), and max |∂L/∂z|, |∂L/∂h| per row relative to max |∂L/∂ΔΦ|.
Usage: python benchmarks/laplacian_range_probe.py [STEPS] [SIZE]"""
import json
import sys

import torch

from torchsiren import Siren
from torchsiren.data import cameraman, resize_longer_side
from torchsiren.kernels.jet import jet_reference
from torchsiren.models.siren import SineLayer
from torchsiren.problems.poisson import PoissonReconstruction
from torchsiren.training import TrainConfig, train

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
size = int(sys.argv[2]) if len(sys.argv) > 2 else 128
torch.manual_seed(0)
problem = PoissonReconstruction(resize_longer_side(cameraman(), size), "laplacian")
target = problem.constraints[0].sampler(0, torch.Generator().manual_seed(0))["l"].reshape(-1)
coords = problem.coords
model = Siren(2, 1, implementation="torch")


def probe(label: str) -> dict:
    n, d = coords.shape
    s = torch.cat([coords.unsqueeze(1), torch.eye(d).expand(n, d, d), coords.new_zeros(n, 1, d)], dim=1)
    zs, hs = [], []
    for layer in model.net:
        if isinstance(layer, SineLayer):
            w, b = layer.omega_0 * layer.linear.weight, layer.omega_0 * layer.linear.bias
            z = s @ w.T
            z.retain_grad()
            s = jet_reference(z, b, d)
            s.retain_grad()
            zs.append(z)
            hs.append(s)
        else:
            out = s @ layer.weight.T
            out[:, 0] += layer.bias
    lap = out[:, 1 + d, 0]
    loss = ((lap - target) ** 2).mean()
    loss.backward()
    ref = (2 * (lap - target) / lap.numel()).abs().max().item()
    rows = ("value", *[f"d{i}" for i in range(d)], "laplacian")
    row = {"label": label, "max |dL/dLap|": ref, "max |Lap|": lap.abs().max().item(),
           "max |target|": target.abs().max().item()}
    for i, (z, h) in enumerate(zip(zs, hs)):
        for r, name in enumerate(rows):
            row[f"layer{i} z.{name}"] = round(z[:, r].abs().max().item(), 3)
            row[f"layer{i} h.{name}"] = round(h[:, r].abs().max().item(), 3)
            row[f"layer{i} dz.{name}/ref"] = round(z.grad[:, r].abs().max().item() / ref, 3)
            row[f"layer{i} dh.{name}/ref"] = round(h.grad[:, r].abs().max().item() / ref, 3)
    model.zero_grad()
    return row


print(json.dumps(probe("start")))
train(model, problem, TrainConfig(steps=steps, log_every=steps, lr=1e-4, compile="off"), progress=False)
print(json.dumps(probe(f"after {steps} steps, psnr {problem.evaluate(model)['psnr']:.2f}")))
