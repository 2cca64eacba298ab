"""Where a trained Helmholtz field goes wrong (CPU, from a run folder): the source constraint's residual on
circles of growing radius (its jumps locate spurious ring sources) and the closed form's ratio to the field on
circles (constant = an amplitude error; varying = a shape error).
    python benchmarks/helmholtz_source_diagnosis.py RUN_DIR"""
import json
import sys

import numpy as np
import torch
from safetensors.torch import load_file

from torchsiren.derivatives import evaluate
from torchsiren.models import ModelSpec, build_model
from torchsiren.problems.helmholtz import Helmholtz

run = sys.argv[1]
model = build_model(ModelSpec.from_dict(json.load(open(f"{run}/config.json"))["model"]))
weights = load_file(f"{run}/checkpoint.safetensors")
model.load_state_dict({k[6:]: v for k, v in weights.items() if k.startswith("model.")})
model.implementation = "torch"
problem = Helmholtz(flux_weight=1.0, flux_points=4096)
print(problem.evaluate(model))
for rho in (0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.15, 0.2, 0.3, 0.4, 0.45):
    circle = problem.flux_circle(torch.Generator().manual_seed(0), rho)
    f = evaluate(model, circle, ("jacobian",))
    res = complex(problem.flux_residual(circle, f.value.detach(), f.jacobian.detach()))
    xy = circle[:-1].numpy()
    with torch.no_grad():
        out = model(circle[:-1]).numpy()
    ratio = problem.closed_form(xy) / (out[:, 0] + 1j * out[:, 1])
    print(f"r {rho:.2f}: J0 source residual {res.real:+.3f}{res.imag:+.3f}i   closed form / field "
          f"{abs(ratio.mean()):.3f} at {np.degrees(np.angle(ratio.mean())):+.1f}° (spread {ratio.std() / abs(ratio.mean()):.3f})")
