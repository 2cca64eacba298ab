"""`torchsiren compare image [PATH]`: SIREN and every baseline with the same budget; the paper's Fig. 1 panel."""
from __future__ import annotations

import argparse
import math
from pathlib import Path

from ..device import resolve_device
from ..errors import TorchSirenError
from ..models import MODEL_NAMES
from ..runner import run_experiment
from ..training import RunDir, write_json
from .common import add_model_options, add_train_options, is_gpu, model_spec_from_args, positive_int, \
    train_config_from_args
from .fit import CPU_SIZE, GPU_SIZE, image_problem


def add_parser(sub: argparse._SubParsersAction) -> None:
    cmp_ = sub.add_parser("compare", help="train SIREN and the baselines with one budget")
    kinds = cmp_.add_subparsers(dest="kind", metavar="KIND", parser_class=type(cmp_))
    kinds.required = True
    p = kinds.add_parser("image", help="compare models on an image fit (default: cameraman)")
    p.add_argument("path", nargs="?", default=None, help="image file (default: the bundled cameraman)")
    p.add_argument("--size", type=int, default=None, help=f"longer side (default {CPU_SIZE} CPU / 256 GPU)")
    p.add_argument("--models", default=",".join(MODEL_NAMES), help="comma-separated model names (default: all)")
    p.add_argument("--report-steps", default=None, help="steps whose PSNR the table shows (default: 1/4 and end)")
    p.add_argument("--out", default=None, help="output folder (default runs/compare-image-TIME)")
    add_model_options(p)
    add_train_options(p, "training steps per model (default 300 CPU / 2000 GPU)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    positive_int("--size", args.size)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODEL_NAMES]
    if unknown or not models:
        raise TorchSirenError(f"unknown model(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(MODEL_NAMES)}")
    settings = {"image": str(Path(args.path).resolve()) if args.path else None,
                "size": args.size or (256 if is_gpu(device) else CPU_SIZE), "batch_size": None}
    problem = image_problem(settings, device)
    settings["shape"] = list(problem.shape)
    config = train_config_from_args(args, 2000 if is_gpu(device) else 300)
    report_steps = _report_steps(args.report_steps, config.steps)
    config.log_every = math.gcd(config.log_every, *report_steps)
    out = RunDir.create(args.out, "compare-image")
    results, panels = [], []
    for name in models:
        args.model = name
        spec = model_spec_from_args(args, 2, problem.image.shape[2], samples=min(problem.shape))
        print(f"[{name}] {config.steps} steps on {device}")
        model, metrics, result = run_experiment(problem, spec, config, RunDir.create(out.path / name, name), device,
                                                settings, progress=not args.quiet)
        at = {r["step"]: r["psnr"] for r in result.history}
        results.append({"model": name, "psnr_at": {str(s): at.get(s) for s in report_steps},
                        "psnr": metrics["psnr"], "ssim": metrics["ssim"], "wall_time_s": metrics["wall_time_s"]})
        panels.append((name, problem.predict(model), model))
    device_label = metrics["device"]
    write_json(out.file("results.json"), {"image": settings["image"] or "cameraman", "size": list(problem.shape),
                                          "steps": config.steps, "device": device_label, "results": results})
    table = _markdown(results, report_steps, device_label, problem.shape, config.steps)
    out.file("results.md").write_text(table, encoding="utf-8")
    from ..report.compare import write_panel
    write_panel(out.file("comparison.png"), problem, panels)
    print(table)
    print(f"wrote {out.file('comparison.png')} and {out.file('results.md')}")
    return 0


def _report_steps(text: str | None, steps: int) -> list[int]:
    if text is None:
        return sorted({max(1, steps // 4), steps})
    try:
        values = sorted({int(s) for s in text.split(",") if s.strip()})
    except ValueError:
        raise TorchSirenError(f"--report-steps takes comma-separated step numbers, got {text!r}") from None
    if not values or values[0] <= 0 or values[-1] > steps:
        raise TorchSirenError(f"--report-steps must lie in 1..{steps} (the --steps budget), got {text!r}")
    return values


def _markdown(results: list[dict], steps: list[int], device: str, shape, total: int) -> str:
    head = "| model | " + " | ".join(f"PSNR @ {s}" for s in steps) + " | SSIM | time (s) |\n"
    head += "|---" * (len(steps) + 3) + "|\n"
    rows = "".join(f"| {r['model']} | " + " | ".join(_db(r["psnr_at"][str(s)]) for s in steps)
                   + f" | {r['ssim']:.3f} | {r['wall_time_s']:.1f} |\n" for r in results)
    return f"Image {shape[1]}x{shape[0]}, {total} steps each, on {device}\n\n{head}{rows}"


def _db(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f} dB"
