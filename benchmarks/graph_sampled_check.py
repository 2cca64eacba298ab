"""Does replaying randomly sampled steps as CUDA graphs pay? Helmholtz (k = 20, the default J₀ source
constraint, 52,900 + 100 random points per step) and the inverse problem (5 sources, 30 receivers), eager
against replayed, the random batch drawn inside the graph from a CUDA generator registered with the graph (so
each replay draws new points)."""
import time

import torch

from torchsiren import Siren
from torchsiren.kernels.dispatch import float32_matmuls
from torchsiren.problems.helmholtz import Helmholtz
from torchsiren.problems.inverse_helmholtz import InverseHelmholtz
from torchsiren.training.graphs import graph_optimizer, make_step, on_side_stream

dev = torch.device("cuda")


def timed(fn, n=50):
    for _ in range(5):
        fn()
    torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(n):
        fn()
    torch.cuda.synchronize()
    return 1000 * (time.perf_counter() - t) / n


with float32_matmuls("tf32"):
    for name, problem in (("helmholtz", Helmholtz(device=dev, flux_weight=1.0)),
                          ("inverse helmholtz", InverseHelmholtz(device=dev, fd_nodes=127))):
        torch.manual_seed(0)
        model = Siren(2, getattr(problem, "out_features", 2)).to(dev)
        gen = torch.Generator(device=dev).manual_seed(0)
        opt = graph_optimizer(list(model.parameters()), 1e-4)
        step = make_step(lambda: problem.loss(model, 0, gen), opt)
        print(f"{name} eager: {timed(step):.2f} ms per step")
        side = torch.cuda.Stream()
        for _ in range(3):
            on_side_stream(step, side)
        torch.cuda.synchronize()
        graph = torch.cuda.CUDAGraph()
        graph.register_generator_state(gen)
        opt.zero_grad(set_to_none=True)
        try:
            with torch.cuda.graph(graph):
                loss = step()
        except Exception as err:
            print("capture failed:", type(err).__name__, str(err).splitlines()[0][:300])
        else:
            print(f"{name} graphed: {timed(graph.replay):.2f} ms per step")
            a = gen.get_state().clone()
            graph.replay()
            print("generator advanced by a replay:", not torch.equal(a, gen.get_state()), "loss", loss.item())
