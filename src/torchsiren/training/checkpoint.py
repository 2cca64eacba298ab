"""Checkpoints as safetensors (never pickle), written atomically: a temp file in the same folder, then rename.

model.safetensors holds the weights alone (what a user loads); checkpoint.safetensors holds everything needed
to resume bit for bit: weights, Adam's moments and step counts, the sampling RNG state, the step and wall time.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file
from torch import nn

from ..errors import TorchSirenError

MODEL_FILE, CHECKPOINT_FILE = "model.safetensors", "checkpoint.safetensors"


def temp_beside(path: Path) -> tuple[int, str]:
    """A new temp file beside `path` (for an atomic replace), with the mode a plain open() would give it: mkstemp
    makes it 0600, which os.replace would carry to the final file (colleagues could not read a shared run)."""
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.chmod(tmp, _user_mode())
    return fd, tmp


def _user_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_save(tensors: dict[str, torch.Tensor], path: Path, metadata: dict[str, str] | None = None) -> None:
    """save_file into a temp file beside `path`, fsync, then os.replace: a crash leaves the old file intact."""
    path = Path(path)
    fd, tmp = temp_beside(path)
    os.close(fd)
    try:
        save_file({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, tmp, metadata=metadata)
        os.chmod(tmp, _user_mode())  # safetensors writes the file anew
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_model(model: nn.Module, path: Path, metadata: dict | None = None) -> None:
    """The model's state_dict (weights and buffers) as safetensors; metadata values are JSON-encoded."""
    meta = {k: json.dumps(v) for k, v in (metadata or {}).items()}
    atomic_save(dict(model.state_dict()), path, meta)


def read_tensors(path: Path, device: torch.device | str = "cpu") -> tuple[dict[str, torch.Tensor], dict]:
    """All tensors of a safetensors file and its JSON-decoded metadata; a clear error for a bad file."""
    path = Path(path)
    if not path.is_file():
        raise TorchSirenError(f"no checkpoint at {path}")
    try:
        with safe_open(str(path), framework="pt", device=str(device)) as f:
            tensors = {k: f.get_tensor(k) for k in f.keys()}
            meta = {k: json.loads(v) for k, v in (f.metadata() or {}).items()}
    except TorchSirenError:
        raise
    except Exception as exc:
        raise TorchSirenError(f"{path} is not a readable safetensors checkpoint ({exc})") from None
    return tensors, meta


def read_metadata(path: Path) -> dict:
    """The JSON-decoded metadata of a safetensors file, without reading its tensors."""
    path = Path(path)
    if not path.is_file():
        raise TorchSirenError(f"no checkpoint at {path}")
    try:
        with safe_open(str(path), framework="pt") as f:
            return {k: json.loads(v) for k, v in (f.metadata() or {}).items()}
    except Exception as exc:
        raise TorchSirenError(f"{path} is not a readable safetensors checkpoint ({exc})") from None


def load_model(model: nn.Module, path: Path) -> dict:
    """Load weights saved by save_model into `model`; returns the metadata. Mismatched shapes: a clear error."""
    device = next(model.parameters()).device
    tensors, meta = read_tensors(path, device)
    load_state(model, tensors, path)
    return meta


def load_state(model: nn.Module, tensors: dict[str, torch.Tensor], source: Path) -> None:
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()
        detail = next((ln.strip() for ln in first[1:] if ln.strip()), first[0] if first else "")
        raise TorchSirenError(f"checkpoint {source} does not match the model in config.json ({detail})") from None


def save_checkpoint(path: Path, model: nn.Module, optimizer: torch.optim.Optimizer, generator: torch.Generator,
                    step: int, extra: dict | None = None) -> None:
    """Everything a resumed run needs, in one atomic file."""
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    for i, state in optimizer.state_dict()["state"].items():
        for key, value in state.items():
            tensors[f"optimizer.{i}.{key}"] = torch.as_tensor(value)
    tensors["rng"] = generator.get_state()
    meta = {"step": step, **(extra or {})}
    atomic_save(tensors, path, {k: json.dumps(v) for k, v in meta.items()})


def load_checkpoint(path: Path, model: nn.Module, optimizer: torch.optim.Optimizer, generator: torch.Generator
                    ) -> dict:
    """Restore model, optimizer and RNG saved by save_checkpoint; returns the metadata (step, …).

    Resuming on the CPU is bit-exact; on a GPU, to float32 rounding (the fused kernels sum bias gradients with
    atomic adds, so two uninterrupted GPU runs differ as much). On another device type (CPU <-> CUDA) the random
    point samples of later steps differ (the generators' states are not interchangeable)."""
    device = next(model.parameters()).device
    tensors, meta = read_tensors(path, device)
    load_state(model, {k[6:]: v for k, v in tensors.items() if k.startswith("model.")}, path)
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        if key.startswith("optimizer."):
            _, index, name = key.split(".", 2)
            state.setdefault(int(index), {})[name] = value
    for s in state.values():  # Adam keeps its step count on the CPU unless it is fused/capturable
        if "step" in s:
            s["step"] = s["step"].cpu()
    opt_state = optimizer.state_dict()
    opt_state["state"] = state
    optimizer.load_state_dict(opt_state)
    rng = tensors["rng"].cpu()
    if rng.numel() == generator.get_state().numel():
        generator.set_state(rng)
    else:  # saved on another device type: sampling continues from a fresh, still deterministic stream
        generator.manual_seed(int(meta.get("step", 0)) + 1_000_003 * int(meta.get("seed", 0)))
    return meta
