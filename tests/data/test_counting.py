"""The bundled spoken clip, read by the same loader as users' files, and chosen by name on the command line."""
import numpy as np

from torchsiren.data.audio import bundled_or_file, counting, save_audio


def test_counting_clip_is_shipped_speech():
    samples, rate = counting()
    assert rate == 22050 and samples.shape[1] == 1 and 6.0 < samples.shape[0] / rate < 6.5
    assert 0.5 < np.abs(samples).max() <= 1.0
    frame = rate // 50  # 20 ms: ten words and the pauses between them
    loud = np.sqrt(np.mean(samples[: len(samples) // frame * frame, 0].reshape(-1, frame) ** 2, axis=1)) > 0.02
    assert 10 <= np.count_nonzero(loud[1:] & ~loud[:-1]) + loud[0] <= 14


def test_a_users_file_named_like_a_bundled_clip_wins(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert bundled_or_file("counting")[1] == 22050
    save_audio(tmp_path / "tone.wav", 0.5 * np.sin(np.linspace(0, 40, 400))[:, None], 8000)
    (tmp_path / "tone.wav").rename(tmp_path / "counting")  # a WAV file that happens to be called "counting"
    samples, rate, label = bundled_or_file("counting")
    assert rate == 8000 and samples.shape == (400, 1) and label == "counting"
