"""Pictures of an image fit: the fit, and its gradient magnitude and Laplacian beside the ground truth's."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..data.grid import grid_chunks
from ..data.image import save_image
from ..derivatives import evaluate
from ..kernels.dispatch import plain_torch

DERIVATIVE_CHUNK = 1 << 14


@torch.no_grad()
def network_derivatives(model: nn.Module, shape: tuple[int, int], device: torch.device
                        ) -> tuple[np.ndarray, np.ndarray]:
    """|∇Φ| and ΔΦ on the pixel grid, averaged over channels: two (H, W) arrays (in coordinate units). In plain
    PyTorch: pictures made once a run are not worth compiling the derivative kernels for (seconds on first use)."""
    grads, laps = [], []
    with plain_torch():
        for coords in grid_chunks(shape, DERIVATIVE_CHUNK, device=device):
            f = evaluate(model, coords, ("jacobian", "laplacian"))
            grads.append(f.jacobian.norm(dim=-1).mean(-1).cpu())
            laps.append(f.laplacian.mean(-1).cpu())
    return torch.cat(grads).reshape(shape).numpy(), torch.cat(laps).reshape(shape).numpy()


def image_derivatives(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sobel gradient magnitude and discrete Laplacian of (H, W, C) averaged over channels: two (H, W) arrays."""
    from scipy import ndimage
    gray = np.asarray(image, np.float64).mean(-1)
    gx, gy = ndimage.sobel(gray, axis=0), ndimage.sobel(gray, axis=1)
    return np.hypot(gx, gy), ndimage.laplace(gray)


def to_display(a: np.ndarray, signed: bool = False) -> np.ndarray:
    """Map an array to [0, 1] for viewing, robust to outliers (1st–99th percentile; signed arrays centred at 0)."""
    a = np.asarray(a, np.float64)
    if signed:
        s = np.percentile(np.abs(a), 99) or 1.0
        return np.clip(0.5 + 0.5 * a / s, 0, 1)
    lo, hi = np.percentile(a, 1), np.percentile(a, 99)
    return np.clip((a - lo) / (hi - lo if hi > lo else 1.0), 0, 1)


def write_image_report(model: nn.Module, image: np.ndarray, pred: np.ndarray, out_dir: Path,
                       device: torch.device) -> dict[str, str]:
    """Write fit.png, target.png and the gradient/Laplacian panels; return {caption: file name}."""
    out_dir = Path(out_dir)
    save_image(out_dir / "fit.png", pred)
    save_image(out_dir / "target.png", image)
    return {"fit": "fit.png", "ground truth": "target.png", **write_derivative_panels(model, image, out_dir, device)}


def write_derivative_panels(model: nn.Module, image: np.ndarray, out_dir: Path, device: torch.device
                            ) -> dict[str, str]:
    """|∇Φ| and ΔΦ beside the image's Sobel gradient and discrete Laplacian, as four PNGs."""
    net_grad, net_lap = network_derivatives(model, image.shape[:2], device)
    gt_grad, gt_lap = image_derivatives(image)
    panels = {"gradient_fit.png": to_display(net_grad), "gradient_target.png": to_display(gt_grad),
              "laplacian_fit.png": to_display(net_lap, signed=True),
              "laplacian_target.png": to_display(gt_lap, signed=True)}
    for name, arr in panels.items():
        save_image(out_dir / name, arr)
    return {"|∇Φ|": "gradient_fit.png",
            "|∇f| (Sobel)": "gradient_target.png", "ΔΦ": "laplacian_fit.png", "Δf (discrete)": "laplacian_target.png"}


def save_image_grid(path: Path, rows: list[np.ndarray], gap: int = 2) -> None:
    """Rows of images (each (n, H, W, C) in [0, 1]) as one PNG, a white gap between tiles."""
    from ..data.image import save_image
    h, w = rows[0].shape[1:3]
    n = max(len(r) for r in rows)
    canvas = np.ones((len(rows) * (h + gap) - gap, n * (w + gap) - gap, rows[0].shape[3]), np.float32)
    for i, row in enumerate(rows):
        for j, tile in enumerate(row):
            canvas[i * (h + gap):i * (h + gap) + h, j * (w + gap):j * (w + gap) + w] = tile
    save_image(path, canvas)
