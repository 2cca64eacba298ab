"""Make the bundled spoken clip `src/torchsiren/data/samples/counting.flac`: "one, two, … ten" in English,
synthesised with eSpeak NG (through the `espeakng-loader` wheel, which ships the library and its voice data),
mono, 16-bit, at eSpeak's own 22 050 Hz. Run once by the maintainers; users never need it.

    pip install espeakng-loader soundfile numpy && python scripts/make_counting_clip.py
"""
from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import espeakng_loader
import numpy as np
import soundfile as sf

TEXT = "one, two, three, four, five, six, seven, eight, nine, ten."
OUT = Path(__file__).resolve().parents[1] / "src/torchsiren/data/samples/counting.flac"
SYNCHRONOUS, CHARS_UTF8, RATE = 2, 1, 1

lib = ctypes.CDLL(espeakng_loader.get_library_path())
rate = lib.espeak_Initialize(SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0)
if rate <= 0:
    sys.exit("eSpeak NG did not initialise")
chunks: list[np.ndarray] = []
CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


@CALLBACK
def collect(wav, n, events):
    if wav and n > 0:
        chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
    return 0


lib.espeak_SetSynthCallback(collect)
lib.espeak_SetVoiceByName(b"en-us")
lib.espeak_SetParameter(RATE, 150, 0)  # words per minute: a clear, unhurried count
text = TEXT.encode()
lib.espeak_Synth(text, ctypes.c_size_t(len(text) + 1), 0, 1, 0, CHARS_UTF8, None, None)
lib.espeak_Synchronize()
audio = np.concatenate(chunks).astype(np.float32) / 32768.0
# trim leading and trailing silence, keep 50 ms either side
loud = np.flatnonzero(np.abs(audio) > 1e-3)
pad = rate // 20
audio = audio[max(loud[0] - pad, 0): loud[-1] + pad]
sf.write(OUT, audio, rate, subtype="PCM_16")
print(f"{OUT}: {len(audio) / rate:.2f} s at {rate} Hz, {OUT.stat().st_size / 1024:.0f} KiB")
