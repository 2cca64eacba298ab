"""Poisson problems of the paper: an image recovered from its gradients or its Laplacian, and gradient-domain
image editing. Targets follow the authors' code (the image mapped to [-1, 1], Sobel filters for gradients, the
5-point Laplacian), expressed in the units of the coordinate grid unless a scale is given (see below). A solution is defined only up to an offset (and, with
these scaled targets, a scale), so quality is PSNR after the least-squares scale-and-offset alignment."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from scipy import ndimage
from torch import nn

from ..data.grid import grid
from ..data.image import save_image
from ..errors import TorchSirenError
from ..metrics import psnr_from_mse, ssim
from .constraint import Constraint, Problem, grid_sampler
from .fitting import predict_grid

ALIGNMENT = "least-squares scale and offset per channel (a·Φ + b), then clipped to [0, 1]"
# The authors Sobel-filter the (1, H, W) array of image·10, which also smooths along the size-1 channel axis
# (×4): scale 40 reproduces their gray targets with a per-channel 2-D Sobel; their Laplacian scale is 1e4.
# By default (scale None) targets are in the units of the coordinate grid instead: a Sobel response is 8× the
# derivative per pixel and a pixel is 2/(n-1) of [-1, 1], so Φ reproduces the image itself, at any size.
AUTHORS_GRADIENT_SCALE, AUTHORS_LAPLACIAN_SCALE = 40.0, 1e4
SOURCES = ("gradient", "laplacian")


def sobel_gradients(image: np.ndarray, scale: float | None = None) -> np.ndarray:
    """2-D Sobel derivatives of (image·2 - 1) per channel, ×scale (None: in grid units, ×(n-1)/16 per axis):
    (H, W, C) -> (H·W, C, 2), rows first."""
    img = np.asarray(image, np.float64) * 2 - 1
    factors = [scale if scale is not None else (n - 1) / 16.0 for n in img.shape[:2]]
    g = np.stack([np.stack([ndimage.sobel(img[..., c], axis=a) * factors[a] for a in (0, 1)], -1)
                  for c in range(img.shape[2])], axis=-2)  # (H, W, C, 2)
    return g.reshape(-1, img.shape[2], 2).astype(np.float32)


def discrete_laplacian(image: np.ndarray, scale: float | None = None) -> np.ndarray:
    """5-point Laplacian of (image·2 - 1) per channel, ×scale (None: in grid units, each axis' second difference
    ×((n-1)/2)²): (H, W, C) -> (H·W, C)."""
    img = np.asarray(image, np.float64) * 2 - 1
    out = np.zeros_like(img)
    for a, n in enumerate(img.shape[:2]):
        factor = scale if scale is not None else ((n - 1) / 2.0) ** 2
        out += ndimage.correlate1d(img, [1.0, -2.0, 1.0], axis=a, mode="reflect") * factor
    return out.reshape(-1, img.shape[2]).astype(np.float32)


def align(prediction: torch.Tensor, target: torch.Tensor, where: torch.Tensor | None = None) -> torch.Tensor:
    """a·prediction + b per channel, a and b the least-squares fit to target (both (N, C)) over the rows
    `where` selects (default all); clipped to [0, 1]."""
    p, t = prediction.double(), target.double()
    if where is not None:
        p, t = p[where], t[where]
    pm, tm = p.mean(0), t.mean(0)
    a = ((p - pm) * (t - tm)).sum(0) / ((p - pm) ** 2).sum(0).clamp_min(1e-30)
    return (a * (prediction.double() - pm) + tm).clamp(0, 1).float()


class _GradientDomain(Problem):
    """Shared by reconstruction and editing: an image shape, a reference for PSNR, pictures of the result."""

    headline = "psnr"
    gpu_precision = "fp16"  # keeps both Poisson forms' PSNR (docs/performance.md, "--precision auto")

    def _setup(self, reference: np.ndarray, device: torch.device | str) -> None:
        self.reference = np.asarray(reference, np.float32)
        self.shape = self.reference.shape[:2]
        self.device = torch.device(device)
        self.coords = grid(self.shape, device=self.device)
        self._ref_t = torch.from_numpy(self.reference.reshape(-1, self.reference.shape[2])).to(self.device)

    def solution(self, model: nn.Module) -> torch.Tensor:
        """Φ on the pixel grid after alignment to the reference: (H·W, C) in [0, 1]."""
        raw = predict_grid(model, self.shape, self.device).reshape(-1, self.reference.shape[2]).float()
        return align(raw, self._ref_t)

    def evaluate(self, model: nn.Module) -> dict[str, float]:
        mse = torch.mean((self.solution(model) - self._ref_t) ** 2).item()
        return {"psnr": psnr_from_mse(mse)}

    def predict(self, model: nn.Module) -> np.ndarray:
        """The aligned solution as an image (H, W, C) in [0, 1]."""
        return self.solution(model).cpu().numpy().reshape(self.reference.shape)


class PoissonReconstruction(_GradientDomain):
    """Recover an image (H, W, C) in [0, 1] from its Sobel gradients (∇Φ = g) or its Laplacian (ΔΦ = l)."""

    task = "poisson"

    def __init__(self, image: np.ndarray, source: str = "gradient", batch_size: int | None = None,
                 device: torch.device | str = "cpu", target_scale: float | None = None) -> None:
        if source not in SOURCES:
            raise TorchSirenError(f"source must be one of {', '.join(SOURCES)}, got {source!r}", "source")
        if target_scale is not None and not target_scale > 0:
            raise TorchSirenError(f"target_scale must be > 0, got {target_scale}", "target_scale")
        self.source, self.target_scale = source, target_scale
        self._setup(image, device)
        if source == "gradient":
            g = torch.from_numpy(sobel_gradients(self.reference, target_scale)).to(self.device)
            c = Constraint("gradient", grid_sampler(self.coords, {"g": g}, batch_size),
                           residual=lambda f, b: f.jacobian - b["g"], needs=("jacobian",), norm="l2")
        else:
            lap = torch.from_numpy(discrete_laplacian(self.reference, target_scale)).to(self.device)
            c = Constraint("laplacian", grid_sampler(self.coords, {"l": lap}, batch_size),
                           residual=lambda f, b: f.laplacian - b["l"], needs=("laplacian",), norm="mse")
        super().__init__([c])

    def harmonic_psnr(self, model: nn.Module | None) -> float:
        """PSNR after fitting a·Φ + (1, x, y, xy, x² - y²) per channel: a diagnostic for Laplacian supervision,
        which fixes the image only up to harmonic functions (these are the lowest-order ones).
        model=None fits the five harmonic functions alone: the floor this diagnostic starts from."""
        x, y = self.coords[:, :1].double(), self.coords[:, 1:].double()
        harmonics = torch.cat([torch.ones_like(x), x, y, x * y, x * x - y * y], 1)
        channels = self.reference.shape[2]
        raw = None if model is None else predict_grid(model, self.shape, self.device).reshape(-1, channels).double()
        mse = 0.0
        for c in range(channels):
            design = harmonics if raw is None else torch.cat([raw[:, c:c + 1], harmonics], 1)
            target = self._ref_t[:, c:c + 1].double()
            coef = torch.linalg.lstsq(design.cpu(), target.cpu()).solution.to(design.device)
            mse += torch.mean(((design @ coef).clamp(0, 1) - target) ** 2).item() / channels
        return psnr_from_mse(mse)

    def report(self, model: nn.Module, out_dir: Path) -> dict[str, Any]:
        from ..report.image import write_derivative_panels
        out_dir = Path(out_dir)
        recon = self.predict(model)
        save_image(out_dir / "reconstruction.png", recon)
        save_image(out_dir / "target.png", self.reference)
        self.pictures = {"reconstruction (aligned)": "reconstruction.png", "ground truth": "target.png",
                         **write_derivative_panels(model, self.reference, out_dir, self.device)}
        metrics = {"psnr": self.evaluate(model)["psnr"], "ssim": ssim(recon, self.reference), "alignment": ALIGNMENT,
                   "source": self.source, "target_scale": self.target_scale or "grid units"}
        if self.source == "laplacian":
            metrics["psnr_harmonic_aligned"] = self.harmonic_psnr(model)
            metrics["psnr_harmonics_alone"] = self.harmonic_psnr(None)  # what the alignment reaches without Φ
        return metrics


def box_mask(shape: tuple[int, int], box: tuple[float, float, float, float]) -> np.ndarray:
    """A boolean (H, W) mask of the box (top, left, bottom, right), given as fractions of the image in [0, 1]."""
    top, left, bottom, right = box
    if not all(0.0 <= v <= 1.0 for v in box):
        raise TorchSirenError(f"box {','.join(map(str, box))} lies outside the background; use fractions in [0, 1]",
                              "box")
    if not (top < bottom and left < right):
        raise TorchSirenError("box needs top < bottom and left < right (fractions of the image)", "box")
    h, w = shape
    mask = np.zeros(shape, bool)
    mask[int(round(top * h)):int(round(bottom * h)), int(round(left * w)):int(round(right * w))] = True
    return mask


class PoissonEditing(_GradientDomain):
    """Gradient-domain blending (Pérez et al. 2003, the paper's Fig. 5): inside `mask` the target gradient is
    mix·∇foreground + (1 - mix)·∇background (0.5/0.5 as in the authors' code; 1 = seamless cloning), outside it
    is ∇background. Both images (H, W, C) in [0, 1] with the same size; mask (H, W) bool."""

    task = "poisson-edit"

    def __init__(self, background: np.ndarray, foreground: np.ndarray, mask: np.ndarray, mix: float = 0.5,
                 device: torch.device | str = "cpu") -> None:
        if background.shape[:2] != foreground.shape[:2]:
            raise TorchSirenError(f"background is {background.shape[1]}x{background.shape[0]} but foreground is "
                                  f"{foreground.shape[1]}x{foreground.shape[0]}; give images of the same size")
        if mask.shape != background.shape[:2]:
            raise TorchSirenError(f"mask is {mask.shape[1]}x{mask.shape[0]}, images are "
                                  f"{background.shape[1]}x{background.shape[0]}; give a mask of the same size")
        if not mask.any():
            raise TorchSirenError("the mask selects no pixel; mark the foreground region with non-zero values")
        if not 0.0 <= mix <= 1.0:
            raise TorchSirenError(f"mix must lie in [0, 1], got {mix}", "mix")
        channels = max(background.shape[2], foreground.shape[2])
        bg, fg = (np.broadcast_to(im, im.shape[:2] + (channels,)) for im in (background, foreground))
        self.mask, self.background, self.foreground = mask, bg, fg
        naive = np.where(mask[..., None], fg, bg)
        self._setup(naive, device)  # PSNR against the copy-paste composite: how close, not how good
        m = mask.reshape(-1, 1, 1)
        g = np.where(m, mix * sobel_gradients(fg) + (1 - mix) * sobel_gradients(bg), sobel_gradients(bg))
        g_t = torch.from_numpy(g.astype(np.float32)).to(self.device)
        c = Constraint("gradient", grid_sampler(self.coords, {"g": g_t}),
                       residual=lambda f, b: f.jacobian - b["g"], needs=("jacobian",), norm="l2")
        super().__init__([c])

    def composite(self, model: nn.Module) -> np.ndarray:
        """Φ aligned (scale and offset) to the background outside the mask: (H, W, C) in [0, 1]."""
        raw = predict_grid(model, self.shape, self.device).reshape(-1, self.reference.shape[2]).float()
        outside = torch.from_numpy(~self.mask.reshape(-1)).to(self.device)
        bg = torch.from_numpy(np.array(self.background, np.float32).reshape(-1, raw.shape[1])).to(self.device)  # a copy
        out = align(raw, bg, outside) if outside.any() else align(raw, self._ref_t)
        return out.cpu().numpy().reshape(self.reference.shape)

    def report(self, model: nn.Module, out_dir: Path) -> dict[str, Any]:
        out_dir = Path(out_dir)
        comp = self.composite(model)
        save_image(out_dir / "composite.png", comp)
        save_image(out_dir / "naive.png", self.reference)
        save_image(out_dir / "mask.png", self.mask.astype(np.float32))
        self.pictures = {"Poisson composite": "composite.png", "copy-paste": "naive.png", "mask": "mask.png"}
        outside = ~self.mask
        bg_err = float(np.mean((comp[outside] - self.background[outside]) ** 2)) if outside.any() else float("nan")
        return {"background_mse": bg_err, "alignment": "scale and offset fitted to the background outside the mask"}
