"""How far one rounding moves the bench's audio fit (the `audio` workload: the bundled melody, 32,000 samples,
3 hidden layers of 256, first-layer ω₀ 3000, Adam 1e-4, reference-style code in exact fp32): the same run from
the bench's initial weights and from those weights scaled by 1 ± 1e-7 (about one float32 rounding), with the SNR
every tenth of the run. Loss spikes make the end-point SNR of a single run a noisy measure.

    python benchmarks/audio_rounding.py --out F.json [--samples 32000 --width 256 --steps 2000]

About 12 minutes a run on 2 CPU cores at the bench's sizes.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from torchsiren.bench.workloads import AUDIO_OMEGA, _pair
from torchsiren.data import grid
from torchsiren.data.audio import melody
from torchsiren.problems.audio import AudioFitting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=32_000)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--scales", type=float, nargs="+", default=[0.0, 1e-7, -1e-7])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    device = torch.device(args.device)
    clip, rate = melody(16_000, args.samples / 16_000)
    problem = AudioFitting(clip, rate, device=device)
    coords = grid((problem.length,), device=device)
    rows = []
    for eps in args.scales:
        _, ref = _pair(1, 1, args.width, device, AUDIO_OMEGA)
        with torch.no_grad():
            for p in ref.parameters():
                p.mul_(1 + eps)
        opt = torch.optim.Adam(ref.parameters(), lr=1e-4)
        began, curve = time.time(), []
        for step in range(args.steps):
            loss = ((ref(coords)[0] - problem.target) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            if (step + 1) % max(1, args.steps // 10) == 0:
                curve.append(round(problem.evaluate(ref.net)["snr_db"], 2))
        rows.append({"scale": eps, "snr_db_every_tenth": curve, "seconds": round(time.time() - began, 1)})
        print(json.dumps(rows[-1]), flush=True)
    args.out.write_text(json.dumps({"samples": args.samples, "width": args.width, "steps": args.steps,
                                    "first_omega": AUDIO_OMEGA, "lr": 1e-4, "device": str(device),
                                    "torch": torch.__version__, "runs": rows}, indent=1))


if __name__ == "__main__":
    main()
