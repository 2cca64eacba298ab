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


def test_training_reduces_every_constraint():
    torch.manual_seed(0)
    problem = WaveEquation(points=256, initial_points=64, curriculum_steps=30, eval_size=16)
    model = Siren(3, 1, hidden_features=32, hidden_layers=1)
    gen = torch.Generator().manual_seed(0)
    before = [c.loss(model, 30, gen).item() for c in problem.constraints]
    train(model, problem, TrainConfig(steps=40, lr=1e-3, log_every=40), progress=False)
    gen = torch.Generator().manual_seed(0)
    after = [c.loss(model, 30, gen).item() for c in problem.constraints]
    assert after[1] < before[1]  # the initial condition is learnt first
    assert all(np.isfinite(after))


def test_bad_velocity():
    with pytest.raises(TorchSirenError, match="velocity"):
        WaveEquation(velocity=0)
