"""Fitting a sound: Φ(t) = a(t) on t ∈ [-1, 1], the samples divided by max |a| (the scale is restored on output)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..data.grid import grid
from ..errors import TorchSirenError
from .constraint import Constraint, Problem, grid_sampler
from .fitting import predict_grid


class AudioFitting(Problem):
    """Φ(t) − a(t)/max|a| = 0 on the sample grid, a (T, C) at `rate` Hz; each channel is one output.

    `batch_size` samples per step at random (None: the whole clip every step). Metrics: MSE of the normalised
    signal and SNR in dB.
    """

    task = "fit-audio"
    headline = "snr_db"

    def __init__(self, samples: np.ndarray, rate: int, batch_size: int | None = None,
                 device: torch.device | str = "cpu") -> None:
        samples = np.asarray(samples, dtype=np.float32)
        if samples.ndim == 1:
            samples = samples[:, None]
        if samples.shape[0] < 2:
            raise TorchSirenError(f"audio needs at least 2 samples, got {samples.shape[0]}")
        if not np.isfinite(samples).all():
            raise TorchSirenError("audio has NaN or infinite samples")
        self.scale = float(np.abs(samples).max())
        if self.scale == 0:
            raise TorchSirenError("the audio is silent (max |a| = 0): there is nothing to fit")
        self.samples, self.rate, self.device = samples, int(rate), torch.device(device)
        self.length = samples.shape[0]
        self.target = torch.from_numpy(samples / self.scale).to(self.device)
        fit = Constraint("fit", grid_sampler(grid((self.length,), device=self.device), {"a": self.target},
                                             batch_size),
                         residual=lambda fields, batch: fields.value - batch["a"], needs=("value",), norm="mse")
        super().__init__([fit])

    def predict(self, model: nn.Module) -> np.ndarray:
        """Φ on every sample, in the input's scale: (T, C)."""
        return predict_grid(model, (self.length,), self.device).float().cpu().numpy() * self.scale

    def evaluate(self, model: nn.Module) -> dict[str, float]:
        pred = predict_grid(model, (self.length,), self.device).float()
        err = ((pred - self.target) ** 2).sum().item()
        signal = (self.target ** 2).sum().item()
        return {"mse": err / self.target.numel(), "snr_db": float(10 * np.log10(signal / max(err, 1e-30)))}

    def report(self, model: nn.Module, out_dir: Path) -> dict[str, Any]:
        from ..data.audio import save_audio
        from ..report.audio import plot_spectrograms, plot_waveforms
        out_dir = Path(out_dir)
        pred = self.predict(model)
        save_audio(out_dir / "reconstruction.wav", pred, self.rate)
        save_audio(out_dir / "ground_truth.wav", self.samples, self.rate)
        plot_waveforms(out_dir / "waveforms.png", self.samples, pred, self.rate)
        plot_spectrograms(out_dir / "spectrograms.png", self.samples, pred, self.rate)
        self.pictures = {"waveforms: ground truth, reconstruction, residual": "waveforms.png",
                         "spectrograms": "spectrograms.png"}
        self.audio = {"ground truth": "ground_truth.wav", "reconstruction": "reconstruction.wav"}
        with torch.no_grad():
            metrics = self.evaluate(model)
        return metrics | {"samples": self.length, "sample_rate": self.rate, "channels": self.samples.shape[1],
                          "max_abs": self.scale}
