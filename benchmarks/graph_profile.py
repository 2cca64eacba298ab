"""Where a replayed step's time goes (GPU): per-kernel CUDA time of CUDA-graph replays (torch.profiler sees the
kernels inside a graph) for the bench's fit 256² at --precision fp16 and its gradient step (65,536 points, 2D)
at the given precisions, and the Laplacian step (TF32, and fp16 through kernels/laplacian_half.py).
Usage: python graph_profile.py [fit|gradient|laplacian|sdf ...]"""
import sys

import torch
from torch.profiler import ProfilerActivity, profile

from torchsiren import Siren, evaluate
from torchsiren.bench.workloads import median_ms
from torchsiren.data import cameraman, resize_longer_side
from torchsiren.kernels.dispatch import operand_precision
from torchsiren.problems import ImageFitting
from torchsiren.training.graphs import capture_step, graph_optimizer

dev = torch.device("cuda")


def table(replay, repeats: int = 20, rows: int = 40) -> str:
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(repeats):
            replay()
        torch.cuda.synchronize()
    events = prof.key_averages()
    total = sum(e.device_time_total for e in events) / repeats
    calls = sum(e.count for e in events) / repeats
    head = f"{calls:.0f} kernels per step, {total:.1f} us of kernel time per step\n"
    return head + events.table(sort_by="device_time_total", row_limit=rows, max_name_column_width=70)


def fit(precision: str) -> None:
    problem = ImageFitting(resize_longer_side(cameraman(), 256), device=dev)
    gen = torch.Generator(device=dev)
    m = Siren(2, 1).to(dev)
    with operand_precision(precision):
        replay, _ = capture_step(lambda: problem.loss(m, 0, gen), graph_optimizer(list(m.parameters()), 1e-4))
        print(f"fit-256 {precision}: {median_ms(replay, dev, 5, 50):.4f} ms per replayed step")
        print(table(replay))


def laplacian(precision: str, points: int = 65536) -> None:
    """The bench's Laplacian step; at fp16 with kernels/laplacian_half.py switched on."""
    from torchsiren.kernels import laplacian_half
    laplacian_half.ENABLED = precision == "fp16"
    torch.manual_seed(1)
    coords = torch.rand(points, 2, device=dev) * 2 - 1
    target = torch.randn(points, 1, device=dev)
    m = Siren(2, 1).to(dev)

    def loss():
        f = evaluate(m, coords, ("laplacian",))
        return ((f.laplacian - target) ** 2).mean() + f.value.abs().mean()
    with operand_precision(precision):
        replay, _ = capture_step(loss, graph_optimizer(list(m.parameters()), 1e-4))
        print(f"laplacian {points} {precision}: {median_ms(replay, dev, 5, 50):.4f} ms per replayed step")
        print(table(replay))


def gradient(precision: str, points: int = 65536, dim: int = 2) -> None:
    torch.manual_seed(1)
    coords = torch.rand(points, dim, device=dev) * 2 - 1
    target = torch.randn(points, dim, device=dev)
    m = Siren(dim, 1).to(dev)

    def loss():
        f = evaluate(m, coords, ("jacobian",))
        return ((f.jacobian[:, 0] - target) ** 2).sum(-1).mean() + f.value.abs().mean()
    with operand_precision(precision):
        replay, _ = capture_step(loss, graph_optimizer(list(m.parameters()), 1e-4))
        print(f"gradient {points}x{dim}D {precision}: {median_ms(replay, dev, 5, 50):.4f} ms per replayed step")
        print(table(replay))


if __name__ == "__main__":
    for what in sys.argv[1:] or ["fit", "gradient"]:
        if what == "fit":
            fit("fp16")
        elif what == "gradient":
            gradient("tf32")
            gradient("fp16")
        elif what == "laplacian":
            laplacian("tf32")
            laplacian("fp16")
        elif what == "sdf":
            gradient("tf32", 200_000, 3)
