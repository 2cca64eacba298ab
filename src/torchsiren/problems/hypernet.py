"""Learning a distribution of SIRENs (the paper's generalization experiment): a HyperSiren sees a few observed
pixels of an image and generates the SIREN of the whole image. Trained on many images with the authors' loss
MSE + 0.1·mean(z²) + 100·mean(θ²); judged by inpainting from 10, 100, 1000 random pixels or the top half,
against two baselines that need no training: the mean training image and the nearest observed pixel."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..data.grid import grid
from ..distributed import data_shard
from ..errors import TorchSirenError
from .constraint import Problem

SETTINGS = ("10", "100", "1000", "half")  # context settings of the evaluation: random pixels, or the top half
EVAL_SEED = 1234  # every evaluation draws the same context pixels, whatever the training seed


def context_masks(count: int, shape: tuple[int, int], setting: str, seed: int = EVAL_SEED) -> np.ndarray:
    """(count, H, W) bool: `setting` random pixels of each image (drawn from `seed`), or the top half."""
    h, w = shape
    if setting == "half":
        masks = np.zeros((count, h, w), bool)
        masks[:, :h // 2] = True
        return masks
    k = int(setting)
    if k > h * w:
        raise TorchSirenError(f"a context of {k} pixels is more than a {h}x{w} image has; use at most {h * w}")
    rng = np.random.default_rng(seed)
    masks = np.zeros((count, h * w), bool)
    for m in masks:
        m[rng.choice(h * w, k, replace=False)] = True
    return masks.reshape(count, h, w)


def nearest_pixel(images: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Every pixel takes the value of the nearest observed one (the no-learning inpainting baseline)."""
    from scipy.ndimage import distance_transform_edt
    out = np.empty_like(images)
    for i, (image, mask) in enumerate(zip(images, masks)):
        rows, cols = distance_transform_edt(~mask, return_distances=False, return_indices=True)
        out[i] = image[rows, cols]
    return out


