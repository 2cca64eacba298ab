"""Where a gradient-supervised step's time goes (GPU): Φ and ∇Φ through kernels/gradient.py (evaluate's "auto")
against autograd's double backward ("autograd") on the same fused Siren, eager, for the bench's gradient
(65,536 points, 2D) and SDF-sized (200,000 points, 3D) batches; then the per-kernel table of the new path."""
import torch

from torchsiren import Siren, evaluate
from torchsiren.bench.workloads import median_ms
from torchsiren.kernels.dispatch import float32_matmuls

from profile_step import profile_table

dev = torch.device("cuda")
with float32_matmuls("tf32"):
    for points, dim in ((65536, 2), (200_000, 3)):
        coords = torch.rand(points, dim, device=dev) * 2 - 1
        target = torch.randn(points, dim, device=dev)
        steps = {}
        for method in ("autograd", "auto"):
            torch.manual_seed(0)
            m = Siren(dim, 1).to(dev)
            opt = torch.optim.Adam(m.parameters(), 1e-4, fused=True)

            def step(m=m, opt=opt, method=method):
                f = evaluate(m, coords, ("jacobian",), method=method)
                loss = ((f.jacobian[:, 0] - target) ** 2).sum(-1).mean() + f.value.abs().mean()
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
            steps[method] = step
            print(f"{points} points {dim}D, {method:8s}: {median_ms(step, dev, 3, 20):.3f} ms per eager step")
        print(profile_table(steps["auto"], 5, 16))
