import numpy as np
import pytest
import torch

from torchsiren import Siren, TorchSirenError, TrainConfig, train
from torchsiren.problems.wave import WaveEquation, finite_difference_wave


def test_finite_difference_reference_converges_and_stays_symmetric():
    coarse, fine = finite_difference_wave((0.0, 0.1), n=129), finite_difference_wave((0.0, 0.1), n=257)
    np.testing.assert_allclose(coarse[0], fine[0][::2, ::2])
    err = np.linalg.norm(coarse[1] - fine[1][::2, ::2]) / np.linalg.norm(fine[1])
    assert err < 0.03
    np.testing.assert_allclose(fine[1], fine[1].T, atol=1e-12)
    assert fine[1].max() < fine[0].max() / 2  # the pulse spreads out


def test_training_learns_the_initial_condition_first():
    torch.manual_seed(0)
    problem = WaveEquation(points=256, initial_points=64, curriculum_steps=30, eval_size=16)
    model = Siren(3, 1, hidden_features=32, hidden_layers=1)
    gen = torch.Generator().manual_seed(0)
    before = [c.loss(model, 30, gen).item() for c in problem.constraints]
    train(model, problem, TrainConfig(steps=40, lr=1e-3, log_every=40), progress=False)
    gen = torch.Generator().manual_seed(0)
    after = [c.loss(model, 30, gen).item() for c in problem.constraints]
    assert after[1] < 0.5 * before[1]  # the initial displacement: the curriculum starts from it
    assert all(np.isfinite(after)) and len(after) == 3


def test_bad_velocity():
    with pytest.raises(TorchSirenError, match="velocity"):
        WaveEquation(velocity=0)


class _PlaneWave(torch.nn.Module):
    """An exact solution u = cos(a x + b y - c √(a² + b²) t) of u_tt = c² Δu, as a 'model' of (t, x, y)."""

    def __init__(self, a, b, c):
        super().__init__()
        self.a, self.b, self.c = a, b, c
        self.dummy = torch.nn.Parameter(torch.zeros(()))

    def forward(self, txy):
        w = self.c * (self.a ** 2 + self.b ** 2) ** 0.5
        return torch.cos(self.a * txy[:, 1:2] + self.b * txy[:, 2:3] - w * txy[:, :1]) + 0 * self.dummy


def test_wave_residual_vanishes_on_an_exact_solution():
    problem = WaveEquation(velocity=1.7, points=64, initial_points=8)
    model = _PlaneWave(3.0, -2.0, 1.7).double()
    pde = problem.constraints[0]
    gen = torch.Generator().manual_seed(0)
    batch = pde.sampler(50_000, gen)
    from torchsiren.derivatives import evaluate
    fields = evaluate(model, batch.coords.double(), pde.needs)
    assert pde.residual(fields, batch).abs().max() < 1e-9
    assert batch.coords[:, 0].max() > 0.1  # the curriculum has opened the time domain
