"""Video fitting: voxels sampled by index land on the video's own grid, and a short fit raises every frame's PSNR."""
import numpy as np
import torch

from torchsiren import Siren, TrainConfig, grid, train
from torchsiren.data.video import panning_video
from torchsiren.problems.video import VideoFitting


def test_sampled_voxels_are_grid_points_with_their_values():
    video = panning_video(frames=5, size=12)
    problem = VideoFitting(video, batch_size=300)
    batch = problem.constraints[0].sampler(0, torch.Generator().manual_seed(0))
    full = grid(video.shape[:3])
    idx = torch.cdist(batch.coords, full).argmin(1)
    assert torch.allclose(full[idx], batch.coords, atol=1e-6)
    torch.testing.assert_close(batch["f"], torch.from_numpy(video.reshape(-1, 3))[idx] * 2 - 1)


def test_a_short_fit_raises_every_frame():
    video = panning_video(frames=4, size=16)
    problem = VideoFitting(video, batch_size=512)
    torch.manual_seed(0)
    model = Siren(3, 3, 64, 2)
    with torch.no_grad():
        before = problem.evaluate(model)["psnr"]
    train(model, problem, TrainConfig(steps=150, lr=1e-3, schedule="cosine", log_every=150), progress=False)
    after = problem.evaluate(model)
    pred = problem.frames(model)
    per_frame = [10 * np.log10(1 / np.mean((p - f) ** 2)) for p, f in zip(pred, video)]
    assert after["psnr"] > before + 8 and min(per_frame) > before + 5, (before, after, per_frame)
    assert abs(np.mean(per_frame) - after["psnr"]) < 1e-3 and after["psnr_std"] >= 0
