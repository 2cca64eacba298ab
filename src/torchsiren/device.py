"""Choosing the device: auto = CUDA when present, else CPU. Nothing in torchsiren hard-codes .cuda()."""
from __future__ import annotations

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
