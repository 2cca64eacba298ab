"""The fp16-operand stack on the GPU: where a fit-256 step and a grid chunk spend their time (torch.profiler), and
the quality it keeps: PSNR of fit 256² after 2000 graph-replayed steps (the bench's recipe) against the fp32
reference, over two seeds, for the gradient scale's exponent and with z rounded to fp16 or not.
The recorded output (results/session6/fp16_profile.txt) came from commit 6f49428, whose half.py still had the
Z_FP16 switch (the pre-activation rounded to fp16); it was removed once it measured 1.3-1.6 dB worse."""
import json

import torch

from torchsiren import Siren
from torchsiren.bench.workloads import median_ms
from torchsiren.data import cameraman, resize_longer_side
from torchsiren.kernels import half
from torchsiren.kernels.dispatch import operand_precision
from torchsiren.problems import ImageFitting
from torchsiren.training.graphs import capture_step, graph_optimizer

from profile_step import profile_table

dev = torch.device("cuda")
problem = ImageFitting(resize_longer_side(cameraman(), 256), device=dev)
gen = torch.Generator(device=dev)


def ours(seed: int, steps: int):
    torch.manual_seed(seed)
    m = Siren(2, 1).to(dev)
    with operand_precision("fp16"):
        step, done = capture_step(lambda: problem.loss(m, 0, gen), graph_optimizer(list(m.parameters()), 1e-4))
        for _ in range(steps - done):
            step()
    return m, step


def reference_psnr(seed: int, steps: int) -> float:
    torch.manual_seed(seed)
    m = Siren(2, 1, implementation="torch").to(dev)
    opt = torch.optim.Adam(m.parameters(), 1e-4)
    with operand_precision("fp32"):
        for _ in range(steps):
            loss = problem.loss(m, 0, gen)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return round(problem.evaluate(m)["psnr"], 2)


def main() -> None:
    out = {}
    for z16 in (False, True):
        half.Z_FP16 = z16
        m, step = ours(0, 10)
        out[f"fit-256 step ms, z fp16 {z16}"] = round(median_ms(step, dev, 5, 30), 4)
        x = torch.rand(2 ** 21, 3, device=dev) * 2 - 1
        g = Siren(3, 1).to(dev)
        with operand_precision("fp16"), torch.no_grad():
            out[f"grid chunk 2^21 ms, z fp16 {z16}"] = round(median_ms(lambda: g(x), dev, 3, 20), 3)
            if z16:
                print(profile_table(lambda: g(x), 5, 12))
    half.Z_FP16 = False
    m = Siren(2, 1).to(dev)
    opt = torch.optim.Adam(m.parameters(), 1e-4, fused=True)

    def eager():
        with operand_precision("fp16"):
            loss = problem.loss(m, 0, gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    print(profile_table(eager, 20, 30))
    for seed in (0, 1):
        out[f"reference fp32 psnr seed {seed}"] = reference_psnr(seed, 2000)
        for exponent in (-6, 0, 8):
            for z16 in ((False, True) if exponent == 8 else (False,)):
                half.MAX_EXPONENT, half.Z_FP16 = exponent, z16
                m, _ = ours(seed, 2000)
                out[f"fp16 psnr seed {seed} exponent {exponent} z16 {z16}"] = round(problem.evaluate(m)["psnr"], 2)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
