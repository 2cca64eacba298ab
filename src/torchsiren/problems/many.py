"""Many images fitted at once by a BatchedSiren: Φ_b(x) = f_b(x) on the pixel grid for every image b. The loss
sums the images' own MSEs, so each SIREN gets the gradient it would get alone."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..data.grid import grid
from ..distributed import data_shard, share
from ..errors import TorchSirenError, check_positive
from ..metrics import psnr_from_mse
from .constraint import Batch, Constraint, Problem


class ManyImageFitting(Problem):
    """images (B, H, W, C) in [0, 1] (mapped to [−1, 1] as for one image); `batch_size` random pixels per step,
    the same pixels for every image (None: all of them). Under torchrun each process evaluates and
    differentiates every N-th SIREN from its rank (data_parallel: DDP then sums the SIRENs' gradients, each
    non-zero in one process), so N processes follow the one-process run."""

    task = "fit-many"
    headline = "psnr_mean"
    data_parallel = True

    def __init__(self, images: np.ndarray, batch_size: int | None = None, target_psnr: float = 30.0,
                 device: torch.device | str = "cpu", names: list[str] | None = None) -> None:
        images = np.asarray(images, dtype=np.float32)
        if images.ndim != 4 or len(images) < 1:
            raise TorchSirenError(f"images are (B, H, W, C), got shape {images.shape}")
        if batch_size is not None and batch_size < 1:
            raise TorchSirenError(f"batch_size must be >= 1, got {batch_size}", "batch_size")
        self.images, self.device, self.target_psnr = images, torch.device(device), float(target_psnr)
        check_positive("target_psnr", self.target_psnr, finite=True, unit="of dB")
        self.names = names or [f"{i:05d}" for i in range(len(images))]
        self.shape = images.shape[1:3]
        self.coords = grid(self.shape, device=self.device)
        self.target = torch.from_numpy(images.reshape(len(images), -1, images.shape[3])).to(self.device) * 2 - 1
        pixels = self.coords.shape[0]

        def sample(step: int, gen: torch.Generator) -> Batch:
            if batch_size is None or batch_size >= pixels:
                return Batch(self.coords, {"f": self.target})
            idx = torch.randint(0, pixels, (batch_size,), generator=gen, device=gen.device).to(self.device)
            return Batch(self.coords[idx], {"f": self.target[:, idx]})

        sample.static = batch_size is None or batch_size >= pixels
        sample.graph_safe = True
        self.sample = sample
        fit = Constraint("fit", sample, residual=lambda fields, batch: fields.value - batch["f"],
                         norm=lambda r: r.pow(2).mean(dim=(1, 2)).sum())
        super().__init__([fit])

    def loss(self, model: nn.Module, step: int, generator: torch.Generator) -> torch.Tensor:
        rank, size = data_shard()
        if size == 1:
            return super().loss(model, step, generator)
        batch = self.sample(step, generator)
        mine = torch.as_tensor(share(len(self.images), rank, size), device=self.device)
        residual = model(batch.coords, members=mine) - batch["f"][mine]
        # DDP averages gradients over the processes; each SIREN's is non-zero in its own process only
        return size * residual.pow(2).mean(dim=(1, 2)).sum()

    @torch.no_grad()
    def predict(self, model: nn.Module) -> np.ndarray:
        """(B, H, W, C) in [0, 1]."""
        out = model(self.coords).float()
        return ((out + 1) / 2).clamp(0, 1).reshape(len(self.images), *self.shape, -1).cpu().numpy()

    @torch.no_grad()
    def psnrs(self, model: nn.Module) -> np.ndarray:
        """Each image's PSNR (dB, on [0, 1])."""
        mse = (((model(self.coords).float() + 1) / 2).clamp(0, 1) - (self.target + 1) / 2).pow(2).mean(dim=(1, 2))
        return np.array([psnr_from_mse(float(m)) for m in mse.cpu()])

    def evaluate(self, model: nn.Module) -> dict[str, float]:
        p = self.psnrs(model)
        return {"psnr_mean": float(p.mean()), "psnr_min": float(p.min()),
                "reached": float((p >= self.target_psnr).mean())}

    def quality(self, metrics: dict[str, float]) -> float | None:
        """The lowest image's PSNR: a target is reached when every image reached it."""
        return metrics.get("psnr_min")

    def report(self, model: nn.Module, out_dir: Path) -> dict[str, Any]:
        from ..report.image import save_image_grid
        out_dir = Path(out_dir)
        p = self.psnrs(model)
        with open(out_dir / "signals.csv", "w", encoding="utf-8") as f:
            f.write("index,name,psnr\n" + "".join(f"{i},{n},{v:.3f}\n" for i, (n, v) in enumerate(zip(self.names, p))))
        shown = min(16, len(self.images))
        save_image_grid(out_dir / "fits.png", [self.images[:shown], self.predict(model)[:shown]])
        self.pictures = {f"the first {shown} images (top) and their fits (bottom)": "fits.png"}
        return {"psnr_mean": float(p.mean()), "psnr_std": float(p.std()), "psnr_min": float(p.min()),
                "count": len(self.images), "target_psnr": self.target_psnr,
                "reached_target": int((p >= self.target_psnr).sum())}

    def rates(self, steps: int, wall_time_s: float, history: list[dict] = ()) -> dict[str, float]:
        """signal_steps_per_second; and, once every image reached target_psnr at a logged step, the training time
        until then and the images fitted to the target per second."""
        out = {"signal_steps_per_second": len(self.images) * steps / max(wall_time_s, 1e-9)}
        done = next((row for row in history if row.get("reached") == 1.0 and "time_s" in row), None)
        if done is not None:
            out |= {"all_reached_target_at_step": done["step"], "all_reached_target_s": done["time_s"],
                    "signals_to_target_per_second": len(self.images) / max(done["time_s"], 1e-9)}
        return out
