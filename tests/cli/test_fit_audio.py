"""`torchsiren fit audio PATH --steps N --device … --out DIR`: DIR/metrics.json with mse and snr_db, the
reconstruction as audio at the input's rate, plots, and a page with players."""
import json

import numpy as np
import pytest
import soundfile

from .test_cli import FAST, run_cli


def test_fit_audio_writes_its_run_folder_and_resumes(tmp_path, capsys):
    rate = 8000
    t = np.arange(1600) / rate
    soundfile.write(tmp_path / "tone.flac", np.stack([np.sin(2 * np.pi * 300 * t), 0.3 * np.sin(2 * np.pi * 500 * t)],
                                                     1) * 0.8, rate)
    out = tmp_path / "run"
    code, _, err = run_cli(capsys, "fit", "audio", tmp_path / "tone.flac", "--steps", 40, "--lr", 1e-3, "--device",
                           "cpu", "--out", out, *FAST)
    assert code == 0, err
    metrics = json.loads((out / "metrics.json").read_text())
    assert {"mse", "snr_db"} <= set(metrics) and metrics["channels"] == 2 and metrics["sample_rate"] == rate
    back, back_rate = soundfile.read(out / "reconstruction.wav", always_2d=True)
    assert back_rate == rate and back.shape == (1600, 2)
    for name in ("ground_truth.wav", "waveforms.png", "spectrograms.png", "progress.png", "index.html"):
        assert (out / name).exists(), name
    assert "<audio" in (out / "index.html").read_text()
    code, out_text, err = run_cli(capsys, "fit", "audio", "--resume", out, "--steps", 50, "--quiet")
    assert code == 0 and "from step 40 to 50" in out_text, err


@pytest.mark.parametrize("make,message", [
    (lambda p: soundfile.write(p / "s.wav", np.zeros((800, 1)), 8000), "silent"),
    (lambda p: soundfile.write(p / "s.wav", np.zeros((0, 1)), 8000), "at least 2"),
    (lambda p: (p / "s.wav").write_bytes(b"RIFF nonsense"), "cannot read"),
])
def test_bad_audio_gets_one_line(tmp_path, capsys, make, message):
    make(tmp_path)
    code, _, err = run_cli(capsys, "fit", "audio", tmp_path / "s.wav", "--steps", 2, "--device", "cpu", "--out",
                           tmp_path / "r", *FAST)
    assert code == 2 and len(err.strip().splitlines()) == 1 and message in err, err
