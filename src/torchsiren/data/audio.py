"""Reading users' audio (WAV, FLAC, OGG through soundfile) and the bundled clips: a spoken count (shipped as
FLAC) and a melody (made by code)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import TorchSirenError

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")


def load_audio(path: str | Path, mono: bool = False) -> tuple[np.ndarray, int]:
    """(samples (T, C) float32 as stored, in [-1, 1] for integer formats; sample rate). mono: channels averaged."""
    import soundfile

    path = Path(path)
    if not path.is_file():
        raise TorchSirenError(f"no such file: {path}")
    try:
        samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except Exception as exc:  # soundfile raises its own error types for unreadable or unknown containers
        raise TorchSirenError(f"cannot read {path} as audio ({exc}); give a WAV, FLAC or OGG file") from None
    if samples.shape[0] < 2:
        raise TorchSirenError(f"{path} holds {samples.shape[0]} sample(s); a signal needs at least 2")
    return (samples.mean(1, keepdims=True) if mono else samples), int(rate)


def save_audio(path: str | Path, samples: np.ndarray, rate: int) -> None:
    """Write (T, C) floats as 16-bit PCM (WAV or FLAC by the suffix), clipped to [-1, 1]."""
    import soundfile

    soundfile.write(str(path), np.clip(samples, -1.0, 1.0), rate, subtype="PCM_16")


def melody(rate: int = 16_000, seconds: float = 2.0) -> tuple[np.ndarray, int]:
    """A bundled music-like clip made by code: eight notes of a scale, each with four harmonics and an
    attack-decay envelope, (T, 1) float32 at `rate` (no download)."""
    t = np.arange(int(rate * seconds)) / rate
    notes = 220.0 * 2 ** (np.array([0, 2, 4, 5, 7, 9, 11, 12]) / 12)  # A3 major scale
    length = seconds / len(notes)
    signal = np.zeros_like(t)
    for i, f in enumerate(notes):
        local = t - i * length
        on = (local >= 0) & (local < length)
        envelope = np.where(on, np.minimum(local / 0.01, 1.0) * np.exp(-3.0 * np.clip(local, 0, None)), 0.0)
        signal += envelope * sum(np.sin(2 * np.pi * k * f * t) / k ** 1.5 for k in range(1, 5))
    return (0.5 * signal / np.abs(signal).max()).astype(np.float32)[:, None], rate


def counting() -> tuple[np.ndarray, int]:
    """The bundled spoken clip: "one, two, … ten" in English, 6.3 s at 22 050 Hz, (T, 1) float32. Synthesised
    once with eSpeak NG (`scripts/make_counting_clip.py`) and shipped in the package as a 16-bit FLAC."""
    from importlib.resources import as_file, files

    with as_file(files("torchsiren.data") / "samples" / "counting.flac") as path:
        return load_audio(path)


BUNDLED_AUDIO = {"melody": melody, "counting": counting}


def bundled_or_file(name_or_path: str | None, mono: bool = False) -> tuple[np.ndarray, int, str]:
    """A bundled clip by name (`melody` when None, `counting`) or a user's file (a file of that name wins):
    (samples (T, C), rate, a label for messages)."""
    name = name_or_path or "melody"
    if name in BUNDLED_AUDIO and not Path(name).exists():
        samples, rate = BUNDLED_AUDIO[name]()
        return samples, rate, f"the bundled {name} clip"
    samples, rate = load_audio(name, mono=mono)
    return samples, rate, str(name)
