"""`--first-omega auto`: the bandwidth it reads off a signal, in radians per unit of a [−1, 1] coordinate."""
import math

import numpy as np
import pytest

import torchsiren.models.first_omega as fo


def tone(samples: int, omega: float) -> np.ndarray:
    t = np.linspace(-1, 1, samples)
    return np.sin(omega * t)[:, None]


@pytest.mark.parametrize("omega", [40.0, 700.0])
def test_bandwidth_of_a_tone_is_its_angular_frequency(omega):
    resolution = 2 * math.pi  # two FFT bins over a [-1, 1] span (the Hann window's main lobe), in rad per unit
    assert abs(fo.bandwidth(tone(4001, omega)) - omega) < resolution


def test_bandwidth_in_two_dimensions_is_the_radial_frequency():
    y, x = np.meshgrid(np.linspace(-1, 1, 200), np.linspace(-1, 1, 300), indexing="ij")
    image = (np.sin(60 * y) * np.sin(80 * x))[..., None]
    assert abs(fo.bandwidth(image) - 100.0) < 2 * math.pi


def test_a_crop_measures_the_same_bandwidth(monkeypatch):
    signal = tone(20_001, 900.0) + 0.3 * tone(20_001, 300.0)
    whole = fo.bandwidth(signal)
    monkeypatch.setattr(fo, "MAX_ELEMENTS", 2048)
    assert abs(fo.bandwidth(signal) - whole) < 0.05 * whole


def test_the_rule_follows_the_signal():
    # the same tone over a clip twice as long (twice the samples on [-1, 1]): twice the ω₀
    one, two = fo.auto_first_omega(tone(4000, 500.0)), fo.auto_first_omega(tone(8000, 1000.0))
    assert two == pytest.approx(2 * one, rel=0.02)
    assert one == pytest.approx(fo.FACTOR * 500.0, rel=0.02)
    y, x = np.meshgrid(np.linspace(-1, 1, 128), np.linspace(-1, 1, 128), indexing="ij")
    image = np.sin(60 * y)[..., None] + 0 * x[..., None]
    assert fo.auto_first_omega(image) == pytest.approx(fo.FACTOR * 60.0, rel=0.05)
    assert fo.auto_first_omega(np.zeros((100, 1))) == fo.LIMITS[0]  # nothing to fit: the floor, not zero


def test_the_learning_rate_and_width_bound_it():
    """A clip whose spectrum asks for more than Adam keeps stable: the bound STABILITY / (lr·√width) decides."""
    fast = tone(40_000, 30_000.0)
    assert fo.auto_first_omega(fast, lr=1e-3, hidden_features=256) == pytest.approx(fo.STABILITY / (1e-3 * 16))
    assert fo.auto_first_omega(fast, lr=1e-4, hidden_features=256) == pytest.approx(fo.STABILITY / (1e-4 * 16))
    assert fo.auto_first_omega(fast, lr=1e-3, hidden_features=64) == pytest.approx(fo.STABILITY / (1e-3 * 8))
    assert fo.auto_first_omega(tone(4000, 500.0), lr=1e-4) == pytest.approx(fo.FACTOR * 500.0, rel=0.02)
    with pytest.raises(ValueError, match="lr"):
        fo.auto_first_omega(fast, lr=float("nan"))


def test_a_signal_needs_a_grid():
    with pytest.raises(ValueError, match="grid"):
        fo.bandwidth(np.zeros((1, 3)))
