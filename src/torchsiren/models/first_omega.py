"""`first_omega_0="auto"`: the first layer's ω₀ chosen from the signal to be fitted, so that nobody has to guess it.

Two bounds, the lower one wins:
- the spectrum: ω₀ = FACTOR · ω_q, where ω_q is the angular frequency (radians per unit of a [−1, 1] coordinate,
  radial over all axes) below which a fraction q of the signal's energy (mean removed) lies;
- stability: Adam moves each first-layer weight by about `lr` per step, which turns every first-layer phase by
  up to ω₀·lr, and the next layer adds `hidden_features` such turns coherently (its input grows like
  √hidden_features · ω₀ · lr). Past STABILITY the fit does not start at all (audio at lr 1e-3 and ω₀ 3000 ends
  near 0 dB), so ω₀ ≤ STABILITY / (lr · √hidden_features).
The constants are calibrated by `benchmarks/first_omega_sweep.py` (docs/results.md).
"""
from __future__ import annotations

import math

import numpy as np

QUANTILE = 0.99
FACTOR = 0.4
STABILITY = 16.0
LIMITS = (1.0, 1e5)
MAX_ELEMENTS = 1 << 22  # larger signals: their spectrum is measured on a centred crop of this many samples


def bandwidth(signal: np.ndarray, quantile: float = QUANTILE) -> float:
    """ω_q of `signal` (*grid, channels) sampled on [−1, 1] per axis: the radial angular frequency per coordinate
    unit below which `quantile` of the energy lies (mean removed, Hann-windowed, channels summed)."""
    signal = np.asarray(signal, dtype=np.float64)
    grid = signal.shape[:-1]
    if not grid or min(grid) < 2:
        raise ValueError(f"a signal is (*grid, channels) with >= 2 samples per axis, got shape {signal.shape}")
    spacing = [2.0 / (n - 1) for n in grid]  # of the whole signal; a crop keeps it
    crop = _centred_crop(grid, MAX_ELEMENTS)
    part = signal[tuple(slice((n - c) // 2, (n - c) // 2 + c) for n, c in zip(grid, crop))]
    part = part - part.mean(axis=tuple(range(len(grid))))
    for axis, c in enumerate(crop):  # a Hann window per axis: the clip's edges would leak energy to every frequency
        shape = [1] * part.ndim
        shape[axis] = c
        part = part * np.hanning(c).reshape(shape)
    power = (np.abs(np.fft.fftn(part, axes=tuple(range(len(grid))))) ** 2).sum(-1)
    radius2 = 0.0
    for axis, (c, h) in enumerate(zip(crop, spacing)):
        omega = 2 * math.pi * np.fft.fftfreq(c, d=h)  # rad per coordinate unit
        shape = [1] * len(crop)
        shape[axis] = c
        radius2 = radius2 + omega.reshape(shape) ** 2
    radius = np.sqrt(radius2).ravel()
    power = power.ravel()
    total = power.sum()
    if total <= 0:
        return 0.0
    order = np.argsort(radius)
    cumulative = np.cumsum(power[order]) / total
    return float(radius[order][min(np.searchsorted(cumulative, quantile), len(order) - 1)])


def auto_first_omega(signal: np.ndarray, lr: float = 1e-3, hidden_features: int = 256,
                     quantile: float = QUANTILE, factor: float = FACTOR) -> float:
    """The first layer's ω₀ for fitting `signal` (*grid, channels) on [−1, 1] per axis with Adam at peak rate `lr`
    and `hidden_features` units per hidden layer (see the module's rule)."""
    if not (lr > 0 and math.isfinite(lr)) or hidden_features < 1:
        raise ValueError(f"lr must be a positive number and hidden_features >= 1, got {lr} and {hidden_features}")
    omega = min(factor * bandwidth(signal, quantile), STABILITY / (lr * math.sqrt(hidden_features)))
    return float(min(max(omega, LIMITS[0]), LIMITS[1]))


def _centred_crop(grid: tuple[int, ...], limit: int) -> list[int]:
    """Per-axis sizes whose product is at most `limit`, shrinking every axis by the same factor."""
    size = math.prod(grid)
    if size <= limit:
        return list(grid)
    shrink = (limit / size) ** (1 / len(grid))
    return [max(2, int(n * shrink)) for n in grid]
