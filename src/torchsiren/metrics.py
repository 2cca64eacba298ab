"""Quality measures on float arrays in [0, 1]: PSNR as scikit-image defines it, SSIM from scikit-image."""
from __future__ import annotations

import numpy as np


def psnr(prediction: np.ndarray, target: np.ndarray, data_range: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB: skimage.metrics.peak_signal_noise_ratio's formula (float64 MSE), computed
    here because importing that module imports scipy.stats, a third of a second of every report."""
    p, t = np.asarray(prediction, np.float64), np.asarray(target, np.float64)
    if p.shape != t.shape:
        raise ValueError(f"psnr of arrays of different shapes {p.shape} and {t.shape}")
    mse = float(np.mean((p - t) ** 2))
    return float("inf") if mse == 0 else psnr_from_mse(mse, data_range)


def psnr_from_mse(mse: float, data_range: float = 1.0) -> float:
    """10·log10(range² / mse) in dB (the in-loop measure; equals `psnr` on the same arrays)."""
    return float(10 * np.log10(data_range ** 2 / max(mse, 1e-20)))


def ssim(prediction: np.ndarray, target: np.ndarray, data_range: float = 1.0) -> float | None:
    """Structural similarity of (H, W[, C]) images (skimage.metrics.structural_similarity); None for an image
    narrower than 3 pixels, too small for a structural comparison."""
    from skimage.metrics import structural_similarity
    p, t = np.asarray(prediction, np.float64), np.asarray(target, np.float64)
    if p.ndim == 3 and p.shape[2] == 1:
        p, t = p[..., 0], t[..., 0]
    channel_axis = 2 if p.ndim == 3 else None
    m = min(p.shape[:2])
    win = 7 if m >= 7 else (m if m % 2 else m - 1)
    if win < 3:
        return None
    return float(structural_similarity(t, p, data_range=data_range, channel_axis=channel_axis, win_size=win))
