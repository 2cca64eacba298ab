"""Full-waveform inversion, one variable at a time: `torchsiren fwi` on the bundled media (circle, square, pair)
with and without frequency continuation, and with other medium networks. Each run's command, recovered-medium
errors (against the truth, and the background medium's for comparison) and training time go into one JSON file.

    python benchmarks/fwi_study.py --device cpu --out benchmarks/results/2026-12-cpu/fwi_study.json
    python benchmarks/fwi_study.py --device cpu --only circle pair --out F.json
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = {  # name: options after `torchsiren fwi` (defaults: circle, k = 5 → 10 → 20, 600 steps, 3→64×3→1, ω₀ 5)
    "circle": [],
    "square": ["--velocity", "square"],
    "pair": ["--velocity", "pair"],
    "circle, k = 20 alone": ["--low-wavenumbers", "none"],
    "square, k = 20 alone": ["--velocity", "square", "--low-wavenumbers", "none"],
    "pair, k = 20 alone": ["--velocity", "pair", "--low-wavenumbers", "none"],
    "circle, first ω₀ 30": ["--first-omega", "30"],
    "circle, width 256": ["--hidden-features", "256"],
}
KEEP = ("slowness_rel_l2", "perturbation_rel_l2", "background_slowness_rel_l2", "wall_time_s", "device")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--only", nargs="+", choices=sorted(RUNS), help="run only these")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or RUNS:
            command = ["fwi", *RUNS[name], "--device", args.device, "--quiet"]
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "torchsiren.cli.main", *command, "--out", f"{tmp}/run"],
                                  capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"{name}: {done.stderr.strip()[-2000:]}")
            metrics = json.loads((Path(tmp) / "run" / "metrics.json").read_text())
            rows[name] = {"command": "torchsiren " + " ".join(command), **{k: metrics[k] for k in KEEP},
                          "process_s": round(time.perf_counter() - start, 1)}
            print(name, json.dumps(rows[name], ensure_ascii=False), flush=True)
            subprocess.run(["rm", "-rf", f"{tmp}/run"], check=True)
    args.out.write_text(json.dumps(rows, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
