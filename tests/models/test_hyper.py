"""Hypernetworks over SIRENs: generated SIRENs are evaluated as B separate ones, start near a SIREN's scale,
and the whole chain trains (an encoder → code → weights → pixels)."""
import torch

from torchsiren.models.batched import BatchedSiren
from torchsiren.models.hyper import ConvEncoder, HyperNetwork, SetEncoder


def test_generated_sirens_are_batched_sirens():
    torch.manual_seed(0)
    hyper = HyperNetwork(8, 2, 3, hidden_features=16, hidden_layers=1, hyper_hidden_features=32)
    z = torch.randn(4, 8)
    weights, biases = hyper(z)
    assert [w.shape for w in weights] == [(4, 16, 2), (4, 16, 16), (4, 3, 16)] and biases[1].shape == (4, 16)
    coords = torch.rand(50, 2) * 2 - 1
    many = BatchedSiren(4, 2, 3, hidden_features=16, hidden_layers=1)
    with torch.no_grad():
        for p, q in zip(many.weights, weights):
            p.copy_(q)
        for p, q in zip(many.biases, biases):
            p.copy_(q)
    torch.testing.assert_close(hyper.siren(coords, z), many(coords))
    # the init: generated first-layer weights about U(±1/in) of the SIREN (the last layer's bias), little of z
    zero = hyper(torch.zeros(1, 8))[0][0]
    assert zero.abs().max() <= 1 / 2 and (weights[0] - zero).abs().mean() < 0.1 * zero.abs().mean() + 0.05


def test_an_encoder_and_a_hypernetwork_learn_to_reproduce_images():
    torch.manual_seed(0)
    images = torch.rand(6, 3, 8, 8)
    coords = torch.stack(torch.meshgrid(torch.linspace(-1, 1, 8), torch.linspace(-1, 1, 8), indexing="ij"), -1)
    coords = coords.reshape(-1, 2)
    target = images.permute(0, 2, 3, 1).reshape(6, 64, 3)
    encoder = ConvEncoder(3, size=8, latent_dim=16, width=16)
    hyper = HyperNetwork(16, 2, 3, 16, 1, hyper_hidden_features=32)
    sets = SetEncoder(2, 3, latent_dim=16, hidden_features=16)
    assert sets(torch.cat([coords.expand(6, -1, -1), target], -1)).shape == (6, 16)
    opt = torch.optim.Adam([*encoder.parameters(), *hyper.parameters()], 1e-3)
    masked = torch.cat([images, torch.ones(6, 1, 8, 8)], 1)
    losses = []
    for _ in range(150):
        loss = ((hyper.siren(coords, encoder(masked)) - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.3 * losses[0], (losses[0], losses[-1])


def test_the_set_encoder_reads_only_the_observed_points():
    """With as many observed pixels in every image, HyperSiren gathers them (no work on the rest); otherwise it
    takes the masked mean over all pixels: the same code either way."""
    from torchsiren.data.grid import grid
    from torchsiren.models.hyper import HyperSiren
    torch.manual_seed(0)
    model = HyperSiren(channels=3, size=8, encoder="set", latent_dim=4, hidden_features=8, hyper_hidden_features=8)
    image = torch.rand(3, 8, 8, 3)
    mask = torch.zeros(3, 64, dtype=torch.bool).scatter_(1, torch.rand(3, 64).topk(5).indices, True)
    points = torch.cat([grid((8, 8)).expand(3, -1, -1), image.reshape(3, 64, 3)], -1)
    torch.testing.assert_close(model.encode(image, mask.reshape(3, 8, 8)), model.encoder(points, mask))
    mask[0, mask[0].logical_not().nonzero()[0, 0]] = True  # 6, 5, 5 observed: the masked mean
    torch.testing.assert_close(model.encode(image, mask.reshape(3, 8, 8)), model.encoder(points, mask))
