import numpy as np
import pytest
import torch
from scipy import ndimage

from torchsiren import Siren, TorchSirenError, TrainConfig, train
from torchsiren.problems.poisson import PoissonEditing, PoissonReconstruction, align, box_mask, discrete_laplacian, \
    sobel_gradients


def test_targets_follow_the_reference_conventions(small_image):
    g = sobel_gradients(small_image, scale=40.0)
    # the authors: scipy's Sobel of the (1, H, W) array of (image·2 - 1)·10
    ref = (small_image[..., 0][None] * 2 - 1) * 10
    np.testing.assert_allclose(g[:, 0, 0], ndimage.sobel(ref, axis=1)[0].ravel(), rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(g[:, 0, 1], ndimage.sobel(ref, axis=2)[0].ravel(), rtol=1e-5, atol=1e-3)


def test_default_targets_are_in_grid_units():
    # a linear ramp f = x (rows) has ∂f/∂x = 1 and Δf = 0 in grid units, whatever the size
    n = 17
    ramp = np.repeat(np.linspace(0, 1, n)[:, None], n, 1)[..., None]  # (image·2 - 1) = x
    g = sobel_gradients(ramp).reshape(n, n, 1, 2)
    np.testing.assert_allclose(g[1:-1, :, 0, 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(g[..., 0, 1], 0.0, atol=1e-6)
    quad = ((np.linspace(-1, 1, n)[:, None] ** 2 + 1) / 2 * np.ones((1, n)))[..., None]  # (image·2 - 1) = x²
    lap = discrete_laplacian(quad).reshape(n, n)
    np.testing.assert_allclose(lap[1:-1], 2.0, atol=1e-4)


def test_alignment_undoes_scale_and_offset():
    target = torch.rand(100, 3)
    np.testing.assert_allclose(align(3.0 * target - 7.0, target).numpy(), target.numpy(), atol=1e-5)


@pytest.fixture
def image64():
    from torchsiren.data import cameraman, resize_longer_side
    return resize_longer_side(cameraman(), 64)


def test_reconstruction_from_gradients_alone(image64):
    torch.manual_seed(0)
    problem = PoissonReconstruction(image64, "gradient")
    model = Siren(2, 1, hidden_features=64, hidden_layers=2)
    start = problem.evaluate(model)["psnr"]
    train(model, problem, TrainConfig(steps=250, lr=1e-3, log_every=250), progress=False)
    end = problem.evaluate(model)["psnr"]
    assert end > 29.0 and end > start + 10, (start, end)


def test_reconstruction_from_the_laplacian_fits_the_laplacian(small_image):
    torch.manual_seed(0)
    problem = PoissonReconstruction(small_image, "laplacian")
    model = Siren(2, 1, hidden_features=64, hidden_layers=2)
    gen = torch.Generator().manual_seed(0)
    before = problem.loss(model, 0, gen).item()
    train(model, problem, TrainConfig(steps=150, lr=1e-4, log_every=150), progress=False)
    after = problem.loss(model, 0, gen).item()
    assert after < before / 5, (before, after)


def test_editing_blends_and_keeps_the_background(image64):
    from skimage import data, transform
    fg = transform.resize(data.moon() / 255.0, (64, 64), anti_aliasing=True)[..., None].astype(np.float32)
    mask = box_mask(image64.shape[:2], (0.25, 0.25, 0.75, 0.75))
    problem = PoissonEditing(image64, fg, mask, mix=1.0)
    torch.manual_seed(0)
    model = Siren(2, 1, hidden_features=64, hidden_layers=2)
    train(model, problem, TrainConfig(steps=250, lr=1e-3, log_every=250), progress=False)
    comp = problem.composite(model)[..., 0]
    inside = mask[1:] & mask[:-1]
    outside = ~mask[1:] & ~mask[:-1]

    def corr(a, b, where):
        return np.corrcoef(np.diff(a, axis=0)[where], np.diff(b, axis=0)[where])[0, 1]

    # the composite takes the foreground's gradients inside the mask and the background's outside
    assert corr(comp, fg[..., 0], inside) > 0.6 and corr(comp, image64[..., 0], outside) > 0.8
    assert corr(comp, image64[..., 0], inside) < 0.5


def test_editing_refuses_bad_input(small_image):
    with pytest.raises(TorchSirenError, match="same size"):
        PoissonEditing(small_image, small_image[:16], np.ones((32, 32), bool))
    with pytest.raises(TorchSirenError, match="selects no pixel"):
        PoissonEditing(small_image, small_image, np.zeros((32, 32), bool))
    with pytest.raises(TorchSirenError, match="outside the background"):
        box_mask((32, 32), (0.5, 0.5, 1.2, 0.9))
