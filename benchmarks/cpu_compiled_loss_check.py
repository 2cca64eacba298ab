"""CPU: compiling the whole loss (sampling, forward-mode derivatives, residual) instead of only the model. A
Poisson-from-Laplacian step on the 128² cameraman (16,384 points, 2→256×3→1), the reference's autograd double
backward against torchsiren eager, with the model compiled and with the loss compiled (what the trainer does).
Same process, same weights; medians of 5 after warm-up.
    python benchmarks/cpu_compiled_loss_check.py"""
import time

import torch

from torchsiren import Siren
from torchsiren.bench.reference import RefSiren, ref_laplacian_loss
from torchsiren.bench.workloads import median_ms
from torchsiren.data import cameraman, resize_longer_side
from torchsiren.problems.poisson import PoissonReconstruction
from torchsiren.training.graphs import make_step

dev = torch.device("cpu")
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
problem = PoissonReconstruction(resize_longer_side(cameraman(), 128), "laplacian")
torch.manual_seed(0)
ours = Siren(2, 1)
ref = RefSiren(2, 1)
ref.load_state_dict(ours.state_dict())
opt_o, opt_r = torch.optim.Adam(ours.parameters(), 1e-4), torch.optim.Adam(ref.parameters(), 1e-4)
gen = torch.Generator()
coords, target = problem.coords, problem.constraints[0].sampler(0, gen)["l"]


step_ref = make_step(lambda: ref_laplacian_loss(ref, coords, target), opt_r)


def step_of(loss_fn, net):
    return make_step(lambda: loss_fn(net, 0, gen), opt_o)


variants = {"reference": step_ref, "eager": step_of(problem.loss, ours),
            "model compiled": step_of(problem.loss, torch.compile(ours)),
            "loss compiled": step_of(torch.compile(problem.loss), ours)}
for name, step in variants.items():
    start = time.perf_counter()
    step()
    print(f"{name}: first step {time.perf_counter() - start:.1f} s")
times = {name: median_ms(step, dev, 1, 5) for name, step in variants.items()}
for name, ms in times.items():
    print(f"{name}: {ms:.0f} ms per step ({times['reference'] / ms:.2f}x the reference)")
