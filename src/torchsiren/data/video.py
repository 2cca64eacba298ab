"""Reading users' videos (GIF, MP4/AVI through imageio, a folder of frames, a .npy array) and the bundled sample:
a camera panning and zooming across scikit-image's astronaut with a second layer moving over it, made by code."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import TorchSirenError
from .image import IMAGE_SUFFIXES, resize_longer_side, to_float

VIDEO_SUFFIXES = (".gif", ".mp4", ".avi", ".mov", ".mkv", ".webm")


def load_video(path: str | Path, frames: int | None = None, size: int | None = None) -> np.ndarray:
    """(T, H, W, C) float32 in [0, 1]. `frames`: the first N frames; `size`: the longer side of every frame."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise TorchSirenError(f"{path} holds no frames ({', '.join(IMAGE_SUFFIXES)})")
        from .image import load_image
        images = [load_image(f) for f in files[:frames]]
        shapes = {im.shape for im in images}
        if len(shapes) > 1:
            raise TorchSirenError(f"the frames in {path} have different sizes {sorted(shapes)}; give frames of one size")
        video = np.stack(images)
    elif not path.is_file():
        raise TorchSirenError(f"no such file or folder: {path}")
    elif path.suffix.lower() == ".npy":
        video = np.load(path, allow_pickle=False)
        if video.ndim == 3:
            video = video[..., None]
        if video.ndim != 4:
            raise TorchSirenError(f"{path} holds an array of shape {video.shape}; a video is (T, H, W[, C])")
        video = _float_frames(video)
    else:
        video = _read_container(path)
    if frames is not None:
        if frames > video.shape[0]:
            raise TorchSirenError(f"frames {frames} asked for, but {path} has {video.shape[0]}", "frames")
        video = video[:frames]
    if video.shape[0] < 2:
        raise TorchSirenError(f"{path} has {video.shape[0]} frame(s); a video needs at least 2")
    if size is not None:
        video = np.stack([resize_longer_side(f, size) for f in video])
    return np.ascontiguousarray(video, dtype=np.float32)


def _read_container(path: Path) -> np.ndarray:
    import imageio.v3 as iio
    try:
        video = np.asarray(iio.imread(path, index=None))
    except Exception as exc:
        hint = " (MP4 and AVI need the ffmpeg plugin: pip install imageio-ffmpeg)" if path.suffix != ".gif" else ""
        raise TorchSirenError(f"cannot read {path} as a video ({type(exc).__name__}){hint}") from None
    if video.ndim == 3:  # (T, H, W) gray, or a single RGB frame
        video = video[..., None] if video.shape[-1] not in (3, 4) else video[None]
    return _float_frames(video)


def _float_frames(video: np.ndarray) -> np.ndarray:
    """(T, H, W[, C]) of any integer or float type -> float32 (T, H, W, C) in [0, 1], alpha dropped."""
    if video.ndim == 3:
        video = video[..., None]
    if video.shape[-1] in (2, 4):
        video = video[..., :-1]
    if video.dtype.kind in "ui":
        return video.astype(np.float32) / np.iinfo(video.dtype).max
    return np.clip(video.astype(np.float32), 0.0, 1.0)


def panning_video(frames: int = 32, size: int = 64) -> np.ndarray:
    """(frames, size, size, 3) in [0, 1]: a window sweeping and zooming across `astronaut`, with a smaller patch
    of `coffee` moving the other way over it (so the motion is not one translation)."""
    from skimage import data
    from skimage.transform import resize

    astronaut, coffee = to_float(data.astronaut()), to_float(data.coffee())
    patch = resize(coffee, (size // 3, size // 3), anti_aliasing=True).astype(np.float32)
    out = np.empty((frames, size, size, 3), np.float32)
    for i in range(frames):
        s = i / max(frames - 1, 1)
        side = int(512 * (0.6 - 0.25 * s))  # zoom in
        top, left = int(40 + 120 * s), int(20 + (512 - side - 40) * s)  # pan
        out[i] = resize(astronaut[top:top + side, left:left + side], (size, size), anti_aliasing=True)
        y, x = int((size - patch.shape[0]) * (1 - s)), int((size - patch.shape[1]) * 0.5 * (1 + np.sin(3 * s)))
        out[i, y:y + patch.shape[0], x:x + patch.shape[1]] = patch
    return out
