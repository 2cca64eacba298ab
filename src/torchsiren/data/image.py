"""Reading images (users' files and the bundled cameraman) into float arrays in [0, 1]."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import TorchSirenError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")


def _skimage_image(name: str) -> np.ndarray:
    """The image skimage.data.<name>() returns, read from the PNG scikit-image ships with PIL: skimage.data's own
    reader imports skimage.io, a quarter of a second or more before a command can train."""
    from skimage import data
    path = Path(data.__file__).with_name(f"{name}.png")
    if path.is_file():
        from PIL import Image
        with Image.open(path) as image:
            return np.asarray(image)
    return getattr(data, name)()


def cameraman() -> np.ndarray:
    """The 512² grayscale cameraman that scikit-image ships (no download): (512, 512, 1) in [0, 1]."""
    return to_float(_skimage_image("camera"))


def astronaut() -> np.ndarray:
    """scikit-image's 512² RGB astronaut: (512, 512, 3) in [0, 1]."""
    return to_float(_skimage_image("astronaut"))


def to_float(array: np.ndarray) -> np.ndarray:
    """Any integer or float image (H, W[, C]) -> float32 (H, W, C) in [0, 1]; RGBA loses its alpha, LA too."""
    a = np.asarray(array)
    if a.ndim == 2:
        a = a[:, :, None]
    if a.ndim != 3 or a.shape[0] == 0 or a.shape[1] == 0 or a.shape[2] == 0:
        raise TorchSirenError(f"image has shape {a.shape}; expected a non-empty height x width [x channels] image")
    if a.shape[2] in (2, 4):
        a = a[:, :, :-1]
    if a.shape[2] not in (1, 3):
        raise TorchSirenError(f"image has {a.shape[2]} channels; expected 1 (gray) or 3 (RGB)")
    if a.dtype == np.bool_:
        out = a.astype(np.float32)
    elif np.issubdtype(a.dtype, np.integer):
        out = a.astype(np.float64) / float(np.iinfo(a.dtype).max)
    elif np.issubdtype(a.dtype, np.floating):
        out = a.astype(np.float64)
        if not np.all(np.isfinite(out)):
            raise TorchSirenError("image contains NaN or infinite values; clean the file or export it again")
        lo, hi = float(out.min()), float(out.max())
        if lo < 0.0 or hi > 1.0:  # float images outside [0, 1]: rescale rather than clip
            out = (out - lo) / (hi - lo) if hi > lo else np.zeros_like(out)
    else:
        raise TorchSirenError(f"unsupported image data type {a.dtype}")
    return out.astype(np.float32)


def load_image(path: str | Path) -> np.ndarray:
    """Read PNG/JPEG/TIFF/… (gray, RGB, 8 or 16 bit, float TIFF) -> float32 (H, W, C) in [0, 1], C in {1, 3}."""
    import imageio.v3 as iio

    p = Path(path)
    if not p.exists():
        raise TorchSirenError(f"no such file: {p}")
    if p.is_dir():
        raise TorchSirenError(f"{p} is a folder; give the path of an image file")
    if p.stat().st_size == 0:
        raise TorchSirenError(f"{p} is empty (0 bytes)")
    try:
        array = iio.imread(p)
    except PermissionError:
        raise TorchSirenError(f"cannot read {p}: permission denied") from None
    except Exception as exc:  # imageio raises many types for files it cannot decode
        raise TorchSirenError(f"{p} is not a readable image ({type(exc).__name__}); use PNG, JPEG or TIFF") from None
    if array.ndim == 4:  # animated GIF / multi-page TIFF: take the first frame
        array = array[0]
    return to_float(array)


def resize_longer_side(image: np.ndarray, size: int) -> np.ndarray:
    """Scale (H, W, C) so that max(H, W) = size, keeping the aspect ratio.

    PIL's antialiased bilinear filter, as the authors' data pipeline (torchvision Resize on a PIL image) does, but
    on float channels so 16-bit images are not quantized. The filter matters: scikit-image's Gaussian + cubic
    resize keeps more high frequencies and costs 3.3 dB after 500 steps on cameraman 256²."""
    from PIL import Image

    h, w = image.shape[:2]
    scale = size / max(h, w)
    shape = (max(1, round(h * scale)), max(1, round(w * scale)))
    if shape == (h, w):
        return image.astype(np.float32)
    channels = [np.asarray(Image.fromarray(np.ascontiguousarray(image[..., c], np.float32), mode="F")
                           .resize((shape[1], shape[0]), Image.BILINEAR)) for c in range(image.shape[2])]
    return np.stack(channels, -1).clip(0, 1).astype(np.float32)


def save_image(path: str | Path, image: np.ndarray) -> None:
    """Write (H, W[, C]) floats in [0, 1] as an 8-bit PNG (or whatever the suffix says)."""
    import imageio.v3 as iio

    a = np.asarray(image, dtype=np.float64)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    iio.imwrite(path, (np.clip(a, 0, 1) * 255 + 0.5).astype(np.uint8))
