"""A/B of the fused layer stack (kernels/stack.py) against the per-layer fused path, same process, same weights:
ms per CUDA-graph training step of full-batch image fitting under TF32, and the PSNR after 300 steps."""
import copy

import torch

from torchsiren import Siren
from torchsiren.bench.workloads import median_ms
from torchsiren.data import cameraman, resize_longer_side
from torchsiren.device import device_name
from torchsiren.kernels import stack
from torchsiren.kernels.dispatch import float32_matmuls
from torchsiren.problems import ImageFitting
from torchsiren.training.graphs import capture_step, graph_optimizer

dev = torch.device("cuda")
print(device_name(dev), torch.__version__)
for size, width in ((256, 256), (512, 256), (512, 512)):
    problem = ImageFitting(resize_longer_side(cameraman(), size), device=dev)
    torch.manual_seed(0)
    base = Siren(2, 1, hidden_features=width).to(dev)
    row = {}
    for enabled in (False, True):
        stack.ENABLED = enabled
        model = copy.deepcopy(base)
        gen = torch.Generator(device=dev).manual_seed(0)
        with float32_matmuls("tf32"):
            step, done = capture_step(lambda: problem.loss(model, 0, gen), graph_optimizer(list(model.parameters()), 1e-4))
            ms = median_ms(step, dev, 5, 30)
            for _ in range(300 - done - 35):
                step()
        row["stack" if enabled else "per-layer"] = (round(ms, 3), round(problem.evaluate(model)["psnr"], 2))
    print(f"fit {size}² width {width}: per-layer {row['per-layer'][0]} ms ({row['per-layer'][1]} dB at 300 steps), "
          f"stack {row['stack'][0]} ms ({row['stack'][1]} dB), ratio {row['per-layer'][0] / row['stack'][0]:.3f}")
