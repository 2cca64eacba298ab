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


def can_write_mp4() -> bool:
    """Whether imageio's ffmpeg plugin (`pip install torchsiren[video]`, which ships its own ffmpeg) is here."""
    import importlib.util
    return importlib.util.find_spec("imageio_ffmpeg") is not None


def save_video(path: Path, frames: np.ndarray, fps: int = 12) -> None:
    """(T, H, W, C) frames in [0, 1] as a looping GIF, or as H.264 MP4 by the suffix (imageio's ffmpeg plugin;
    odd sides are padded by one edge pixel, as the codec's 4:2:0 colour needs even ones)."""
    import imageio.v3 as iio
    rgb = (np.clip(frames, 0, 1) * 255 + 0.5).astype(np.uint8)
    if Path(path).suffix == ".gif":
        iio.imwrite(path, rgb[..., 0] if rgb.shape[-1] == 1 else rgb, duration=1000 / fps, loop=0)
        return
    rgb = np.repeat(rgb, 3, -1) if rgb.shape[-1] == 1 else rgb
    rgb = np.pad(rgb, ((0, 0), (0, rgb.shape[1] % 2), (0, rgb.shape[2] % 2), (0, 0)), mode="edge")
    iio.imwrite(path, rgb, fps=fps, macro_block_size=2)


def save_frames_side_by_side(path: Path, truth: np.ndarray, pred: np.ndarray, count: int = 4) -> None:
    """`count` evenly spaced frames: ground truth on top, the reconstruction below, as one PNG."""
    from ..data.image import save_image
    which = np.linspace(0, truth.shape[0] - 1, min(count, truth.shape[0])).round().astype(int)
    save_image(path, np.concatenate([np.concatenate(list(truth[which]), 1), np.concatenate(list(pred[which]), 1)],
                                    0))
