"""A 512² × 300 video (the bundled pan-and-zoom clip made at full size: a window moving and zooming across
`astronaut` with a `coffee` patch moving the other way): the reference-style code with the paper's settings
(3→1024×3→3 SIREN, Adam 1e-4, 0.38% of the voxels per step, exact fp32) for 3000 steps gives a PSNR P in a time T;
torchsiren then trains from the same initial weights for budgets of T/10 and T/3 of training time (each budget one
cosine schedule over the steps that fit it, counted from two short timed runs; the peak rate the best of a few
tried at T/10) and reports the PSNR it reaches, its training time (evaluation timed apart, as the reference's is),
peak GPU memory and frames side by side.

Two parts, each one GPU run of under 10 minutes; the second reads the first's result file:
  python benchmarks/video_race.py --part reference --out benchmarks/results/2026-12-h100/video_race.json
  python benchmarks/video_race.py --part torchsiren --out benchmarks/results/2026-12-h100/video_race.json
--frames/--size/--steps shrink it (a CPU check: --frames 8 --size 32 --steps 30 --width 64)."""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import torch
from torch import nn

from torchsiren import Siren, TrainConfig, train
from torchsiren.bench import RefSiren
from torchsiren.data.video import panning_video
from torchsiren.device import device_name, resolve_device
from torchsiren.problems.video import VideoFitting

FRACTION = 0.0038  # of all voxels per step (the paper's 512² × 300 run)


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def peak_mb(device: torch.device) -> float | None:
    return round(torch.cuda.max_memory_allocated(device) / 2 ** 20, 1) if device.type == "cuda" else None


def models(width: int, device: torch.device) -> tuple[Siren, RefSiren]:
    torch.manual_seed(0)
    ours = Siren(3, 3, hidden_features=width).to(device)
    ref = RefSiren(3, 3, hidden_features=width).to(device)
    ref.load_state_dict(ours.state_dict())
    return ours, ref


