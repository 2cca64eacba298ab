"""Pictures of scalar and complex fields (matplotlib colour maps)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def save_field(path: Path, field: np.ndarray, title: str, cmap: str = "RdBu_r", limit: float | None = None) -> None:
    """A 2-D field over [-1, 1]² with a colour bar (symmetric limits for signed maps)."""
    lim = limit if limit is not None else float(np.percentile(np.abs(field), 99.5)) or 1.0
    fig, ax = plt.subplots(figsize=(3.6, 3.2), dpi=110)
    vmin = -lim if cmap == "RdBu_r" else 0.0
    im = ax.imshow(field, cmap=cmap, vmin=vmin, vmax=lim, extent=(-1, 1, 1, -1))
    ax.set_title(title, fontsize=9)
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def save_complex_field(out_dir: Path, stem: str, u: np.ndarray, label: str, scale_like: np.ndarray | None = None
                       ) -> dict[str, str]:
    """Real part, imaginary part and magnitude of a complex (H, W) field; returns {caption: file}."""
    ref = u if scale_like is None else scale_like
    lim = float(np.percentile(np.abs(ref), 99)) or 1.0
    files = {}
    for part, data, cmap in (("real", u.real, "RdBu_r"), ("imag", u.imag, "RdBu_r"), ("abs", np.abs(u), "magma")):
        name = f"{stem}_{part}.png"
        save_field(Path(out_dir) / name, data, f"{label}: {part}", cmap, lim)
        files[f"{label} ({part})"] = name
    return files
