"""The constraint API: a new PDE in a few lines, solved to its closed-form answer without touching the trainer."""
import math

import torch

from torchsiren import Constraint, ImageFitting, Problem, Siren, TrainConfig, grid_sampler, train, uniform_sampler


def test_a_user_written_boundary_value_problem_reaches_the_closed_form():
    # u'' = -π² sin(πx) on [-1, 1], u(±1) = 0  ->  u = sin(πx)
    torch.manual_seed(0)
    interior = Constraint("ode", uniform_sampler([-1.0], [1.0], 256),
                          residual=lambda f, b: f.laplacian + math.pi ** 2 * torch.sin(math.pi * f.coords),
                          needs=("laplacian",), norm="mse", weight=1e-2)
    ends = torch.tensor([[-1.0], [1.0]])
    boundary = Constraint("boundary", grid_sampler(ends, {"u": torch.zeros(2, 1)}),
                          residual=lambda f, b: f.value - b["u"], norm="mse", weight=10.0)
    model = Siren(1, 1, hidden_features=32, hidden_layers=2, first_omega_0=3.0, hidden_omega_0=3.0)
    train(model, Problem([interior, boundary]), TrainConfig(steps=800, lr=1e-3, log_every=800), progress=False)
    x = torch.linspace(-1, 1, 201)[:, None]
    with torch.no_grad():
        err = (model(x) - torch.sin(math.pi * x)).norm() / torch.sin(math.pi * x).norm()
    assert err < 0.02, err


def test_schedule_switches_a_constraint_off():
    calls = []

    def sampler(step, gen):
        calls.append(step)
        return grid_sampler(torch.zeros(1, 1), {})(step, gen)

    c = Constraint("c", sampler, residual=lambda f, b: f.value, schedule=lambda step: float(step >= 2))
    model = Siren(1, 1, hidden_features=8, hidden_layers=0)
    gen = torch.Generator()
    assert c.loss(model, 0, gen).item() == 0 and calls == []
    assert c.loss(model, 2, gen).item() > 0 and calls == [2]


def test_static_and_replayable_come_from_the_constraints(small_image):
    """What decides CUDA-graph replay (replayable) and torch.compile on the CPU (static): derived from the
    constraints, not declared by each problem."""
    from torchsiren.problems import uniform_sampler
    from torchsiren.problems.helmholtz import Helmholtz
    from torchsiren.problems.wave import WaveEquation
    assert ImageFitting(small_image).static and ImageFitting(small_image).replayable
    batched = ImageFitting(small_image, batch_size=100)
    assert not batched.static and batched.replayable  # random rows drawn on the device
    assert not Helmholtz(points=64).static and Helmholtz(points=64, flux_weight=1.0).replayable
    assert not WaveEquation(points=64, curriculum_steps=10).replayable  # a curriculum changes the loss with the step
    from torchsiren.problems.inverse_helmholtz import InverseHelmholtz
    assert InverseHelmholtz(sources=1, receivers=4, points=64, fd_nodes=31, medium_warmup=3).replayable
    c = ImageFitting(small_image).constraints[0]
    scheduled = Problem([Constraint("fit", c.sampler, c.residual, schedule=lambda step: 1.0)])
    assert not scheduled.static and not scheduled.replayable
    with_data = Problem([Constraint("d", uniform_sampler([0.0], [1.0], 8, lambda x: {"y": x}), c.residual)])
    assert not with_data.replayable and Problem([Constraint("d", uniform_sampler([0.0], [1.0], 8), c.residual)]).replayable
