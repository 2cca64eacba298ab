"""Fitting a sampled signal: Φ(x) = f(x) on its grid. Images here; audio and video are the same constraint."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..data.grid import grid
from ..metrics import psnr, psnr_from_mse, ssim
from .constraint import Constraint, Problem, grid_sampler

EVAL_CHUNK = 1 << 16


@torch.no_grad()
def predict_grid(model: nn.Module, shape: tuple[int, ...], device: torch.device, chunk: int = EVAL_CHUNK
                 ) -> torch.Tensor:
    """Φ on every point of grid(shape), evaluated in chunks: (*shape, out_features)."""
    from ..data.grid import grid_chunks
    outs = [model(c) for c in grid_chunks(shape, chunk, device=device)]
    return torch.cat(outs).reshape(*shape, -1)


class ImageFitting(Problem):
    """Φ(x) − f(x) = 0 on the pixel grid, f an image (H, W, C) in [0, 1] mapped to [-1, 1] as the reference does.

    `batch_size` pixels per step at random (None: the whole image every step).
    """

    task = "fit-image"
    headline = "psnr"
    gpu_precision = "fp16"  # keeps the exact fp32 PSNR over seeds (docs/performance.md, "--precision auto")

    def __init__(self, image: np.ndarray, batch_size: int | None = None, device: torch.device | str = "cpu") -> None:
        self.image = np.asarray(image, dtype=np.float32)
        self.shape = self.image.shape[:2]
        self.device = torch.device(device)
        coords = grid(self.shape, device=self.device)
        self.target = torch.from_numpy(self.image.reshape(-1, self.image.shape[2])).to(self.device) * 2 - 1
        fit = Constraint("fit", grid_sampler(coords, {"f": self.target}, batch_size),
                         residual=lambda fields, batch: fields.value - batch["f"], needs=("value",), norm="mse")
        super().__init__([fit])

    def predict(self, model: nn.Module) -> np.ndarray:
        """The fitted image (H, W, C) in [0, 1] (clipped)."""
        out = predict_grid(model, self.shape, self.device)
        return ((out.float() + 1) / 2).clamp(0, 1).cpu().numpy()

    def evaluate(self, model: nn.Module) -> dict[str, float]:
        out = predict_grid(model, self.shape, self.device)
        pred = ((out.float() + 1) / 2).clamp(0, 1)
        mse = torch.mean((pred - (self.target.reshape(pred.shape) + 1) / 2) ** 2).item()
        return {"psnr": psnr_from_mse(mse)}

    def report(self, model: nn.Module, out_dir: Path) -> dict[str, Any]:
        from ..report.image import write_image_report
        pred = self.predict(model)
        metrics = {"psnr": psnr(pred, self.image), "ssim": ssim(pred, self.image)}
        self.pictures = write_image_report(model, self.image, pred, out_dir, self.device)
        return metrics
