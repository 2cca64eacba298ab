import pytest
import torch

from torchsiren import MODEL_NAMES, ModelSpec, PositionalEncoding, build_model
from torchsiren.models import nyquist_frequencies


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_model_maps_coordinates_and_trains(name):
    torch.manual_seed(0)
    model = build_model(ModelSpec(name=name, in_features=2, out_features=3, hidden_features=32, hidden_layers=2,
                                  samples=64))
    x = torch.rand(64, 2) * 2 - 1
    target = torch.stack([torch.sin(3 * x[:, 0]), x[:, 1] ** 2, x.prod(1)], 1)
    y = model(x)
    assert y.shape == (64, 3) and torch.isfinite(y).all()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for _ in range(30):
        loss = ((model(x) - target) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        losses.append(loss.item())
        optimizer.step()
    assert all(p.grad is not None for p in model.parameters())  # every layer is reached
    assert losses[-1] < 0.8 * losses[0], losses[::10]  # (rbf, with its narrow σ = 10, is the slowest)


def test_nyquist_rule_of_the_reference():
    assert nyquist_frequencies(256) == 6 and nyquist_frequencies(512) == 7
    model = build_model(ModelSpec(name="relu-pe", samples=256, hidden_features=32))
    enc = model.net[0]
    assert isinstance(enc, PositionalEncoding) and enc.num_frequencies == 6
    assert enc.out_features == 2 + 2 * 2 * 6


def test_positional_encoding_values():
    enc = PositionalEncoding(1, 3)
    x = torch.tensor([[0.25]])
    out = enc(x)[0]
    import math
    expected = [0.25] + [math.sin(2 ** i * math.pi * 0.25) for i in range(3)] + \
               [math.cos(2 ** i * math.pi * 0.25) for i in range(3)]
    torch.testing.assert_close(out, torch.tensor(expected))
