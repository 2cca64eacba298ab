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
from ..problems.poisson import SOURCES
from .fit import CPU_SIZE, image_problem


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
    p.set_defaults(handler=run_image)

    q = kinds.add_parser("poisson", help="the paper's Poisson table: SIREN vs tanh vs ReLU + P.E.")
    q.add_argument("image", nargs="?", default=None, help="image file (default: the bundled cameraman)")
    q.add_argument("--from", dest="source", default="gradient", choices=SOURCES, help="what supervises Φ")
    q.add_argument("--size", type=int, default=None, help="longer side (default 64 CPU / 256 GPU)")
    q.add_argument("--models", default="siren,tanh,relu-pe", help="comma-separated model names")
    q.add_argument("--target-scale", type=float, default=None, help="see `torchsiren poisson --help`")
    q.add_argument("--report-steps", default=None, help="steps whose PSNR the table shows (default: 1/4 and end)")
    q.add_argument("--out", default=None, help="output folder (default runs/compare-poisson-TIME)")
    q.set_defaults(batch_size=None)
    add_model_options(q)
    add_train_options(q, "training steps per model (default 300 CPU / 10000 GPU)")
    q.set_defaults(handler=run_poisson)


def run_image(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    positive_int("--size", args.size)
    settings = {"image": str(Path(args.path).resolve()) if args.path else None,
                "size": args.size or (256 if is_gpu(device) else CPU_SIZE), "batch_size": None}
    problem = image_problem(settings, device)
    settings["shape"] = list(problem.shape)
    config = train_config_from_args(args, 2000 if is_gpu(device) else 300)
    return compare(args, problem, settings, config, device, "compare-image")


def run_poisson(args: argparse.Namespace) -> int:
    from .poisson import reconstruction_problem
    device = resolve_device(args.device)
    problem, settings = reconstruction_problem(args, device)
    config = train_config_from_args(args, 10_000 if is_gpu(device) else 300)
    return compare(args, problem, settings, config, device, "compare-poisson")


def compare(args: argparse.Namespace, problem, settings: dict, config, device, name: str) -> int:
    """Train each of --models on one problem with one budget; write results.json/.md and the panel."""
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    twice = sorted({m for m in models if models.count(m) > 1})
    if twice:
        raise TorchSirenError(f"--models names {', '.join(twice)} twice; each model trains once")
    unknown = [m for m in models if m not in MODEL_NAMES]
    if unknown or not models:
        raise TorchSirenError(f"unknown model(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(MODEL_NAMES)}")
    report_steps = _report_steps(args.report_steps, config.steps)
    config.log_every = math.gcd(config.log_every, *report_steps)
    reference = problem.reference if hasattr(problem, "reference") else problem.image
    out = RunDir.create(args.out, name)
    results, panels = [], []
    for model_name in models:
        args.model = model_name
        spec = model_spec_from_args(args, 2, reference.shape[2], samples=min(problem.shape))
        print(f"[{model_name}] {config.steps} steps on {device}")
        model, metrics, result = run_experiment(problem, spec, config, RunDir.create(out.path / model_name, model_name),
                                                device, settings, progress=not args.quiet)
        at = {r["step"]: r["psnr"] for r in result.history}
        results.append({"model": model_name, "psnr_at": {str(s): at.get(s) for s in report_steps},
                        "psnr": metrics["psnr"], "ssim": metrics["ssim"], "wall_time_s": metrics["wall_time_s"]})
        panels.append((model_name, problem.predict(model), model))
    device_label = metrics["device"]
    extra = {"alignment": metrics["alignment"]} if "alignment" in metrics else {}
    write_json(out.file("results.json"), {"task": problem.task, **settings, "steps": config.steps,
                                          "device": device_label, **extra, "results": results})
    table = _markdown(results, report_steps, device_label, problem.shape, config.steps)
    if extra:
        table += f"\nPSNR after {extra['alignment']}.\n"
    out.file("results.md").write_text(table, encoding="utf-8")
    from ..report.compare import write_panel
    write_panel(out.file("comparison.png"), reference, problem.shape, problem.device, panels)
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
