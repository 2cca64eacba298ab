"""Weights in the authors' layout and in siren-pytorch's load into Siren strictly and compute the same function."""
import json

import pytest
import torch

from torchsiren import Siren, TorchSirenError, convert_state_dict
from torchsiren.cli.main import main


def _layers(sizes):
    torch.manual_seed(0)
    return [(torch.randn(o, i) / i ** 0.5, torch.randn(o) * 0.1) for i, o in zip(sizes[:-1], sizes[1:])]


def _their_forward(layers, x, omegas):
    """The source's forward written out: sine layers sin(ω (W x + b)), then a linear last layer."""
    for (w, b), omega in zip(layers[:-1], omegas):
        x = torch.sin(omega * (x @ w.T + b))
    w, b = layers[-1]
    return x @ w.T + b


@pytest.mark.parametrize("prefix", ["net.", ""])  # SingleBVPNet, or its FCBlock alone
def test_the_authors_layout(prefix):
    layers = _layers([2, 32, 32, 32, 1])
    state = {}
    for i, (w, b) in enumerate(layers):
        state[f"{prefix}net.{i}.0.weight"], state[f"{prefix}net.{i}.0.bias"] = w, b
    converted, kwargs = convert_state_dict(state, "authors")
    model = Siren(**kwargs)
    model.load_state_dict(converted, strict=True)
    x = torch.rand(100, 2) * 2 - 1
    torch.testing.assert_close(model(x), _their_forward(layers, x, [30.0] * 3), atol=1e-6, rtol=1e-6)


def test_the_siren_pytorch_layout_with_its_hidden_omega_of_one(tmp_path, capsys):
    layers = _layers([3, 24, 24, 2])
    state = {f"layers.{i}.{k}": t for i, (w, b) in enumerate(layers[:-1]) for k, t in (("weight", w), ("bias", b))}
    state["last_layer.weight"], state["last_layer.bias"] = layers[-1]
    converted, kwargs = convert_state_dict(state, "siren-pytorch")
    assert kwargs["first_omega_0"] == 30.0 and kwargs["hidden_omega_0"] == 1.0 and kwargs["hidden_layers"] == 1
    model = Siren(**kwargs)
    model.load_state_dict(converted, strict=True)
    x = torch.rand(64, 3) * 2 - 1
    expected = _their_forward(layers, x, [30.0, 1.0])
    torch.testing.assert_close(model(x), expected, atol=1e-6, rtol=1e-6)

    torch.save(state, tmp_path / "theirs.pt")
    assert main(["convert", str(tmp_path / "theirs.pt"), str(tmp_path / "ours.safetensors"),
                 "--source", "siren-pytorch"]) == 0
    from safetensors import safe_open
    from safetensors.torch import load_file
    with safe_open(str(tmp_path / "ours.safetensors"), "pt") as f:
        again = Siren(**json.loads(f.metadata()["siren"]))
    again.load_state_dict(load_file(str(tmp_path / "ours.safetensors")), strict=True)
    torch.testing.assert_close(again(x), expected, atol=1e-6, rtol=1e-6)


def test_keys_of_another_layout_are_refused():
    with pytest.raises(TorchSirenError, match="not a key of the authors layout"):
        convert_state_dict({"layers.0.weight": torch.zeros(2, 2)}, "authors")