def keep_observed(prediction: np.ndarray, images: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """The inpainted image: the observed pixels as they are, the prediction elsewhere."""
    return np.where(masks[..., None], images, prediction)


def predict(model: nn.Module, images: np.ndarray, masks: np.ndarray, device: torch.device, refine_steps: int = 0,
            refine_lr: float = 1e-3, chunk: int = 100) -> np.ndarray:
    """The HyperSiren's images (N, H, W, C) in [0, 1] from images (N, H, W, C) in [0, 1] and their masks. With
    `refine_steps`, each generated SIREN first takes that many Adam steps (rate `refine_lr`) on its own observed
    pixels: the hypernetwork's SIREN as the start of a per-image fit (test-time optimisation)."""
    from ..models.batched import batched_siren
    h, w, c = images.shape[1:]
    coords = grid((h, w), device=device)
    omegas = model.hypernet.omegas
    out = []
    for i in range(0, len(images), chunk):
        x = torch.from_numpy(images[i:i + chunk]).to(device) * 2 - 1
        m = torch.from_numpy(masks[i:i + chunk]).to(device)
        with torch.no_grad():
            weights, biases = model.hypernet(model.encode(x, m))
        if refine_steps:
            weights, biases = _fit_observed(weights, biases, omegas, coords, x, m, refine_steps, refine_lr)
        with torch.no_grad():
            values = batched_siren(coords, weights, biases, omegas).float()
        out.append(((values + 1) / 2).clamp(0, 1).reshape(-1, h, w, c).cpu().numpy())
    return np.concatenate(out)


def _fit_observed(weights: list[torch.Tensor], biases: list[torch.Tensor], omegas: list, coords: torch.Tensor,
                  x: torch.Tensor, mask: torch.Tensor, steps: int, lr: float) -> tuple[list, list]:
    """B SIRENs (weights, biases) after `steps` Adam steps on the MSE of each one's observed pixels (x (B, H, W, C),
    mask (B, H, W)). Each image's loss is its own, so every SIREN moves as it would alone."""
    from ..models.batched import batched_siren
    b, c = len(x), x.shape[-1]
    weights, biases = ([t.detach().clone().requires_grad_(True) for t in ts] for ts in (weights, biases))
    optimizer = torch.optim.Adam([*weights, *biases], lr=lr)
    target, known = x.reshape(b, -1, c), mask.reshape(b, -1, 1).to(x.dtype)
    count = known.sum((1, 2)).clamp(min=1) * c  # (B,): observed values per image
    for _ in range(steps):
        loss = (((batched_siren(coords, weights, biases, omegas) - target) ** 2 * known).sum((1, 2)) / count).sum()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return weights, biases


def inpainting_scores(model: nn.Module, images: np.ndarray, mean_image: np.ndarray, device: torch.device,
                      settings: tuple[str, ...] = SETTINGS, refine_steps: int = 0, refine_lr: float = 1e-3
                      ) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """MSE (pixels in [0, 1], mean over images, pixels and channels) of the inpainted images at each setting, for
    the hypernetwork and both baselines, every method keeping the observed pixels; the hypernetwork's raw
    prediction too (`…_prediction`, the paper's convention), and with `refine_steps` the generated SIRENs fitted
    further to the observed pixels (`…_refined`, see predict). Returns the scores and, per setting, the masks and
    predictions (for the panels)."""
    scores, shown = {}, {}
    for setting in settings:
        masks = context_masks(len(images), images.shape[1:3], setting)
        raw = predict(model, images, masks, device)
        methods = {"": keep_observed(raw, images, masks), "_prediction": raw,
                   "_mean_image": keep_observed(np.broadcast_to(mean_image, images.shape), images, masks),
                   "_nearest_pixel": nearest_pixel(images, masks)}
        refined = [predict(model, images, masks, device, refine_steps, refine_lr)] if refine_steps else []
        if refined:
            methods["_refined"] = keep_observed(refined[0], images, masks)
        for suffix, result in methods.items():
            scores[f"mse_context_{setting}{suffix}"] = float(np.mean((result - images) ** 2))
        shown[setting] = np.stack([np.where(masks[..., None], images, 0.5), raw, *refined, images])
    return scores, shown


class Inpainting(Problem):
    """images (N, H, W, C) in [0, 1] to learn from (`test`: held-out ones to judge by). Each step takes
    `batch_size` images, shows the model k random pixels of each (k uniform in `context`, inclusive; None: the
    authors' 10 to 200, at most the image's pixels), and fits the generated SIREN to the whole image; loss = MSE + latent_weight·mean(z²) + weight_weight·mean(θ²), θ every
    generated weight and bias (the authors' weights 0.1 and 100). Under torchrun every process draws the same
    batch and takes its own slice of it (data_parallel), so N processes follow the one-process run."""

    task = "hypernet"
    headline = "mse_context_100"
    data_parallel = True

    def __init__(self, images: np.ndarray, test: np.ndarray | None = None, batch_size: int = 100,
                 context: tuple[int, int] | None = None, latent_weight: float = 0.1, weight_weight: float = 100.0,
                 device: torch.device | str = "cpu", eval_count: int = 100) -> None:
        images = np.asarray(images, np.float32)
        if images.ndim != 4 or len(images) < 1:
            raise TorchSirenError(f"images are (N, H, W, C), got shape {images.shape}")
        pixels = images.shape[1] * images.shape[2]
        lo, hi = context or (min(10, pixels), min(200, pixels))
        if not 1 <= lo <= hi:
            raise TorchSirenError(f"context is a range of pixel counts LOW,HIGH with 1 <= LOW <= HIGH, got {lo},{hi}",
                                  "context")
        if hi > pixels:
            raise TorchSirenError(f"a context of {hi} pixels is more than a {images.shape[1]}x{images.shape[2]} image "
                                  f"has; use at most {pixels}", "context")
        if batch_size < 1:
            raise TorchSirenError(f"batch_size must be >= 1, got {batch_size}", "batch_size")
        super().__init__([])
        self.device = torch.device(device)
        self.images, self.context, self.batch_size = images, (lo, hi), min(batch_size, len(images))
        self.latent_weight, self.weight_weight = latent_weight, weight_weight
        self.test = np.asarray(test, np.float32) if test is not None else images
        self.mean_image = images.mean(0)
        self.shape = images.shape[1:3]
        self.coords = grid(self.shape, device=self.device)
        self.train_images = torch.from_numpy(images).to(self.device) * 2 - 1
        self.watch = self.test[:eval_count]
        self.watch_masks = context_masks(len(self.watch), self.shape, "100") if pixels >= 100 else None

    @property
    def static(self) -> bool:
        return False

    @property
    def replayable(self) -> bool:
        return False

    def loss(self, model: nn.Module, step: int, generator: torch.Generator) -> torch.Tensor:
        dev = generator.device
        n, (h, w), c = len(self.images), self.shape, self.images.shape[3]
        idx = torch.randint(0, n, (self.batch_size,), generator=generator, device=dev).to(self.device)
        images = self.train_images[idx]
        lo, hi = self.context
        k = int(torch.randint(lo, hi + 1, (1,), generator=generator, device=dev))
        scores = torch.rand(self.batch_size, h * w, generator=generator, device=dev).to(self.device)
        masks = torch.zeros_like(scores, dtype=torch.bool).scatter_(1, scores.topk(k, dim=1).indices, True)
        rank, size = data_shard()
        if self.batch_size % size:
            raise TorchSirenError(f"a batch of {self.batch_size} images does not split evenly between {size} "
                                  "processes; make batch_size a multiple of the process count", "batch_size")
        mine = slice(rank * self.batch_size // size, (rank + 1) * self.batch_size // size)
        images, masks = images[mine], masks[mine]
        values, latent, weights, biases = model(images, masks.reshape(-1, h, w), self.coords)
        mse = (values - images.reshape(len(images), h * w, c)).pow(2).mean()
        generated = torch.cat([t.flatten(1) for t in weights + biases], 1)
        return mse + self.latent_weight * latent.pow(2).mean() + self.weight_weight * generated.pow(2).mean()

    def evaluate(self, model: nn.Module) -> dict[str, float]:
        if self.watch_masks is None:
            return {}
        raw = predict(model, self.watch, self.watch_masks, self.device)
        return {"mse_context_100": float(np.mean((keep_observed(raw, self.watch, self.watch_masks) - self.watch) ** 2))}

    def report(self, model: nn.Module, out_dir: Path) -> dict[str, Any]:
        out_dir = Path(out_dir)
        np.save(out_dir / "mean_image.npy", self.mean_image)
        settings = tuple(s for s in SETTINGS if s == "half" or int(s) <= self.shape[0] * self.shape[1])
        scores, shown = inpainting_scores(model, self.test, self.mean_image, self.device, settings)
        self.pictures = write_pictures(model, self.test, shown, out_dir, self.device)
        return scores | {"count": len(self.test), "train_count": len(self.images)}


def write_pictures(model: nn.Module, images: np.ndarray, shown: dict[str, np.ndarray], out_dir: Path,
                   device: torch.device, count: int = 8) -> dict[str, str]:
    """Panels (context / prediction / refined prediction where scored / truth) per setting and a latent
    interpolation strip between two images; returns {caption: file name}."""
    from ..report.image import save_image_grid
    pictures = {}
    for setting, rows in shown.items():
        name = f"inpainting_{setting}.png"
        save_image_grid(out_dir / name, [row[:count] for row in rows])
        what = "the top half" if setting == "half" else f"{setting} random pixels"
        middle = "generated SIREN, refined" if len(rows) == 4 else "generated SIREN"
        pictures[f"from {what}: observed (top), {middle}, truth (bottom)"] = name
    if len(images) >= 2:
        save_image_grid(out_dir / "interpolation.png", [interpolate(model, images[0], images[1], device)])
        pictures["SIRENs generated along the line between two images' latent codes"] = "interpolation.png"
    return pictures


@torch.no_grad()
def interpolate(model: nn.Module, a: np.ndarray, b: np.ndarray, device: torch.device, steps: int = 8
                ) -> np.ndarray:
    """(steps, H, W, C) in [0, 1]: the SIRENs of latent codes from a's (fully observed) to b's."""
    h, w, c = a.shape
    x = torch.from_numpy(np.stack([a, b])).to(device) * 2 - 1
    z = model.encode(x, torch.ones(2, h, w, dtype=torch.bool, device=device))
    t = torch.linspace(0, 1, steps, device=device)[:, None]
    weights, biases = model.hypernet((1 - t) * z[0] + t * z[1])
    from ..models.batched import batched_siren
    values = batched_siren(grid((h, w), device=device), weights, biases, model.hypernet.omegas).float()
    return ((values + 1) / 2).clamp(0, 1).reshape(steps, h, w, c).cpu().numpy()
