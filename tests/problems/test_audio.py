"""Audio fitting: the first layer's ω₀ must match the sample rate on t ∈ [-1, 1] (3000, as the authors), the
signal is normalised by max |a| and restored on output, and SNR is measured on the whole clip."""
import numpy as np
import pytest
import torch

from torchsiren import Siren, TorchSirenError, TrainConfig, train
from torchsiren.data.audio import melody
from torchsiren.problems.audio import AudioFitting


def _fit(first_omega, steps=300):
    samples, rate = melody(8000, 0.25)  # 2000 samples
    torch.manual_seed(0)
    model = Siren(1, 1, 64, 2, first_omega_0=first_omega)
    problem = AudioFitting(samples * 3.0, rate)  # any amplitude: the problem normalises and restores it
    train(model, problem, TrainConfig(steps=steps, lr=1e-3, schedule="cosine", log_every=steps), progress=False)
    return problem, model


def test_a_high_first_omega_fits_audio_and_a_low_one_does_not():
    problem, model = _fit(3000.0)
    good = problem.evaluate(model)
    assert good["snr_db"] > 50, good  # measured: 87.8 dB after 300 steps
    low_problem, low_model = _fit(30.0)
    bad = low_problem.evaluate(low_model)
    assert bad["snr_db"] < good["snr_db"] - 30, (bad, good)  # measured: 24.6 dB with the images' ω₀ = 30
    pred = problem.predict(model)
    assert pred.shape == (2000, 1) and 1.0 < np.abs(pred).max() < 2.0  # back in the input's scale (max 1.5)


def test_silent_and_broken_audio_are_refused():
    with pytest.raises(TorchSirenError, match="silent"):
        AudioFitting(np.zeros((100, 1)), 8000)
    with pytest.raises(TorchSirenError, match="at least 2"):
        AudioFitting(np.zeros((1, 1)), 8000)
    with pytest.raises(TorchSirenError, match="NaN"):
        AudioFitting(np.full((10, 1), np.nan), 8000)
