"""CPU, the speed issue's last row: a Poisson-from-Laplacian step at 16,384 points (2→256×3→1), the reference's
autograd double backward against torchsiren's forward-mode Laplacian, eager and under torch.compile (the whole
loss compiled; the trainer does not do this yet), with a profile of the eager step. Same process, same weights.
    python benchmarks/cpu_laplacian_check.py"""
import time

import torch
from torch.profiler import ProfilerActivity, profile

from torchsiren.bench.reference import ref_laplacian_loss
from torchsiren.bench.workloads import _pair, median_ms
from torchsiren.derivatives import evaluate
from torchsiren.training.graphs import make_step

dev = torch.device("cpu")
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
ours, ref = _pair(2, 1, 256, dev)
torch.manual_seed(1)
coords, target = torch.rand(16384, 2) * 2 - 1, torch.randn(16384, 1)
opt_o, opt_r = torch.optim.Adam(ours.parameters(), 1e-4), torch.optim.Adam(ref.parameters(), 1e-4)


step_ref = make_step(lambda: ref_laplacian_loss(ref, coords, target), opt_r)


def loss_ours():
    return ((evaluate(ours, coords, ("laplacian",)).laplacian - target) ** 2).mean()


def step_of(loss_fn):
    return make_step(loss_fn, opt_o)


ref_ms = median_ms(step_ref, dev, 1, 5)
eager_ms = median_ms(step_of(loss_ours), dev, 1, 5)
with profile(activities=[ProfilerActivity.CPU]) as prof:
    step_of(loss_ours)()
print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=8))
start = time.perf_counter()
compiled = step_of(torch.compile(loss_ours))
compiled()
compile_s = time.perf_counter() - start
compiled_ms = median_ms(compiled, dev, 1, 5)
print(f"reference (double backward) {ref_ms:.0f} ms; torchsiren forward mode: eager {eager_ms:.0f} ms "
      f"({ref_ms / eager_ms:.2f}x), compiled {compiled_ms:.0f} ms ({ref_ms / compiled_ms:.2f}x, "
      f"compiling took {compile_s:.0f} s)")
