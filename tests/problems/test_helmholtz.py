import math

import numpy as np
import pytest
import torch

from torchsiren import Siren, TorchSirenError, TrainConfig, train
from torchsiren.derivatives import evaluate, jacobian
from torchsiren.problems.helmholtz import Helmholtz


def test_expanded_pml_operator_equals_the_divergence_form():
    """∂ₓ(A ∂ₓu) + ∂_y(B ∂_y u) + C k² u computed by autograd on the divergence form, inside and in the PML."""
    torch.manual_seed(0)
    problem = Helmholtz(wavenumber=7.0, pml_width=0.5)
    model = Siren(2, 2, hidden_features=32, hidden_layers=2, first_omega_0=5.0).double()
    x = (torch.rand(200, 2, dtype=torch.float64) * 2 - 1).requires_grad_(True)
    f = evaluate(model, x.detach(), ("jacobian", "hessian_diagonal"))
    fast = problem.operator(x.detach(), f.value, f.jacobian, f.hessian_diagonal)

    y = model(x)
    u = torch.complex(y[:, 0], y[:, 1])
    j = jacobian(y, x)
    ux, uy = torch.complex(j[:, 0, 0], j[:, 1, 0]), torch.complex(j[:, 0, 1], j[:, 1, 1])
    ex, _ = problem._stretch(x[:, 0])
    ey, _ = problem._stretch(x[:, 1])
    fx, fy = torch.view_as_real(ey / ex * ux), torch.view_as_real(ex / ey * uy)  # (N, 2) real, imag
    div = [jacobian(fx, x)[:, :, 0], jacobian(fy, x)[:, :, 1]]
    slow = torch.complex(div[0][:, 0] + div[1][:, 0], div[0][:, 1] + div[1][:, 1])
    slow = slow + ex * ey * problem.k ** 2 * u
    assert (fast - slow.detach()).abs().max() < 1e-9 * slow.abs().max()
    assert (torch.abs(x.detach()) > 0.5).any(-1).sum() > 50  # the PML was exercised


def test_plane_wave_satisfies_the_operator_outside_the_pml():
    k, theta = 9.0, 0.3
    problem = Helmholtz(wavenumber=k)
    x = torch.rand(50, 2, dtype=torch.float64) - 0.5  # inside |x|, |y| < 0.5
    phase = k * (x[:, 0] * math.cos(theta) + x[:, 1] * math.sin(theta))
    u = torch.stack([torch.cos(phase), torch.sin(phase)], 1)
    dirs = torch.tensor([math.cos(theta), math.sin(theta)], dtype=torch.float64)
    jac = torch.stack([-torch.sin(phase), torch.cos(phase)], 1)[:, :, None] * k * dirs
    hdiag = -u[:, :, None] * (k * dirs) ** 2
    assert problem.operator(x, u, jac, hdiag).abs().max() < 1e-9


def test_source_has_unit_mass_times_amplitude():
    problem = Helmholtz(sigma=1e-3)
    xy = torch.stack(torch.meshgrid(*[torch.linspace(-0.3, 0.3, 601, dtype=torch.float64)] * 2, indexing="ij"), -1)
    mass = problem.source(xy.reshape(-1, 2)).sum() * (0.6 / 600) ** 2
    assert abs(mass - (1 + 1j)) < 1e-3


def test_short_training_lowers_the_residual_and_reports():
    torch.manual_seed(0)
    problem = Helmholtz(wavenumber=5.0, points=512, eval_size=32)
    model = Siren(2, 2, hidden_features=32, hidden_layers=1)
    gen = torch.Generator().manual_seed(0)
    before = problem.loss(model, 0, gen).item()
    train(model, problem, TrainConfig(steps=60, lr=1e-3, log_every=60), progress=False)
    gen = torch.Generator().manual_seed(0)
    assert problem.loss(model, 0, gen).item() < before
    metrics = problem.evaluate(model)
    assert np.isfinite(metrics["rel_l2"]) and np.isfinite(metrics["mse"])


@pytest.mark.parametrize("kwargs,match", [({"wavenumber": 0}, "wavenumber"), ({"inclusion_velocity": -1}, "velocity"),
                                          ({"pml_width": 1.0}, "pml_width"), ({"velocity": "marble"}, "velocity"),
                                          ({"norm": "l3"}, "norm")])
def test_bad_settings(kwargs, match):
    with pytest.raises(TorchSirenError, match=match):
        Helmholtz(**kwargs)


def test_finite_differences_converge_to_the_closed_form():
    """An independent check of the PML, the source and the closed form: the classical 5-point solution of the
    same equation approaches ¼i·s·e^(−k²σ/2)·H₀⁽²⁾(kr) outside the PML at second order."""
    errors = []
    for n in (48, 96):
        problem = Helmholtz(eval_size=n)
        coords, keep = problem._interior()
        fd = problem.reference(2 * n - 1)[::2, ::2].reshape(-1)[keep]
        ref = problem.closed_form(coords[keep])
        errors.append(np.linalg.norm(fd - ref) / np.linalg.norm(ref))
    assert errors[1] < 0.02 and errors[1] < errors[0] / 3, errors


