"""Fitting a video: Φ(t, y, x) = f(t, y, x) on [-1, 1]³, a random fraction of all voxels each step (the whole
video would be 78M points at 512²×300); whole frames are evaluated in chunks, one frame at a time."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..errors import TorchSirenError
from ..metrics import psnr_from_mse
from .constraint import Batch, Constraint, Problem
from .fitting import predict_grid


class VideoFitting(Problem):
    """Φ − f = 0 for a video f (T, H, W, C) in [0, 1] (mapped to [-1, 1] as images are), `batch_size` random
    voxels per step, their coordinates computed from their indices (no coordinate tensor of the whole video)."""

    task = "fit-video"
    headline = "psnr"

    def __init__(self, video: np.ndarray, batch_size: int, device: torch.device | str = "cpu") -> None:
        video = np.asarray(video, dtype=np.float32)
        if video.ndim != 4 or video.shape[0] < 2:
            raise TorchSirenError(f"a video is (T >= 2, H, W, C), got shape {video.shape}")
        if not batch_size >= 1:
            raise TorchSirenError(f"batch_size must be >= 1, got {batch_size}", "batch_size")
        self.video, self.device = video, torch.device(device)
        self.shape = video.shape[:3]
        self.target = torch.from_numpy(video.reshape(-1, video.shape[3])).to(self.device) * 2 - 1
        self.batch_size = int(batch_size)
        sizes = torch.tensor(self.shape, device=self.device)
        scale = 2.0 / (sizes - 1).clamp(min=1)

        def sample(step: int, gen: torch.Generator) -> Batch:
            idx = torch.randint(0, self.target.shape[0], (self.batch_size,), generator=gen, device=gen.device)
            idx = idx.to(self.device)
            t, rest = idx // (self.shape[1] * self.shape[2]), idx % (self.shape[1] * self.shape[2])
            coords = torch.stack([t, rest // self.shape[2], rest % self.shape[2]], 1) * scale - 1
            return Batch(coords, {"f": self.target[idx]})

        sample.graph_safe = True  # drawn on the generator's device: a CUDA graph replay draws new voxels
        fit = Constraint("fit", sample, residual=lambda fields, batch: fields.value - batch["f"], norm="mse")
        super().__init__([fit])

    @torch.no_grad()
    def frames(self, model: nn.Module, which: list[int] | None = None) -> np.ndarray:
        """Φ on whole frames (default: all), (len(which), H, W, C) in [0, 1]; one frame at a time."""
        which = range(self.shape[0]) if which is None else which
        t_axis = torch.linspace(-1, 1, self.shape[0])
        out = []
        for i in which:
            xy = predict_grid(_AtTime(model, float(t_axis[i])), self.shape[1:], self.device)
            out.append(((xy.float() + 1) / 2).clamp(0, 1).cpu().numpy())
        return np.stack(out)

    def evaluate(self, model: nn.Module) -> dict[str, float]:
        pred = self.frames(model)
        psnrs = [psnr_from_mse(float(np.mean((p - f) ** 2))) for p, f in zip(pred, self.video)]
        return {"psnr": float(np.mean(psnrs)), "psnr_std": float(np.std(psnrs))}

    def report(self, model: nn.Module, out_dir: Path) -> dict[str, Any]:
        from ..report.video import can_write_mp4, save_frames_side_by_side, save_video
        from ..report.plots import plot_series
        out_dir = Path(out_dir)
        pred = self.frames(model)
        psnrs = [psnr_from_mse(float(np.mean((p - f) ** 2))) for p, f in zip(pred, self.video)]
        save_video(out_dir / "reconstruction.gif", pred)  # for the page
        if can_write_mp4():
            save_video(out_dir / "reconstruction.mp4", pred)
        save_frames_side_by_side(out_dir / "frames.png", self.video, pred)
        plot_series(out_dir / "psnr_per_frame.png", psnrs, "frame", "PSNR (dB)")
        self.pictures = {"reconstruction": "reconstruction.gif",
                         "ground truth (top) and reconstruction (bottom)": "frames.png",
                         "PSNR per frame": "psnr_per_frame.png"}
        return {"psnr": float(np.mean(psnrs)), "psnr_std": float(np.std(psnrs)), "frames": self.shape[0],
                "height": self.shape[1], "width": self.shape[2]}


class _AtTime(nn.Module):
    """Φ(t, ·, ·) as a module of (y, x) for one t, so frames are evaluated as images are."""

    def __init__(self, model: nn.Module, t: float) -> None:
        super().__init__()
        self.model, self.t = model, t

    def forward(self, yx: torch.Tensor) -> torch.Tensor:
        return self.model(torch.cat([torch.full_like(yx[:, :1], self.t), yx], 1))
