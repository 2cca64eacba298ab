"""The paper's Fig. 1 panel: one row per model (and the ground truth), columns image, |∇|, Δ."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..metrics import psnr  # noqa: E402
from .image import image_derivatives, network_derivatives, to_display  # noqa: E402


def write_panel(path: Path, image: np.ndarray, shape: tuple[int, int], device, rows: list[tuple[str, np.ndarray, object]]
                ) -> None:
    """rows: (name, result image (H, W, C), model). Ground truth first, then each model with its PSNR."""
    gt_grad, gt_lap = image_derivatives(image)
    entries = [("ground truth", image, gt_grad, gt_lap)]
    for name, pred, model in rows:
        grad, lap = network_derivatives(model, shape, device)
        entries.append((f"{name} ({psnr(pred, image):.1f} dB)", pred, grad, lap))
    fig, axes = plt.subplots(len(entries), 3, figsize=(6.6, 2.2 * len(entries)), dpi=110, squeeze=False)
    for r, (label, img, grad, lap) in enumerate(entries):
        shown = [img[..., 0] if img.shape[2] == 1 else img, to_display(grad), to_display(lap, signed=True)]
        for c, arr in enumerate(shown):
            ax = axes[r, c]
            ax.imshow(arr, cmap="gray" if c < 2 else "RdBu_r", vmin=0, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
            if r == 0:
                ax.set_title(("image", "gradient |∇|", "Laplacian Δ")[c], fontsize=9)
        axes[r, 0].set_ylabel(label, fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
