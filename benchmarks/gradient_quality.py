"""Does the hand-written double backward (kernels/gradient.py) train as well as autograd's? Poisson reconstruction
of the 256² cameraman from its gradients, the same seed and steps through the trainer, with the problem's
derivative method "auto" (the new path on CUDA) and "autograd"; prints PSNR and wall time of each.
Usage: python benchmarks/gradient_quality.py [STEPS] [--precision tf32|fp32|fp16]"""
import argparse
import json

import torch

from torchsiren import Siren
from torchsiren.data import cameraman, resize_longer_side
from torchsiren.problems.poisson import PoissonReconstruction
from torchsiren.training import TrainConfig, train

parser = argparse.ArgumentParser()
parser.add_argument("steps", type=int, nargs="?", default=2000)
parser.add_argument("--precision", default="tf32")
args = parser.parse_args()
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
image = resize_longer_side(cameraman(), 256)
rows = []
for method in ("auto", "autograd"):
    torch.manual_seed(0)
    model = Siren(2, 1).to(device)
    problem = PoissonReconstruction(image, "gradient", device=device)
    problem.derivative_method = method
    result = train(model, problem, TrainConfig(steps=args.steps, log_every=args.steps, precision=args.precision),
                   progress=False)
    rows.append({"method": method, "steps": args.steps, "psnr": round(problem.evaluate(model)["psnr"], 2),
                 "wall_s": round(result.wall_time_s, 2), "device": torch.cuda.get_device_name() if
                 device.type == "cuda" else "cpu", "precision": args.precision})
    print(json.dumps(rows[-1]))
