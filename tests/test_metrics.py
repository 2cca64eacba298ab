import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from torchsiren.metrics import psnr, psnr_from_mse, ssim


@pytest.mark.parametrize("shape", [(17, 23), (16, 16, 3)])
def test_psnr_and_ssim_are_scikit_images(shape):
    rng = np.random.default_rng(0)
    target = rng.random(shape)
    prediction = np.clip(target + 0.05 * rng.standard_normal(shape), 0, 1).astype(np.float32)
    expected = peak_signal_noise_ratio(target, prediction.astype(np.float64), data_range=1.0)
    assert psnr(prediction, target) == pytest.approx(expected, rel=1e-12)
    assert psnr_from_mse(float(np.mean((prediction - target) ** 2))) == pytest.approx(expected, rel=1e-6)
    assert psnr(target, target) == float("inf")
    channel_axis = 2 if len(shape) == 3 else None
    assert ssim(prediction, target) == pytest.approx(structural_similarity(
        target, prediction.astype(np.float64), data_range=1.0, channel_axis=channel_axis, win_size=7))
