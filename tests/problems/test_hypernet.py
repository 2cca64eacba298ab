"""Inpainting with a hypernetwork: the context masks and baselines are what they say, the authors' loss is
computed as written, and a short CPU training beats the mean training image at 100 observed pixels."""
import numpy as np
import pytest
import torch

from torchsiren.data.collection import bundled_patches
from torchsiren.errors import TorchSirenError
from torchsiren.models import ModelSpec
from torchsiren.problems.hypernet import Inpainting, context_masks, inpainting_scores, nearest_pixel
from torchsiren.runner import run_experiment
from torchsiren.training import TrainConfig


def test_context_masks_and_the_nearest_pixel_baseline():
    masks = context_masks(3, (8, 8), "10")
    assert masks.shape == (3, 8, 8) and (masks.reshape(3, -1).sum(1) == 10).all()
    assert (masks == context_masks(3, (8, 8), "10")).all() and not (masks[0] == masks[1]).all()
    assert context_masks(1, (8, 8), "half")[0, :4].all() and not context_masks(1, (8, 8), "half")[0, 4:].any()
    with pytest.raises(TorchSirenError, match="more than a 8x8"):
        context_masks(1, (8, 8), "100")
    image = np.zeros((1, 4, 4, 1), np.float32)
    image[0, 0, 0], image[0, 3, 3] = 1.0, 0.5
    mask = np.zeros((1, 4, 4), bool)
    mask[0, 0, 0] = mask[0, 3, 3] = True
    filled = nearest_pixel(image, mask)[0, ..., 0]
    assert filled[0, 1] == 1.0 and filled[1, 0] == 1.0 and filled[3, 2] == 0.5 and filled[2, 3] == 0.5


def test_the_loss_is_mse_plus_latent_and_weight_penalties_and_the_encoder_sees_only_observed_pixels():
    from torchsiren.data.grid import grid
    from torchsiren.models import build_model
    images = np.random.default_rng(0).random((4, 8, 8, 3)).astype(np.float32)
    for encoder in ("conv", "set"):
        model = build_model(ModelSpec(in_features=2, out_features=3, hidden_features=8, hidden_layers=1,
                                      hypernet={"encoder": encoder, "size": 8, "latent_dim": 4,
                                                "hyper_hidden_features": 8}))
        problem = Inpainting(images, batch_size=4, context=(5, 9), latent_weight=0.25, weight_weight=3.0)
        loss = problem.loss(model, 0, torch.Generator().manual_seed(0))
        gen = torch.Generator().manual_seed(0)  # the same draws, by hand
        idx = torch.randint(0, 4, (4,), generator=gen)
        k = int(torch.randint(5, 10, (1,), generator=gen))
        mask = torch.zeros(4, 64, dtype=torch.bool).scatter_(1, torch.rand(4, 64, generator=gen).topk(k).indices, True)
        x = torch.from_numpy(images)[idx] * 2 - 1
        values, latent, weights, biases = model(x, mask.reshape(4, 8, 8), grid((8, 8)))
        theta = torch.cat([t.flatten() for t in weights + biases])
        expected = ((values - x.reshape(4, 64, 3)) ** 2).mean() + 0.25 * latent.pow(2).mean() + 3 * theta.pow(2).mean()
        torch.testing.assert_close(loss, expected)
        hidden = x.clone().reshape(4, 64, 3)
        hidden[~mask] = 5.0  # what is not observed cannot change the code
        torch.testing.assert_close(model.encode(hidden.reshape(4, 8, 8, 3), mask.reshape(4, 8, 8)), latent)


def test_a_short_cpu_training_beats_the_mean_image_at_100_pixels():
    train, test = bundled_patches(split="train"), bundled_patches(split="test")[:60]
    problem = Inpainting(train, test, batch_size=16)
    spec = ModelSpec(in_features=2, out_features=3, hidden_features=32, hidden_layers=3,
                     hypernet={"size": 32, "latent_dim": 64, "hyper_hidden_features": 32})
    model, _, result = run_experiment(problem, spec, TrainConfig(steps=150, lr=5e-4, log_every=50), None,
                                      torch.device("cpu"), progress=False)
    scores, shown = inpainting_scores(model, test, problem.mean_image, torch.device("cpu"), ("100",))
    assert scores["mse_context_100"] < 0.75 * scores["mse_context_100_mean_image"], scores
    assert shown["100"].shape == (3, 60, 32, 32, 3)


def test_refinement_fits_each_image_alone_and_lowers_its_error_on_the_observed_pixels():
    """predict with refine_steps: each generated SIREN takes Adam steps on its own observed pixels. Its error there
    falls, and an image refined in a batch of two ends exactly as it does alone."""
    from torchsiren.models import HyperSiren
    from torchsiren.problems.hypernet import context_masks, predict
    torch.manual_seed(0)
    model = HyperSiren(channels=3, size=8, latent_dim=16, hidden_features=16, hidden_layers=1,
                       hyper_hidden_features=16)
    images = np.random.default_rng(0).random((2, 8, 8, 3)).astype(np.float32)
    masks = context_masks(2, (8, 8), "10")
    before, after = predict(model, images, masks, "cpu"), predict(model, images, masks, "cpu", refine_steps=30)
    error = lambda out: [float(np.mean((o - i)[m] ** 2)) for o, i, m in zip(out, images, masks)]
    assert all(a < 0.5 * b for a, b in zip(error(after), error(before))), (error(before), error(after))
    alone = predict(model, images[1:], masks[1:], "cpu", refine_steps=30)
    assert np.allclose(alone[0], after[1], atol=1e-5)
