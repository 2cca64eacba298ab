"""The first layer's ω₀ swept on every bundled signal and two more (astronaut, a chirp): the quality after a fixed
budget for each ω₀, beside what `--first-omega auto` picks and what the command's fixed default gives.

Each signal is fitted with its fit command's recipe (Adam 1e-3, cosine schedule, SIREN 256 × 3 hidden), seed 0;
the sweep is auto × 2^k, k = −3 … 2, plus the fixed default (30; the authors' 3000 for audio). Scores above
TIE_DB count as equal (an error 1000× below the signal: past what an 8-bit picture stores or a listener hears):
`auto_minus_best_db` compares the scores clipped there. --quick: small signals and budgets (a CPU).
Usage: python benchmarks/first_omega_sweep.py [--quick] [--device cuda] [--only NAME ...] --out F.json"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from torchsiren.data import astronaut, cameraman, resize_longer_side
from torchsiren.data.audio import counting, melody
from torchsiren.data.video import panning_video
from torchsiren.device import device_name, resolve_device
from torchsiren.models import ModelSpec
from torchsiren.models.first_omega import auto_first_omega, bandwidth
from torchsiren.problems import ImageFitting
from torchsiren.problems.audio import AudioFitting
from torchsiren.problems.video import VideoFitting
from torchsiren.runner import run_experiment
from torchsiren.training import TrainConfig

TIE_DB = 60.0


def chirp(rate: int = 16_000, seconds: float = 1.0) -> tuple[np.ndarray, int]:
    """A linear chirp from 100 Hz to 4 kHz with a slow tremolo, (T, 1)."""
    t = np.arange(int(rate * seconds)) / rate
    phase = 2 * np.pi * (100 * t + (4000 - 100) / (2 * seconds) * t ** 2)
    return (0.8 * np.sin(phase) * (0.75 + 0.25 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)[:, None], rate


def signals(quick: bool) -> dict:
    """name → (signal (*grid, C) for the rule, make problem(device), in_features, default ω₀, steps)."""
    size, video = (64, dict(frames=16, size=32)) if quick else (256, dict(frames=32, size=64))
    cam, astro = resize_longer_side(cameraman(), size), resize_longer_side(astronaut(), size)
    mel, mel_rate = melody(8000, 0.5) if quick else melody()
    speech, speech_rate = counting()
    if quick:
        speech = speech[len(speech) // 2: len(speech) // 2 + 8000]
    chi, chi_rate = chirp(8000, 0.5) if quick else chirp()
    clip = panning_video(**video)
    steps = (300, 300, 300) if quick else (1000, 2000, 2000)
    return {
        "cameraman": (cam, lambda d: ImageFitting(cam, device=d), 2, 30.0, steps[0]),
        "astronaut": (astro, lambda d: ImageFitting(astro, device=d), 2, 30.0, steps[0]),
        "melody": (mel, lambda d: AudioFitting(mel, mel_rate, device=d), 1, 3000.0, steps[1]),
        "counting": (speech, lambda d: AudioFitting(speech, speech_rate, device=d), 1, 3000.0, steps[1]),
        "chirp": (chi, lambda d: AudioFitting(chi, chi_rate, device=d), 1, 3000.0, steps[1]),
        "panning video": (clip, lambda d: VideoFitting(clip, min(1 << 16, clip[..., 0].size), device=d), 3, 30.0,
                          steps[2]),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    device = resolve_device(args.device)
    rows = []
    for name, (signal, make, d, default, steps) in signals(args.quick).items():
        if args.only and name not in args.only:
            continue
        problem = make(device)
        auto = auto_first_omega(signal)
        omegas = sorted({round(auto * 2.0 ** k, 1) for k in range(-3, 3)} | {default})
        config = TrainConfig(steps=steps, lr=1e-3, schedule="cosine", log_every=steps, checkpoint_every=10 ** 9,
                             precision="fp32")  # as the published landscape was measured
        scores = {}
        for omega in omegas:
            spec = ModelSpec(in_features=d, out_features=signal.shape[-1], first_omega_0=omega)
            start = time.perf_counter()
            metrics = run_experiment(problem, spec, config, None, device, progress=False)[1]
            scores[omega] = round(float(metrics[problem.headline]), 2)
            print(f"{name:14s} ω₀ {omega:9.1f}: {problem.headline} {scores[omega]:7.2f} "
                  f"({time.perf_counter() - start:.1f} s)", flush=True)
        best = max(scores, key=scores.get)
        auto_key = round(auto, 1)
        clipped = {k: min(v, TIE_DB) for k, v in scores.items()}
        rows.append({"signal": name, "shape": list(signal.shape), "metric": problem.headline, "steps": steps,
                     "bandwidth_rad_per_unit": round(bandwidth(signal), 1), "auto": auto_key, "default": default,
                     "scores": {str(k): v for k, v in scores.items()}, "best": best,
                     "auto_minus_best_db": round(clipped[auto_key] - clipped[best], 2),
                     "default_minus_best_db": round(clipped[default] - clipped[best], 2)})
        print(json.dumps(rows[-1]), flush=True)
    with open(args.out, "w") as f:
        json.dump({"device": device_name(device), "torch": torch.__version__, "quick": args.quick,
                   "recipe": "SIREN 256 x 3 hidden, Adam 1e-3, cosine, seed 0, full batch (video: 65536 voxels)",
                   "tie_db": TIE_DB,
                   "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
