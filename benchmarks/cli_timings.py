"""The speed a user meets: the README's commands run as subprocesses, each at least twice (the later runs find
Triton's compiled kernels and the autotuner's choices cached), with the command's wall time, the time from its
start to its index.html and to its first training step, beside the `timings` and quality of its metrics.json.

    python benchmarks/cli_timings.py --device cuda --out F.json      # writes F.json and F.md

`--bytecode-cache DIR` runs the commands with Python's bytecode cached in DIR, for an environment whose installed
packages come without compiled bytecode and may not write it (PYTHONDONTWRITEBYTECODE): `pip install` writes it,
and without it every process compiles torch's Python sources again (seconds of `import torch`).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {
    "fit image (defaults)": ["fit", "image"],  # what `make demo` runs
    "fit image to 40 dB (512², README recipe)": [
        "fit", "image", "--size", "512", "--hidden-features", "512", "--lr", "1e-3", "--schedule", "cosine",
        "--steps", "700", "--log-every", "25", "--target-psnr", "40"],
    "poisson from gradients": ["poisson", "--from", "gradient"],
    "fit audio (defaults)": ["fit", "audio"],
    "fit video (defaults)": ["fit", "video"],
    "fit-many (defaults)": ["fit-many"],
}
QUALITY = ("psnr", "snr_db", "psnr_mean")


def run(name: str, args: list[str], device: str, folder: Path, env: dict[str, str]) -> dict:
    out = folder / name.split(" (")[0].replace(" ", "-")
    start, started = time.perf_counter(), time.time()
    done = subprocess.run([sys.executable, "-m", "torchsiren.cli.main", *args, "--device", device, "--quiet",
                           "--out", str(out)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        return {"command": name, "error": done.stderr.strip().splitlines()[-1:]}
    metrics = json.loads((out / "metrics.json").read_text())
    quality = {k: round(metrics[k], 2) for k in QUALITY if k in metrics}
    timings = metrics.get("timings", {})
    before_loop = ("import_s", "setup_s", "model_s", "prepare_s")  # the command's own clock, from its first line
    return {"command": name, "args": args, "wall_s": round(wall, 2),
            "to_page_s": round((out / "index.html").stat().st_mtime - started, 2),
            "to_training_s": round(sum(timings.get(k, 0.0) for k in before_loop), 2), "steps": metrics["steps"],
            "step_ms": step_ms(timings, metrics["steps"]),
            **quality, "timings": timings}


def step_ms(timings: dict, steps: int) -> float | None:
    """Milliseconds a step after the first (which compiles, tunes and captures), evaluation and checkpoints
    included: the figure to set beside the benchmark's median step for the same workload."""
    if steps < 2 or "training_s" not in timings:
        return None
    return round(1e3 * (timings["training_s"] - timings.get("first_step_s", 0.0)) / (steps - 1), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--only", nargs="*", default=None, help="names (prefixes) of the commands to run")
    parser.add_argument("--runs", type=int, default=2, help="runs of each command (the first with a cold cache)")
    parser.add_argument("--bytecode-cache", default=None, help="folder for Python's bytecode (see above)")
    parser.add_argument("--out", required=True, help="JSON file (a Markdown table is written beside it)")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(args.bytecode_cache).resolve())
        subprocess.run([sys.executable, "-m", "torchsiren.cli.main", "fit", "image", "--size", "32", "--steps", "2",
                        "--device", "cpu", "--quiet", "--out", tempfile.mkdtemp()], env=env, check=True,
                       capture_output=True)  # as after `pip install`: the first run finds the bytecode written
    attempts = ["first", "second", "third"][:args.runs] + [f"run {i + 1}" for i in range(3, args.runs)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, cmd in COMMANDS.items():
            if args.only and not any(name.startswith(o) for o in args.only):
                continue
            for attempt in attempts:
                row = run(name, cmd, args.device, Path(tmp) / attempt, env)
                row |= {"run": attempt, "bytecode_cache": bool(args.bytecode_cache)}
                print(json.dumps(row), flush=True)
                rows.append(row)
    Path(args.out).write_text(json.dumps(rows, indent=1) + "\n")
    columns = {"training s": "training_s", "ms a step": "step_ms", "command s": "wall_s", "to page s": "to_page_s",
               "to training s": "to_training_s", "import s": "import_s", "prepare s": "prepare_s",
               "first step s": "first_step_s", "report s": "report_s"}
    lines = ["| command | run | steps | quality | " + " | ".join(columns) + " |", "|---" * (4 + len(columns)) + "|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['command']} | {r['run']} | error: {' '.join(r['error'])} |" + "|" * (1 + len(columns)))
            continue
        cells = [r.get(key, r["timings"].get(key, "")) for key in columns.values()]
        quality = ", ".join(f"{k} {r[k]}" for k in QUALITY if k in r)
        lines.append(f"| {r['command']} | {r['run']} | {r['steps']} | {quality} | "
                     + " | ".join(str(c) for c in cells) + " |")
    Path(args.out).with_suffix(".md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