def test_heterogeneous_media_are_judged_against_finite_differences():
    problem = Helmholtz(velocity="circle", eval_size=32, points=256)
    metrics = problem.evaluate(Siren(2, 2, hidden_features=16, hidden_layers=1))
    assert 0.5 < metrics["rel_l2"] < math.inf  # an untrained network is far from the solution, and it is measured
    assert np.isfinite(metrics["rel_l2_after_complex_scale"])


def test_inverse_problem_records_the_forward_field_and_trains():
    """Receiver data of a uniform medium equal the closed form at the receivers; a few steps lower the loss."""
    from torchsiren.problems.inverse_helmholtz import InverseHelmholtz
    problem = InverseHelmholtz(sources=2, receivers=6, velocity="uniform", points=256, fd_nodes=127, eval_size=24)
    assert problem.data.shape == (6, 4)
    for i, h in enumerate(problem.forward):
        want = h.closed_form(problem.receivers)
        got = problem.data[:, 2 * i].numpy() + 1j * problem.data[:, 2 * i + 1].numpy()
        assert np.linalg.norm(got - want) / np.linalg.norm(want) < 0.05
    torch.manual_seed(0)
    model = Siren(2, problem.out_features, hidden_features=32, hidden_layers=1)
    gen = torch.Generator().manual_seed(0)
    before = problem.loss(model, 0, gen).item()
    result = train(model, problem, TrainConfig(steps=30, lr=1e-3, log_every=30), progress=False)
    assert result.last["loss"] < before and np.isfinite(result.last["slowness_rel_l2"])


def test_least_squares_residual_keeps_the_authors_relative_source_weight():
    """Under --norm l2 the source rows carry √(points/1e3), so their squared weight is the authors' L1 weight."""
    l1, l2 = Helmholtz(points=4000), Helmholtz(points=4000, norm="l2")
    assert l1.on_weight == pytest.approx(4.0) and l2.on_weight == pytest.approx(2.0)
    assert l2.constraints[0].norm == "l2"


def test_medium_warmup_keeps_the_medium_out_of_the_equation():
    """During the warm-up the medium channel gets no gradient from the equation; after it, it does."""
    from torchsiren.problems.inverse_helmholtz import InverseHelmholtz
    problem = InverseHelmholtz(sources=1, receivers=4, velocity="uniform", points=128, fd_nodes=63, eval_size=16,
                               medium_warmup=5)
    torch.manual_seed(0)
    model = Siren(2, problem.out_features, hidden_features=16, hidden_layers=1)
    medium_row = model.net[-1].weight  # the last linear layer; its last row makes the medium

    def medium_grad(step: int) -> float:
        model.zero_grad()
        problem.prepare_step(step)  # as the trainer does before every step
        problem.constraints[0].loss(model, step, torch.Generator().manual_seed(0)).backward()
        return medium_row.grad[-1].abs().sum().item()

    assert medium_grad(0) == 0 and medium_grad(5) > 0
    with pytest.raises(TorchSirenError, match="medium_warmup"):
        InverseHelmholtz(medium_warmup=-1, fd_nodes=31)


def _point_source_field(problem: Helmholtz, coords: torch.Tensor, scale: complex, k: float | None = None
                        ) -> tuple[torch.Tensor, ...]:
    """scale · ¼ i s H₀⁽²⁾(k r) around the source and its gradient −¼ i s k H₁⁽²⁾(k r) r̂ (k the problem's unless
    given) as (N, 2) value and (N, 2, 2) Jacobian."""
    from scipy.special import hankel2
    k = problem.k if k is None else k
    xy = coords.double().numpy() - problem.center.double().numpy()
    r = np.linalg.norm(xy, axis=-1)
    u = scale * 0.25j * problem.amplitude * hankel2(0, k * r)
    du = (scale * -0.25j * problem.amplitude * k * hankel2(1, k * r))[:, None] * xy / r[:, None]
    value = torch.from_numpy(np.stack([u.real, u.imag], 1))
    jac = torch.from_numpy(np.stack([du.real, du.imag], 1))
    return value, jac


def _flux(problem: Helmholtz, radius: float | None, scale: complex = 1.0, k: float | None = None) -> complex:
    coords = problem.flux_circle(torch.Generator().manual_seed(0), radius)
    value, jac = _point_source_field(problem, coords[:-1], scale, k)
    value, jac = torch.cat([value, value[:1]]), torch.cat([jac, jac[:1]])  # the radius row is never read
    return complex(problem.flux_residual(coords.double(), value, jac))


