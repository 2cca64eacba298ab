"""Plots of a run's history (matplotlib, headless)."""
from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_history(history: list[dict], path: Path, metric: str = "psnr") -> Path | None:
    """Plot `metric` (or the loss when absent) against step; returns the file written, or None without data."""
    rows = [r for r in history if metric in r] or [r for r in history if "loss" in r]
    if not rows:
        return None
    key = metric if metric in rows[0] else "loss"
    fig, ax = plt.subplots(figsize=(5, 3.2), dpi=120)
    ax.plot([r["step"] for r in rows], [r[key] for r in rows], lw=1.5)
    ax.set_xlabel("step")
    ax.set_ylabel("PSNR (dB)" if key == "psnr" else key)
    if key == "loss":
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)


def plot_series(path: Path, values: list[float], xlabel: str, ylabel: str) -> Path:
    """One value per index (e.g. PSNR per frame), with its mean ± std as a band."""
    fig, ax = plt.subplots(figsize=(5, 3.2), dpi=120)
    mean, std = float(np.mean(values)), float(np.std(values))
    ax.plot(range(len(values)), values, lw=1.5)
    ax.axhspan(mean - std, mean + std, alpha=0.2, label=f"mean {mean:.2f} ± {std:.2f}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)
