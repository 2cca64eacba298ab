"""Animations of fields over time (GIF through imageio)."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def save_animation(path: Path, frames: list[np.ndarray], fps: int = 10) -> None:
    """Signed (H, W) frames -> a red/blue GIF with one colour scale for all frames."""
    import imageio.v3 as iio
    from matplotlib import colormaps
    lim = max(float(np.percentile(np.abs(f), 99.5)) for f in frames) or 1.0
    cmap = colormaps["RdBu_r"]
    rgb = [(cmap(np.clip(0.5 + 0.5 * f / lim, 0, 1))[..., :3] * 255).astype(np.uint8) for f in frames]
    iio.imwrite(path, np.stack(rgb), duration=1000 / fps, loop=0)
