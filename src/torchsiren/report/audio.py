"""Pictures of an audio fit: waveforms (ground truth, reconstruction, residual) and both spectrograms."""
from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_waveforms(path: Path, truth: np.ndarray, pred: np.ndarray, rate: int) -> None:
    """Three rows over time (first channel): the signal, the fit, and their difference on the same scale."""
    t = np.arange(truth.shape[0]) / rate
    fig, axes = plt.subplots(3, 1, figsize=(8, 5), dpi=110, sharex=True, sharey=True)
    for ax, y, name in zip(axes, (truth[:, 0], pred[:, 0], pred[:, 0] - truth[:, 0]),
                           ("ground truth", "reconstruction", "residual")):
        ax.plot(t, y, lw=0.5)
        ax.set_ylabel(name)
    axes[-1].set_xlabel("time (s)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_spectrograms(path: Path, truth: np.ndarray, pred: np.ndarray, rate: int) -> None:
    """Log-power spectrograms (first channel) of the signal and of the fit, one colour scale."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), dpi=110, sharey=True)
    nfft = min(512, 2 ** int(np.log2(max(truth.shape[0] // 4, 16))))
    for ax, y, name in zip(axes, (truth[:, 0], pred[:, 0]), ("ground truth", "reconstruction")):
        ax.specgram(y, NFFT=nfft, Fs=rate, noverlap=nfft // 2, vmin=-120, vmax=0)
        ax.set_title(name)
        ax.set_xlabel("time (s)")
    axes[0].set_ylabel("frequency (Hz)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
