"""The fp16 Laplacian path (kernels/forward_mode_fp16.py, what --precision fp16 runs) on the GPU: the bench's
Laplacian row with it on, against the reference in the same process; then Poisson from the Laplacian of cameraman
at 256² through the trainer (fp32 reference, TF32 jet path, fp16 path; PSNR after STEPS steps).
Usage: python benchmarks/laplacian_half_check.py [STEPS] [--bench-only]"""
import json
import sys

import torch

from torchsiren import Siren
from torchsiren.bench import run_benchmarks
from torchsiren.data import cameraman, resize_longer_side
from torchsiren.problems.poisson import PoissonReconstruction
from torchsiren.training import TrainConfig, train

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
dev = torch.device("cuda")
for row in run_benchmarks(["laplacian"], dev, quick=False, steps=steps, precision="fp16"):
    print(json.dumps(row))
if "--bench-only" in sys.argv:
    sys.exit()
image = resize_longer_side(cameraman(), 256)
for precision in ("fp32", "tf32", "fp16"):
    torch.manual_seed(0)
    model = Siren(2, 1).to(dev)
    problem = PoissonReconstruction(image, "laplacian", device=dev)
    result = train(model, problem, TrainConfig(steps=steps, log_every=steps, precision=precision), progress=False)
    print(json.dumps({"precision": precision, "steps": steps,
                      "psnr": round(problem.evaluate(model)["psnr"], 2), "wall_s": round(result.wall_time_s, 2),
                      "final_loss": result.last.get("loss")}))
