"""Where a step's time goes (GPU): the fit-256 step per kernel (torch.profiler), and step times of the variants
the issue asks about: fused vs torch, CUDA graph or not, forward mode vs autograd for gradient supervision."""
import torch
from torch.profiler import ProfilerActivity, profile

from torchsiren import Siren, evaluate
from torchsiren.bench.workloads import median_ms
from torchsiren.kernels.dispatch import float32_matmuls
from torchsiren.data import cameraman, resize_longer_side
from torchsiren.problems import ImageFitting
from torchsiren.training.graphs import capture_step, graph_optimizer

dev = torch.device("cuda")
problem = ImageFitting(resize_longer_side(cameraman(), 256), device=dev)
gen = torch.Generator(device=dev)


def profile_table(step, repeats: int, rows: int) -> str:
    """Per-kernel CUDA time of `repeats` calls of step (after 3 warm-up calls)."""
    for _ in range(3):
        step()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(repeats):
            step()
        torch.cuda.synchronize()
    return prof.key_averages().table(sort_by="cuda_time_total", row_limit=rows, max_name_column_width=60)


def fit_step(model, opt):
    def step():
        loss = problem.loss(model, 0, gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return step


def main() -> None:
    with float32_matmuls("tf32"):
        for impl in ("torch", "fused"):
            m = Siren(2, 1, implementation=impl).to(dev)
            eager = median_ms(fit_step(m, torch.optim.Adam(m.parameters(), 1e-4, fused=True)), dev, 5, 20)
            replay, _ = capture_step(lambda: problem.loss(m, 0, gen), graph_optimizer(list(m.parameters()), 1e-4))
            graphed = median_ms(replay, dev, 5, 20)
            print(f"fit-256 {impl:5s} tf32: eager {eager:.3f} ms, CUDA graph {graphed:.3f} ms")
        m = Siren(2, 1, implementation="fused").to(dev)
        print(profile_table(fit_step(m, torch.optim.Adam(m.parameters(), 1e-4, fused=True)), 10, 14))

        coords = torch.rand(65536, 2, device=dev) * 2 - 1
        target = torch.randn(65536, 2, device=dev)
        for impl in ("torch", "fused"):
            for method in ("autograd", "forward"):
                m = Siren(2, 1, implementation=impl).to(dev)
                opt = torch.optim.Adam(m.parameters(), 1e-4, fused=True)

                def gstep():
                    f = evaluate(m, coords, ("jacobian",), method=method)
                    loss = ((f.jacobian[:, 0] - target) ** 2).sum(-1).mean()
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    opt.step()
                print(f"gradient step 65,536 pts {impl:5s} {method:8s}: {median_ms(gstep, dev, 3, 10):.3f} ms")
        m = Siren(2, 1, implementation="fused").to(dev)
        opt = torch.optim.Adam(m.parameters(), 1e-4, fused=True)

        def lstep():
            f = evaluate(m, coords, ("laplacian",))
            loss = ((f.laplacian - target[:, :1]) ** 2).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        print(profile_table(lstep, 5, 12))


if __name__ == "__main__":
    main()
