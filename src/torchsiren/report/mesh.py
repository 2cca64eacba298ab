"""Pictures of signed distances and meshes, drawn offscreen (no display needed): Φ on three planes as contour
plots, and a mesh shaded from a few viewpoints by splatting dense surface samples into a depth buffer."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn


@torch.no_grad()
def save_sdf_slices(path: Path, model: nn.Module, device: torch.device, size: int = 256) -> None:
    """Φ on x = 0, y = 0 and z = 0 over [−1, 1]², blue inside, red outside, the zero level in black."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    u = torch.linspace(-1, 1, size, device=device)
    a, b = torch.meshgrid(u, u, indexing="ij")
    zero = torch.zeros_like(a)
    planes = {"x = 0": (zero, a, b), "y = 0": (a, zero, b), "z = 0": (a, b, zero)}
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.2))
    for ax, (name, xyz) in zip(axes, planes.items()):
        values = model(torch.stack([c.reshape(-1) for c in xyz], 1)).reshape(size, size).float().cpu().numpy()
        lim = max(float(np.abs(values).max()), 1e-6)
        ax.imshow(values.T, origin="lower", extent=(-1, 1, -1, 1), cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.contour(u.cpu().numpy(), u.cpu().numpy(), values.T, levels=np.linspace(-lim, lim, 21), colors="k",
                   linewidths=0.3, alpha=0.5)
        if values.min() < 0 < values.max():
            ax.contour(u.cpu().numpy(), u.cpu().numpy(), values.T, levels=[0], colors="k", linewidths=1.5)
        ax.set_title(name)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _rotation(azimuth: float, elevation: float) -> np.ndarray:
    a, e = np.radians(azimuth), np.radians(elevation)
    rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, np.cos(e), -np.sin(e)], [0, np.sin(e), np.cos(e)]])
    return rx @ rz


def render_views(mesh, size: int = 320, views=((30, 35), (150, 35), (-90, 15)), samples: int = 600_000
                 ) -> np.ndarray:
    """(size, size · len(views), 3) uint8: the mesh seen from each (azimuth, elevation), orthographic, z up,
    Lambertian shading with a headlight and a key light."""
    from ..geometry.metrics import sample_surface
    points, normals = sample_surface(mesh, samples, seed=2)
    centre = (mesh.bounds[0] + mesh.bounds[1]) / 2
    radius = float(np.linalg.norm(mesh.bounds[1] - mesh.bounds[0])) / 2 or 1.0
    points = (points - centre) / radius
    images = []
    for azimuth, elevation in views:
        r = _rotation(azimuth, elevation)
        p, n = points @ r.T, normals @ r.T  # camera looks along +y after the rotation; x right, z up
        px = np.clip(((p[:, 0] + 1) / 2 * (size - 1)).round().astype(int), 0, size - 1)
        pz = np.clip(((1 - (p[:, 2] + 1) / 2) * (size - 1)).round().astype(int), 0, size - 1)
        pixel = pz * size + px
        order = np.lexsort((p[:, 1], pixel))  # per pixel, the nearest sample first
        first = order[np.r_[True, pixel[order][1:] != pixel[order][:-1]]]
        light = np.abs(n[first, 1]) * 0.6 + np.clip(n[first] @ np.array([0.4, -0.5, 0.75]), 0, None) * 0.4
        image = np.zeros((size * size, 3))
        image[pixel[first]] = (0.15 + 0.85 * light)[:, None] * np.array([200.0, 210.0, 235.0])
        hit = np.zeros(size * size, bool)
        hit[pixel[first]] = True
        images.append(_fill_pinholes(image.reshape(size, size, 3), hit.reshape(size, size)))
    return np.concatenate(images, 1).clip(0, 255).astype(np.uint8)


def _fill_pinholes(image: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """Pixels no sample landed on but most neighbours did take their neighbours' mean; the rest is background."""
    from scipy.ndimage import uniform_filter
    count = uniform_filter(hit.astype(float), 3, mode="constant") * 9
    total = np.stack([uniform_filter(image[..., c], 3, mode="constant") * 9 for c in range(3)], -1)
    fill = ~hit & (count >= 5)
    image[fill] = total[fill] / count[fill, None]
    image[~hit & ~fill] = 255.0
    return image


def render_mesh(mesh, path: Path, size: int = 320) -> None:
    """render_views as a PNG."""
    import imageio.v3 as iio
    iio.imwrite(path, render_views(mesh, size))


def stack_pictures(path: Path, pictures: list[Path]) -> None:
    """The pictures that exist, one above the other (padded to one width, white), as one PNG."""
    import imageio.v3 as iio
    images = [iio.imread(p)[..., :3] for p in pictures if Path(p).exists()]
    if not images:
        return
    width = max(i.shape[1] for i in images)
    padded = [np.pad(i, ((0, 0), (0, width - i.shape[1]), (0, 0)), constant_values=255) for i in images]
    iio.imwrite(path, np.concatenate(padded, 0))
