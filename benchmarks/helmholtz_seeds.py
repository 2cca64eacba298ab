"""The published Helmholtz figure over seeds: the documented command, one process per seed side by side on one GPU,
then the mean and range of the relative L2 error against the closed form.

    python benchmarks/helmholtz_seeds.py --seeds 0 1 2 --out benchmarks/results/2026-12-h200/helmholtz_seeds.json

Runs that share a GPU slow each other down (two at once: ~370 s each for 30k steps on an H200, against ~210 s
alone); the error does not depend on it. Extra arguments after `--` go to `torchsiren helmholtz`.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

COMMAND = ["helmholtz", "--steps", "30000", "--lr", "1e-4", "--schedule", "cosine", "--precision", "tf32",
           "--device", "cuda", "--log-every", "3000", "--quiet"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("extra", nargs="*", help="more options for torchsiren helmholtz")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    runs = {seed: subprocess.Popen([sys.executable, "-m", "torchsiren.cli.main", *COMMAND, *args.extra,
                                    "--seed", str(seed), "--out", str(work / f"seed{seed}")],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for seed in args.seeds}
    rows = []
    for seed, proc in runs.items():
        out, _ = proc.communicate()
        print(out.strip().splitlines()[-2] if proc.returncode == 0 else out)
        metrics = json.loads((work / f"seed{seed}" / "metrics.json").read_text())
        history = [json.loads(line) for line in (work / f"seed{seed}" / "metrics.jsonl").read_text().splitlines()]
        rows.append({"seed": seed, "rel_l2": metrics["rel_l2"], "wall_time_s": metrics["wall_time_s"],
                     "history": [{k: h[k] for k in ("step", "loss", "rel_l2")} for h in history]})
    errors = [r["rel_l2"] for r in rows]
    summary = {"command": "torchsiren " + " ".join(COMMAND + args.extra), "device": metrics["device"],
               "torch": metrics["torch"], "runs_side_by_side": len(rows), "rel_l2_mean": statistics.mean(errors),
               "rel_l2_min": min(errors), "rel_l2_max": max(errors), "runs": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1))
    print(f"rel. L2 over seeds {args.seeds}: mean {summary['rel_l2_mean']:.4f}, "
          f"range {summary['rel_l2_min']:.4f}-{summary['rel_l2_max']:.4f}")


if __name__ == "__main__":
    main()
