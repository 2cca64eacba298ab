"""Guards the published Helmholtz figure (GPU only; CI has none, so outputs are recorded in benchmarks/results/).

A 30k-step Helmholtz run is chaotic: a last-bit change in any step moves its final error as much as the seed does
(6.4-8.7% over seeds, docs/pde.md). So the trainer's pieces must compute exactly what their plain twins do:
- a TF32 run replayed as CUDA graphs with training.Adam equals, bit for bit, the same run with torch's fused Adam;
- the fused kernels (forward-mode jets, one-launch Adam) follow the plain PyTorch path step by step in float32
  over the first steps.
"""
import pytest
import torch

from torchsiren import Siren
from torchsiren.problems.helmholtz import Helmholtz
from torchsiren.training import TrainConfig, train
from torchsiren.training import trainer

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def _problem() -> Helmholtz:
    return Helmholtz(points=64 ** 2, source_points=32, eval_size=32, device="cuda", flux_weight=1.0, flux_points=64)


def _train(problem: Helmholtz, precision: str, steps: int, implementation: str = "auto"):
    torch.manual_seed(0)
    model = Siren(2, 2, 128, 3, implementation=implementation).cuda()
    result = train(model, problem, TrainConfig(steps=steps, lr=1e-4, schedule="cosine", precision=precision,
                                               log_every=1), progress=False)
    return [row["loss"] for row in result.history], [p.detach().clone() for p in model.parameters()]


def test_training_adam_equals_torch_fused_adam_bit_for_bit(monkeypatch):
    problem = _problem()
    ours_losses, ours = _train(problem, "tf32", 300)
    monkeypatch.setattr(trainer, "graph_optimizer", lambda params, lr: torch.optim.Adam(
        params, lr=torch.tensor(lr, device=params[0].device), fused=True, capturable=True))
    torch_losses, theirs = _train(problem, "tf32", 300)
    assert ours_losses == torch_losses
    assert all(torch.equal(a, b) for a, b in zip(ours, theirs))


def test_fused_training_follows_the_plain_pytorch_path():
    """Step by step while the runs are still close (a chaotic run separates from any last-bit change later on)."""
    problem = _problem()
    fused, _ = _train(problem, "fp32", 60)
    plain, _ = _train(problem, "fp32", 60, implementation="torch")
    rel = [abs(a - b) / abs(b) for a, b in zip(fused, plain)]
    print("fused vs plain Helmholtz losses, relative difference by step:", " ".join(f"{r:.1e}" for r in rel))
    assert max(rel[:30]) < 1e-4