def reference(problem: VideoFitting, ref: RefSiren, steps: int, device: torch.device) -> dict:
    """The authors' loop: random voxels each step (drawn on the device, which only helps it), MSE, Adam 1e-4."""
    opt = torch.optim.Adam(ref.parameters(), lr=1e-4)
    gen = torch.Generator(device=device).manual_seed(0)
    coords_of = problem.constraints[0].sampler
    sync(device)
    start = time.perf_counter()
    for step in range(steps):
        batch = coords_of(step, gen)
        loss = ((ref(batch.coords)[0] - batch["f"]) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    sync(device)
    seconds = time.perf_counter() - start
    return {"steps": steps, "seconds": round(seconds, 2), **problem.evaluate(ref.net), "peak_memory_mb": peak_mb(device)}


def step_cost(problem: VideoFitting, width: int, config: dict, device: torch.device) -> tuple[float, float]:
    """(seconds per step, seconds of graph capture per run) of torchsiren's loop, from two timed runs."""
    probe, _ = models(width, device)
    train(probe, problem, TrainConfig(steps=20, log_every=10 ** 9, **config), progress=False)  # compile, tune
    timed = train(probe, problem, TrainConfig(steps=200, log_every=10 ** 9, **config), progress=False)
    loop = timed.wall_time_s - timed.timings["evaluation_s"]
    first = timed.timings["first_step_s"]
    return (loop - first) / 199, first


def torchsiren_budget(problem: VideoFitting, width: int, budget_s: float, lr: float, config: dict,
                      cost: tuple[float, float], device: torch.device) -> tuple[dict, nn.Module]:
    """Train a fresh copy of the shared initial weights for as many steps as fit `budget_s` of training (one
    cosine schedule over them); the final evaluation is timed apart, as the reference's is."""
    per_step, first = cost
    steps = max(1, int((budget_s - first) / per_step) + 1)
    model, _ = models(width, device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    result = train(model, problem, TrainConfig(steps=steps, log_every=steps, lr=lr, **config), progress=False)
    metrics = {k: v for k, v in result.history[-1].items() if k in ("psnr", "psnr_std")}
    return {"budget_s": round(budget_s, 2), "lr": lr, "steps": steps,
            "seconds": round(result.wall_time_s - result.timings["evaluation_s"], 2),
            "evaluation_s": round(result.timings["evaluation_s"], 2), "ms_per_step": round(1000 * per_step, 3),
            **metrics, "peak_memory_mb": peak_mb(device)}, model


def side_by_side(problem: VideoFitting, named: dict, path: Path) -> None:
    """Rows: ground truth, then each model; columns: first, middle and last frame."""
    which = [0, problem.shape[0] // 2, problem.shape[0] - 1]
    rows = [np.concatenate(list(problem.video[which]), 1)]
    rows += [np.concatenate(list(problem.frames(m, which)), 1) for m in named.values()]
    iio.imwrite(path, (np.clip(np.concatenate(rows, 0), 0, 1) * 255).astype(np.uint8))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", choices=["reference", "torchsiren"], required=True)
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--steps", type=int, default=3000, help="reference steps")
    ap.add_argument("--width", type=int, default=1024)
    ap.add_argument("--lr", type=float, nargs="+", default=[1e-4, 2e-4, 4e-4],
                    help="torchsiren's peak rates (cosine) to try at T/10; the best runs at T/3")
    ap.add_argument("--precision", default=None, help="torchsiren's operands (fp16 on a GPU, fp32 on a CPU)")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    device, out = resolve_device(args.device), Path(args.out)
    args.precision = args.precision or ("fp16" if device.type == "cuda" else "fp32")
    video = panning_video(frames=args.frames, size=args.size)
    batch = max(1, round(FRACTION * video[..., 0].size))
    problem = VideoFitting(video, batch, device=device)
    results = json.loads(out.read_text()) if out.exists() else {}
    results |= {"device": device_name(device), "torch": torch.__version__, "video": list(video.shape),
                "voxels_per_step": batch, "width": args.width}
    ours, ref = models(args.width, device)
    if args.part == "reference":
        results["reference"] = reference(problem, ref, args.steps, device) | {
            "recipe": "Adam 1e-4 constant, exact fp32, the paper's settings"}
        torch.save(ref.state_dict(), out.with_suffix(".reference.pt"))
    else:
        T, P = results["reference"]["seconds"], results["reference"]["psnr"]
        config = dict(schedule="cosine", precision=args.precision, checkpoint_every=10 ** 9)
        cost = step_cost(problem, args.width, config, device)
        sweep = []  # (result, model) per rate: the rate is chosen at T/10, then used at T/3
        for lr in args.lr:
            sweep.append(torchsiren_budget(problem, args.width, T / 10, lr, config, cost, device))
            print("t_over_10", sweep[-1][0], flush=True)
        best, best_model = max(sweep, key=lambda pair: pair[0]["psnr"])
        trained = {"t_over_10": best_model}
        at_third, trained["t_over_3"] = torchsiren_budget(problem, args.width, T / 3, best["lr"], config, cost,
                                                          device)
        print("t_over_3", at_third, flush=True)
        results["torchsiren"] = {"t_over_10": best, "t_over_3": at_third,
                                 "lr_sweep_at_t_over_10": [r for r, _ in sweep],
                                 "recipe": f"Adam, peak rate chosen from {args.lr} at T/10, cosine over the steps "
                                           f"that fit the budget, --precision {args.precision}",
                                 "reaches_reference_psnr_at_t_over_10": best["psnr"] >= P}
        saved = out.with_suffix(".reference.pt")
        if saved.exists():
            ref.load_state_dict(torch.load(saved, map_location=device))
            side_by_side(problem, {"reference": ref.net, **trained}, out.with_suffix(".frames.png"))
    out.write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
