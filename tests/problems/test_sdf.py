"""The signed-distance loss is the authors' loss exactly, and it fits a sphere to a signed distance."""
import numpy as np
import pytest
import torch

from torchsiren import Siren, TorchSirenError, TrainConfig, train
from torchsiren.problems.sdf import SDFFitting, SDFWeights


def sphere_cloud(n=4000, radius=0.5, seed=0):
    rng = np.random.default_rng(seed)
    normals = rng.normal(size=(n, 3))
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    return radius * normals, normals


def test_the_loss_is_the_authors():
    """Their code averages each term over the 2N points of a step (surface terms zero off the surface)."""
    points, normals = sphere_cloud()
    problem = SDFFitting(points, normals, batch_size=256)
    torch.manual_seed(0)
    model = Siren(3, 1, 32, 2)
    loss = problem.loss(model, 0, torch.Generator().manual_seed(5))
    gen = torch.Generator().manual_seed(5)  # the same draws: surface rows, then uniform points
    idx = torch.randint(0, len(points), (256,), generator=gen)
    x = torch.cat([problem.points[idx], torch.rand(256, 3, generator=gen) * 2 - 1]).requires_grad_(True)
    y = model(x)
    grad = torch.autograd.grad(y.sum(), x, create_graph=True)[0]
    on = torch.arange(512) < 256
    n = torch.cat([problem.normals[idx], torch.zeros(256, 3)])
    sdf = torch.where(on, y[:, 0], torch.zeros(())).abs().mean() * 3e3
    inter = torch.where(on, torch.zeros(()), torch.exp(-100 * y[:, 0].abs())).mean() * 1e2
    normal = torch.where(on, 1 - torch.nn.functional.cosine_similarity(grad, n, dim=-1), torch.zeros(())).mean() * 1e2
    eikonal = (grad.norm(dim=-1) - 1).abs().mean() * 5e1
    torch.testing.assert_close(loss, sdf + inter + normal + eikonal, rtol=1e-5, atol=1e-5)


def test_a_sphere_is_fitted_to_a_signed_distance():
    points, normals = sphere_cloud()
    problem = SDFFitting(points, normals, batch_size=1000)
    torch.manual_seed(0)
    model = Siren(3, 1, 64, 2)
    start = problem.evaluate(model)
    train(model, problem, TrainConfig(steps=300, lr=1e-4, grad_clip=1.0, log_every=300), progress=False)
    m = problem.evaluate(model)
    assert m["surface_distance"] < 0.003 and m["normal_cosine"] > 0.98, m
    assert m["eikonal_error"] < 0.6 * start["eikonal_error"], (start, m)  # ‖∇Φ‖ → 1 away from the surface too
    directions = torch.nn.functional.normalize(torch.randn(200, 3, generator=torch.Generator().manual_seed(1)), dim=1)
    with torch.no_grad():  # signed: negative just inside, positive just outside, about the distance in size
        inside, outside = model(0.4 * directions), model(0.6 * directions)
    assert (inside < 0).float().mean() > 0.95 and (outside > 0).float().mean() > 0.95
    assert 0.05 < -inside.median() < 0.2 and 0.05 < outside.median() < 0.2, (inside.median(), outside.median())


def test_bad_weights_are_refused():
    points, normals = sphere_cloud(100)
    with pytest.raises(TorchSirenError, match="eikonal"):
        SDFFitting(points, normals, weights=SDFWeights(eikonal=-1.0))
    with pytest.raises(TorchSirenError, match="batch_size"):
        SDFFitting(points, normals, batch_size=0)
