"""How much of an eager training step is host overhead (what a CUDA-graph replay would remove)? For the
problems the trainer does not replay (the wave equation and the inverse Helmholtz problem, whose losses change
with the step), wall ms per eager step against the GPU's kernel time per step (torch.profiler)."""
import time

import torch
from torch.profiler import ProfilerActivity, profile

from torchsiren import Siren
from torchsiren.kernels.dispatch import float32_matmuls
from torchsiren.problems.inverse_helmholtz import InverseHelmholtz
from torchsiren.problems.wave import WaveEquation
from torchsiren.training.graphs import make_step
from torchsiren.training.trainer import make_optimizer
from torchsiren.training import TrainConfig

dev = torch.device("cuda")
with float32_matmuls("tf32"):
    for name, problem, width in (("wave", WaveEquation(device=dev), 512),
                                 ("inverse helmholtz", InverseHelmholtz(device=dev, fd_nodes=127), 256)):
        torch.manual_seed(0)
        model = Siren(3 if name == "wave" else 2, problem.out_features if hasattr(problem, "out_features") else 1,
                      width).to(dev)
        gen = torch.Generator(device=dev).manual_seed(0)
        step = make_step(lambda: problem.loss(model, 5000, gen), make_optimizer(model, TrainConfig()))
        for _ in range(5):
            step()
        torch.cuda.synchronize()
        t = time.perf_counter()
        for _ in range(20):
            step()
        torch.cuda.synchronize()
        wall = 1000 * (time.perf_counter() - t) / 20
        with profile(activities=[ProfilerActivity.CUDA]) as prof:
            for _ in range(5):
                step()
            torch.cuda.synchronize()
        gpu = sum(e.self_device_time_total for e in prof.key_averages()) / 1000 / 5
        print(f"{name}: {wall:.2f} ms per eager step, {gpu:.2f} ms of kernels ({100 * (1 - gpu / wall):.0f}% host)")
