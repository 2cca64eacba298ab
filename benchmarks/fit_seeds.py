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



def psnr_after(problem: ImageFitting, seed: int, name: str, steps: int = 2000) -> float:
    """The PSNR after `steps` full-batch steps from seed `seed`: name "fp32 reference" (torch layers,
    torch.optim.Adam 1e-4) or a precision for torchsiren (fused path, captured step, its Adam)."""
    gen = torch.Generator(device=problem.device)
    torch.manual_seed(seed)
    reference = name == "fp32 reference"
    model = Siren(2, 1, implementation="torch" if reference else "auto").to(problem.device)
    with operand_precision(name.split()[0]):
        if reference:
            opt = torch.optim.Adam(model.parameters(), 1e-4)
            for _ in range(steps):
                loss = problem.loss(model, 0, gen)
                opt.zero_grad()
                loss.backward()
                opt.step()
        else:
            step, done = capture_step(lambda: problem.loss(model, 0, gen),
                                      graph_optimizer(list(model.parameters()), 1e-4))
            for _ in range(steps - done):
                step()
    return round(problem.evaluate(model)["psnr"], 2)


if __name__ == "__main__":
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    precision = sys.argv[2] if len(sys.argv) > 2 else "fp16"
    image = ImageFitting(resize_longer_side(cameraman(), 256), device=torch.device("cuda"))
    out: dict = {}
    for seed in range(seeds):
        for name in ("fp32 reference", precision):
            out.setdefault(f"psnr {name}", []).append(psnr_after(image, seed, name))
    for key, values in list(out.items()):
        out[key.replace("psnr", "mean")] = round(sum(values) / len(values), 2)
    print(json.dumps(out))
