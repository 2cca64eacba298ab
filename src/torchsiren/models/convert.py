"""Weights from other SIREN code as a torchsiren Siren: the authors' `modules.py` layout and siren-pytorch's.

    state, kwargs = convert_state_dict(torch.load("model_final.pth", weights_only=True), "authors")
    model = Siren(**kwargs)
    model.load_state_dict(state)        # strict: every tensor has its place

Authors (`SingleBVPNet`/`FCBlock`): keys `[net.]net.{i}.0.weight|bias`, ω₀ = 30 in every sine layer, the last
layer linear. siren-pytorch (`SirenNet`): keys `layers.{i}.weight|bias` and `last_layer.weight|bias`, first
layer ω₀ = `w0_initial` (30) and hidden ω₀ = `w0` (1 by default: pass `hidden_omega_0=` if yours differs); its
`final_activation` is not in the weights (give Siren the same one).
"""
from __future__ import annotations

import re

import torch

from ..errors import TorchSirenError

SOURCES = ("authors", "siren-pytorch")
_AUTHORS = re.compile(r"(?:^|\.)net\.(\d+)\.0\.(weight|bias)$")
_SIREN_PYTORCH = re.compile(r"(?:^|\.)(?:layers\.(\d+)|(last_layer))\.(weight|bias)$")


def convert_state_dict(state_dict: dict[str, torch.Tensor], source: str, first_omega_0: float = 30.0,
                       hidden_omega_0: float | None = None) -> tuple[dict[str, torch.Tensor], dict]:
    """(state dict for Siren.load_state_dict(strict=True), the Siren keyword arguments that match it).

    hidden_omega_0: the hidden layers' ω₀ if it differs from the source's default (authors 30, siren-pytorch 1).
    """
    if source not in SOURCES:
        raise TorchSirenError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
    layers: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in state_dict.items():
        if source == "authors":
            match = _AUTHORS.search(key)
            index, name = (int(match.group(1)), match.group(2)) if match else (None, None)
        else:
            match = _SIREN_PYTORCH.search(key)
            index = (-1 if match.group(2) else int(match.group(1))) if match else None
            name = match.group(3) if match else None
        if index is None:
            raise TorchSirenError(f"{key!r} is not a key of the {source} layout (see torchsiren.models.convert)")
        layers.setdefault(index, {})[name] = value
    if source == "siren-pytorch" and -1 in layers:
        layers[max(layers) + 1] = layers.pop(-1)
    order = sorted(layers)
    if len(order) < 2 or order != list(range(len(order))):
        raise TorchSirenError(f"{source} weights need consecutive layers 0..L with a last linear layer, got {order}")
    for i in order:
        if set(layers[i]) != {"weight", "bias"}:
            raise TorchSirenError(f"layer {i} has {sorted(layers[i])}; Siren's layers have a weight and a bias")
    weights = [layers[i]["weight"] for i in order]
    hidden = weights[0].shape[0]
    if any(w.shape != (hidden, hidden) for w in weights[1:-1]) or weights[-1].shape[1] != hidden:
        raise TorchSirenError("Siren has one hidden width; these layers have "
                              + ", ".join(f"{tuple(w.shape)}" for w in weights))
    last = len(order) - 1
    converted = {}
    for i in order[:-1]:
        converted[f"net.{i}.linear.weight"] = layers[i]["weight"]
        converted[f"net.{i}.linear.bias"] = layers[i]["bias"]
    converted[f"net.{last}.weight"], converted[f"net.{last}.bias"] = layers[last]["weight"], layers[last]["bias"]
    default_hidden = 30.0 if source == "authors" else 1.0
    kwargs = {"in_features": weights[0].shape[1], "out_features": weights[-1].shape[0], "hidden_features": hidden,
              "hidden_layers": last - 1, "first_omega_0": float(first_omega_0),
              "hidden_omega_0": float(default_hidden if hidden_omega_0 is None else hidden_omega_0),
              "outermost_linear": True}
    return converted, kwargs