@pytest.mark.parametrize("scale", [1.0, 0.8 * np.exp(0.3j)])
@pytest.mark.parametrize("radius", [0.05, 0.4, None])
def test_source_flux_residual_vanishes_for_the_exact_field_only(scale, radius):
    """Green's identity with J₀ on a circle around the source: 0 for the point source's closed form,
    (scale − 1)·s/|s| for a scaled one, at a small, a large and a random radius."""
    problem = Helmholtz(sigma=1e-6, flux_weight=1.0, flux_radius=0.45, flux_points=512)
    expected = (scale - 1) * problem.amplitude / abs(problem.amplitude)
    assert abs(_flux(problem, radius, scale) - expected) < 1e-3


def test_source_flux_uses_the_medium_at_an_off_centre_source():
    """A source at (-0.2, 0.1) in a uniform medium, and one inside the circle inclusion (velocity 2: k/2 there),
    where any field that solves the equation inside the inclusion has no residual, whatever lies outside it."""
    shifted = Helmholtz(sigma=1e-6, flux_weight=1.0, center=(-0.2, 0.1), flux_points=512)
    assert shifted.flux_radius == pytest.approx(0.3)  # the PML starts at x = -0.5
    assert abs(_flux(shifted, 0.25)) < 1e-3
    inside = Helmholtz(sigma=1e-6, flux_weight=1.0, velocity="circle", flux_points=512)
    assert inside.flux_radius == pytest.approx(0.1)
    assert abs(_flux(inside, 0.08, k=inside.k / 2)) < 1e-3
    assert abs(_flux(inside, 0.08)) > 0.1  # the background's k is wrong inside the inclusion


def test_flux_constraint_joins_the_loss_and_checks_its_radius():
    problem = Helmholtz(points=256, flux_weight=2.0)
    assert [c.name for c in problem.constraints] == ["helmholtz", "source_flux"]
    model = Siren(2, 2, hidden_features=16, hidden_layers=1)
    loss = problem.constraints[1].loss(model, 0, torch.Generator().manual_seed(0))
    assert loss.item() > 0 and loss.requires_grad
    with pytest.raises(TorchSirenError, match="flux_radius"):
        Helmholtz(flux_weight=1.0, flux_radius=0.6)
    with pytest.raises(TorchSirenError, match="flux_radius"):
        Helmholtz(flux_weight=1.0, flux_radius=0.01)
    with pytest.raises(TorchSirenError, match="flux_radius"):
        Helmholtz(flux_weight=1.0, velocity="circle", flux_radius=0.2)  # the inclusion ends at 0.1
    with pytest.raises(TorchSirenError, match="cannot apply"):
        Helmholtz(flux_weight=1.0, velocity="square", center=(-0.32, 0.0))  # the square is 0.02 away
    with pytest.raises(TorchSirenError, match="flux_weight"):
        Helmholtz(flux_weight=-1.0)


def test_the_api_and_the_cli_share_one_default_the_source_constraint_where_it_applies():
    assert Helmholtz(points=64).flux_weight == 1.0 and len(Helmholtz(points=64).constraints) == 2
    assert Helmholtz(points=64, velocity="square", center=(-0.35, 0.0)).flux_weight == 0.0  # the medium changes
    assert Helmholtz(points=64, flux_weight=0.0).flux_weight == 0.0


def test_adjoint_fwi_gradient_matches_finite_differences():
    """The adjoint gradient of the receiver misfit against a central difference."""
    from torchsiren.problems.inverse_helmholtz import AdjointSolve, WaveformInversion
    problem = WaveformInversion(wavenumber=10.0, low_wavenumbers=(), nodes=48, fd_nodes=95, eval_size=48)
    system, rhs, data, _ = problem.stages[0]
    m = torch.ones(48 * 48, dtype=torch.float64, requires_grad=True)
    loss = lambda m: ((AdjointSolve.apply(m, system, rhs, problem.receiver_matrix) - data.double()) ** 2).sum()
    (grad,) = torch.autograd.grad(loss(m), m)
    i = 24 * 48 + 20
    e = torch.zeros_like(m)
    e[i] = 1e-4
    fd = (loss(m.detach() + e) - loss(m.detach() - e)) / 2e-4
    assert abs(grad[i].item() - fd.item()) < 1e-3 * abs(fd.item())


@pytest.mark.parametrize("velocity", ["circle", "pair"])
def test_waveform_inversion_recovers_the_medium_on_a_coarse_grid(velocity):
    """A short adjoint-state run (48² nodes, k = 5 → 10 → 20, 150 steps) lands closer to the true medium than the
    background does: perturbation_rel_l2 (1 for the background) well below 1."""
    from torchsiren.problems.inverse_helmholtz import WaveformInversion
    torch.manual_seed(0)
    problem = WaveformInversion(wavenumber=20.0, velocity=velocity, low_wavenumbers=(5.0, 10.0), stage_steps=50,
                                nodes=48, fd_nodes=95, eval_size=48)
    model = Siren(2, 1, hidden_features=64, first_omega_0=5.0)
    train(model, problem, TrainConfig(steps=150, lr=1e-3, schedule="cosine", log_every=150), progress=False)
    metrics = problem.evaluate(model)
    assert metrics["perturbation_rel_l2"] < 0.8, metrics
