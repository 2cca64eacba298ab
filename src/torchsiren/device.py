"""Choosing the device: auto = CUDA when present, else CPU. Nothing in torchsiren hard-codes .cuda()."""
from __future__ import annotations

import os

import torch

from .errors import TorchSirenError

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(name: str = "auto") -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise TorchSirenError("device cuda was asked for but no CUDA GPU is available; use cpu or auto", "device")
        return torch.device(name)
    if name == "cpu":
        return torch.device("cpu")
    raise TorchSirenError(f"unknown device {name!r}; use auto, cpu or cuda")


def device_name(device: torch.device) -> str:
    """A human-readable name: the GPU's model, or 'cpu (N threads)'."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"cpu ({torch.get_num_threads()} threads)"


def free_memory(device: torch.device) -> int | None:
    """Bytes free for new tensors on `device` (None where the system does not say)."""
    if device.type == "cuda":
        return torch.cuda.mem_get_info(device)[0]
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not Linux
        return None


def check_memory(needed: float, device: torch.device, what: str, fix: str) -> None:
    """Refuse, before any work, what would run `device` out of memory: one line saying what it would need."""
    free = free_memory(device)
    if free is not None and needed > free:
        where = "GPU" if device.type == "cuda" else "RAM"
        raise TorchSirenError(f"{what} needs about {needed / 2 ** 30:.1f} GiB, more than the {free / 2 ** 30:.1f} GiB "
                              f"of free {where}; {fix}")
