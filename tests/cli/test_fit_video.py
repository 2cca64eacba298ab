"""`torchsiren fit video PATH --steps N --device … --out DIR`: DIR/metrics.json with psnr (mean over frames)
and psnr_std, the reconstruction as a GIF, frames side by side, PSNR per frame."""
import importlib.util
import json

import numpy as np

from torchsiren.data.video import panning_video

from .test_cli import FAST, run_cli


def test_fit_video_writes_its_run_folder(tmp_path, capsys):
    np.save(tmp_path / "clip.npy", (panning_video(frames=4, size=16) * 255).astype(np.uint8))
    out = tmp_path / "run"
    code, _, err = run_cli(capsys, "fit", "video", tmp_path / "clip.npy", "--steps", 20, "--device", "cpu",
                           "--out", out, *FAST)
    assert code == 0, err
    metrics = json.loads((out / "metrics.json").read_text())
    assert {"psnr", "psnr_std"} <= set(metrics) and metrics["frames"] == 4
    names = ["reconstruction.gif", "frames.png", "psnr_per_frame.png", "index.html", "checkpoint.safetensors"]
    if importlib.util.find_spec("imageio_ffmpeg"):  # MP4 needs the optional video extra
        names.append("reconstruction.mp4")
    for name in names:
        assert (out / name).exists(), name
    code, _, err = run_cli(capsys, "fit", "video", tmp_path / "clip.npy", "--frames", 9, "--device", "cpu",
                           "--out", tmp_path / "r2", *FAST)
    assert code == 2 and "--frames 9" in err and len(err.strip().splitlines()) == 1
