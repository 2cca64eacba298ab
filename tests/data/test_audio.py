"""Reading users' audio: WAV, FLAC and OGG at any rate, mono or multi-channel; clear errors for bad files."""
import numpy as np
import pytest
import soundfile

from torchsiren import TorchSirenError
from torchsiren.data.audio import load_audio, melody, save_audio


@pytest.mark.parametrize("suffix,subtype", [(".wav", "PCM_16"), (".flac", "PCM_24"), (".ogg", "VORBIS")])
def test_formats_rates_and_channels(tmp_path, suffix, subtype):
    rate = 22_050
    t = np.arange(rate // 4) / rate
    stereo = np.stack([0.5 * np.sin(2 * np.pi * 440 * t), 0.25 * np.sin(2 * np.pi * 660 * t)], 1)
    soundfile.write(tmp_path / f"a{suffix}", stereo, rate, subtype=subtype)
    samples, got_rate = load_audio(tmp_path / f"a{suffix}")
    assert got_rate == rate and samples.shape == stereo.shape and samples.dtype == np.float32
    tolerance = 0.05 if subtype == "VORBIS" else 1e-3  # a lossy codec
    assert np.abs(samples - stereo).max() < tolerance
    mono, _ = load_audio(tmp_path / f"a{suffix}", mono=True)
    assert mono.shape == (stereo.shape[0], 1) and np.abs(mono[:, 0] - stereo.mean(1)).max() < tolerance


def test_save_restores_what_load_reads(tmp_path):
    samples, rate = melody(8000, 0.5)
    save_audio(tmp_path / "m.wav", samples, rate)
    back, back_rate = load_audio(tmp_path / "m.wav")
    assert back_rate == rate and np.abs(back - samples).max() < 1e-4


def test_bad_files(tmp_path):
    (tmp_path / "text.wav").write_text("not audio")
    soundfile.write(tmp_path / "empty.wav", np.zeros((0, 1)), 8000)
    with pytest.raises(TorchSirenError, match="cannot read"):
        load_audio(tmp_path / "text.wav")
    with pytest.raises(TorchSirenError, match="at least 2"):
        load_audio(tmp_path / "empty.wav")
    with pytest.raises(TorchSirenError, match="no such file"):
        load_audio(tmp_path / "missing.flac")
