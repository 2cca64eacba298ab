import torch

from torchsiren import ImageFitting, Siren, TrainConfig, train
from torchsiren.metrics import psnr


def test_siren_fits_a_small_image_to_a_high_psnr(small_image):
    torch.manual_seed(0)
    model = Siren(2, 1, hidden_features=64, hidden_layers=2)
    problem = ImageFitting(small_image)
    result = train(model, problem, TrainConfig(steps=150, lr=1e-4, log_every=50), progress=False)
    final = psnr(problem.predict(model), small_image)
    assert final > 35.0, final
    assert abs(result.last["psnr"] - final) < 0.01  # the in-loop PSNR is the same measure
    assert result.history[0]["psnr"] < result.history[-1]["psnr"]


def test_random_pixel_batches_also_fit(small_image):
    torch.manual_seed(0)
    model = Siren(2, 1, hidden_features=64, hidden_layers=2)
    problem = ImageFitting(small_image, batch_size=256)
    train(model, problem, TrainConfig(steps=300, lr=1e-3, log_every=300), progress=False)
    assert psnr(problem.predict(model), small_image) > 25.0
