"""Evaluating a 512³ grid (bench workload 6) by chunk size: eager chunks as the bench does (2²¹ points), against
small chunks whose activations stay in L2, each chunk one CUDA-graph replay (coordinates made, model evaluated
and result stored inside the graph; a device counter advances the chunk). Prints ms and the error against fp32."""
import math

import torch

from torchsiren import Siren
from torchsiren.bench.reference import RefSiren
from torchsiren.bench.workloads import median_ms
from torchsiren.data import grid_chunks
from torchsiren.kernels.dispatch import float32_matmuls


def graphed(model, shape, chunk, device):
    total = math.prod(shape)
    axes = [torch.linspace(-1.0, 1.0, n, device=device) for n in shape]
    out = torch.empty(total, model.out_features, device=device)
    start = torch.zeros((), dtype=torch.long, device=device)
    base = torch.arange(chunk, device=device)

    def body():
        flat = (base + start).clamp_max(total - 1)
        idx, cols = flat, []
        for n, axis in zip(reversed(shape), reversed(axes)):
            cols.append(axis[idx % n])
            idx = torch.div(idx, n, rounding_mode="floor")
        with torch.no_grad():
            y = model(torch.stack(cols[::-1], dim=-1))
        out.index_copy_(0, flat, y)
        start.add_(chunk)

    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            body()
    torch.cuda.current_stream().wait_stream(side)
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        body()

    def run():
        start.zero_()
        for _ in range(math.ceil(total / chunk)):
            g.replay()
        return out
    return run


dev = torch.device("cuda")
torch.manual_seed(0)
ours = Siren(3, 1).to(dev)
ref = RefSiren(3, 1).to(dev)
ref.load_state_dict(ours.state_dict())
shape = (512, 512, 512)
with float32_matmuls("fp32"), torch.no_grad():
    want = torch.cat([ref(c)[0] for c in grid_chunks(shape, 1 << 21, device=dev)])
with float32_matmuls("tf32"):
    def eager():
        with torch.no_grad():
            return torch.cat([ours(c) for c in grid_chunks(shape, 1 << 21, device=dev)])
    print(f"eager 2^21: {median_ms(eager, dev, 1, 3):.1f} ms, rel err {((eager() - want).norm() / want.norm()).item():.2e}")
    for log2 in (14, 15, 16, 17, 18, 19):
        run = graphed(ours, shape, 1 << log2, dev)
        ms = median_ms(run, dev, 1, 3)
        print(f"graphed 2^{log2}: {ms:.1f} ms, rel err {((run() - want).norm() / want.norm()).item():.2e}")
