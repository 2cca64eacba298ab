"""CPU: one full-batch image-fitting step, eager vs torch.compile (what `--compile auto` decides on)."""
import time

import torch

from torchsiren import Siren
from torchsiren.data import cameraman, resize_longer_side
from torchsiren.problems import ImageFitting


def median_ms(fn, n=5):
    fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return sorted(times)[n // 2] * 1000


torch.manual_seed(0)
print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
for size in (128, 256):
    problem = ImageFitting(resize_longer_side(cameraman(), size))
    model = Siren(2, 1)
    opt = torch.optim.Adam(model.parameters(), 1e-4)
    gen = torch.Generator()

    def step(net):
        loss = problem.loss(net, 0, gen)
        opt.zero_grad()
        loss.backward()
        opt.step()
    eager = median_ms(lambda: step(model))
    compiled_model = torch.compile(model)
    t = time.perf_counter()
    step(compiled_model)
    first = time.perf_counter() - t
    compiled = median_ms(lambda: step(compiled_model))
    print(f"{size}²: eager {eager:.0f} ms, compiled {compiled:.0f} ms ({eager / compiled:.2f}×), "
          f"first compiled step {first:.1f} s")
