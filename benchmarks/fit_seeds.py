"""fit-256 quality over several seeds (GPU): the PSNR after 2000 steps of the fp32 reference-style run (torch
layers, torch.optim.Adam 1e-4) and of torchsiren at a given precision (fused path, captured step, its Adam), as the
bench's fit row trains them. One bench run is one seed, and seed to seed the PSNR moves by ~±1.4 dB.
Usage: python benchmarks/fit_seeds.py [SEEDS] [PRECISION]"""
import json
import sys

import torch

from torchsiren import Siren
from torchsiren.data import cameraman, resize_longer_side
from torchsiren.kernels.dispatch import operand_precision
from torchsiren.problems import ImageFitting
from torchsiren.training.graphs import capture_step, graph_optimizer

seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
precision = sys.argv[2] if len(sys.argv) > 2 else "fp16"
dev = torch.device("cuda")
problem = ImageFitting(resize_longer_side(cameraman(), 256), device=dev)
gen = torch.Generator(device=dev)
out: dict = {}
for seed in range(seeds):
    for name in ("fp32 reference", precision):
        torch.manual_seed(seed)
        model = Siren(2, 1, implementation="torch" if name == "fp32 reference" else "auto").to(dev)
        with operand_precision(name.split()[0]):
            if name == "fp32 reference":
                opt = torch.optim.Adam(model.parameters(), 1e-4)
                for _ in range(2000):
                    loss = problem.loss(model, 0, gen)
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
            else:
                step, done = capture_step(lambda: problem.loss(model, 0, gen),
                                          graph_optimizer(list(model.parameters()), 1e-4))
                for _ in range(2000 - done):
                    step()
        out.setdefault(f"psnr {name}", []).append(round(problem.evaluate(model)["psnr"], 2))
for key, values in list(out.items()):
    out[key.replace("psnr", "mean")] = round(sum(values) / len(values), 2)
print(json.dumps(out))
