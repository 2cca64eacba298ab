"""Many small images at once: a folder of users' images, or the bundled patches (32² tiles cut from the images
scikit-image ships, made by code with a fixed split) for fitting many signals and for hypernetworks."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from ..errors import TorchSirenError
from .image import IMAGE_SUFFIXES, load_image, to_float

STILLS = ("astronaut", "camera", "coffee", "chelsea", "rocket", "immunohistochemistry", "hubble_deep_field",
          "page", "text", "moon", "brick", "grass", "gravel", "colorwheel")


def _square(image: np.ndarray, size: int) -> np.ndarray:
    """The image's centred square crop resized to size², RGB float32 in [0, 1]."""
    from skimage.transform import resize
    h, w = image.shape[:2]
    side = min(h, w)
    crop = image[(h - side) // 2:(h - side) // 2 + side, (w - side) // 2:(w - side) // 2 + side]
    crop = np.repeat(crop, 3, -1) if crop.shape[-1] == 1 else crop[..., :3]
    return resize(crop, (size, size), anti_aliasing=True).astype(np.float32)


def bundled_patches(size: int = 32, split: str = "train") -> np.ndarray:
    """(N, size, size, 3) in [0, 1]: every still shipped with scikit-image, as a 256² square cut into size² tiles;
    every fifth tile (in a fixed order) is the test split, the rest train."""
    from skimage import data
    if split not in ("train", "test", "all"):
        raise ValueError(f"split is train, test or all, got {split!r}")
    tiles = []
    for name in STILLS:
        image = to_float(getattr(data, name)())
        image = image[..., None] if image.ndim == 2 else image
        square = _square(image, 256)
        n = 256 // size
        tiles += [square[i * size:(i + 1) * size, j * size:(j + 1) * size] for i in range(n) for j in range(n)]
    tiles = np.stack(tiles)
    test = np.arange(len(tiles)) % 5 == 4
    return tiles if split == "all" else tiles[test if split == "test" else ~test]


def bundled_faces(size: int = 32, split: str = "train") -> np.ndarray:
    """(200, size, size, 3) in [0, 1] split as bundled_patches: the 25² grey faces of scikit-image's `lfw_subset`
    (Labeled Faces in the Wild), resized to size², for hypernetworks over faces without a download."""
    from skimage import data
    from skimage.transform import resize
    if split not in ("train", "test", "all"):
        raise ValueError(f"split is train, test or all, got {split!r}")
    faces = np.stack([resize(f, (size, size), anti_aliasing=True) for f in data.lfw_subset()]).astype(np.float32)
    faces = np.repeat(faces[..., None], 3, -1)
    test = np.arange(len(faces)) % 5 == 4
    return faces if split == "all" else faces[test if split == "test" else ~test]


BUNDLED = {"patches": bundled_patches, "faces": bundled_faces}


def load_collection(path: str, size: int = 32, split: str = "train") -> tuple[np.ndarray, list[str] | None, str]:
    """A bundled collection by name (patches, faces; `split` applies) or a folder of images (all of it): the
    images (N, size, size, 3), their names (None when bundled) and what they are, in words."""
    if path in BUNDLED and not Path(path).exists():
        return BUNDLED[path](size, split), None, f"the bundled {path} ({split})"
    images, names = load_folder(path, size)
    return images, names, str(path)


def load_folder(path: str | Path, size: int = 32) -> tuple[np.ndarray, list[str]]:
    """Every image in a folder as (N, size, size, 3) in [0, 1] (centred square crops; other sizes are resized,
    with a warning) and their file names. Unreadable files are skipped with a warning that counts them."""
    folder = Path(path)
    if not folder.is_dir():
        raise TorchSirenError(f"{folder} is not a folder of images")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    images, names, broken, resized = [], [], 0, 0
    for file in files:
        try:
            image = load_image(file)
        except TorchSirenError:
            broken += 1
            continue
        resized += image.shape[0] != size or image.shape[1] != size
        images.append(_square(image, size))
        names.append(file.name)
    if broken:
        warnings.warn(f"skipped {broken} unreadable file(s) in {folder}", stacklevel=2)
    if resized:
        warnings.warn(f"{resized} image(s) were not {size}x{size}: centre-cropped and resized", stacklevel=2)
    if not images:
        raise TorchSirenError(f"{folder} holds no readable images ({', '.join(IMAGE_SUFFIXES)})")
    return np.stack(images), names
