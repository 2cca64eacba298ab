"""`torchsiren compare image|poisson|audio|video|sdf`: SIREN and the baselines with one budget, one table; for
images the paper's Fig. 1 panel, for shapes the meshes side by side."""
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
    resolve_first_omega, train_config_from_args
from ..problems.poisson import SOURCES
from .fit import AUDIO_OMEGA, AUDIO_STEPS_CPU, AUDIO_STEPS_GPU, CPU_SIZE, VIDEO_STEPS_CPU, VIDEO_STEPS_GPU, \
    add_audio_options, add_video_options, audio_defaults, audio_help, audio_problem, image_problem, video_problem


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

    # audio and video: the paper's claim that SIREN fits them and ReLU + P.E. does not, at one parameter count
    a = kinds.add_parser("audio", help="SIREN vs ReLU + P.E. on a sound, same parameter count (default: melody)")
    add_audio_options(a, "runs/compare-audio-TIME")
    _add_compare_options(a, "siren,relu-pe")
    add_model_options(a)
    add_train_options(a, f"training steps per model (default {AUDIO_STEPS_CPU} CPU / {AUDIO_STEPS_GPU} GPU)")
    a.set_defaults(handler=run_audio, first_omega=AUDIO_OMEGA, schedule="cosine")
    audio_help(a)
    v = kinds.add_parser("video", help="SIREN vs ReLU + P.E. on a video, same parameter count (default: the "
                                       "bundled clip)")
    add_video_options(v, "runs/compare-video-TIME")
    _add_compare_options(v, "siren,relu-pe")
    add_model_options(v)
    add_train_options(v, f"training steps per model (default {VIDEO_STEPS_CPU} CPU / {VIDEO_STEPS_GPU} GPU)")
    v.set_defaults(handler=run_video, lr=1e-3, schedule="cosine")
    from .shape import SDF_STEPS_CPU, SDF_STEPS_GPU, add_sdf_options
    d = kinds.add_parser("sdf", help="SIREN vs ReLU + P.E. on a shape, same parameter count (default: the bundled "
                                     "part)")
    add_sdf_options(d, "runs/compare-sdf-TIME")
    _add_compare_options(d, "siren,relu-pe")
    add_model_options(d)
    add_train_options(d, f"training steps per model (default {SDF_STEPS_CPU} CPU / {SDF_STEPS_GPU} GPU)")
    d.set_defaults(handler=run_sdf, lr=1e-4, grad_clip=1.0)


def _add_compare_options(p: argparse.ArgumentParser, models: str) -> None:
    p.add_argument("--models", default=models, help=f"comma-separated model names (default {models})")
    p.add_argument("--report-steps", default=None, help="steps whose metric the table shows (default: 1/4 and end)")
    p.add_argument("--same-width", dest="same_parameters", action="store_false",
                   help="give every model --hidden-features (default: baselines narrowed to SIREN's parameter "
                        "count)")


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


def run_audio(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    problem, settings, _ = audio_problem(args, device)
    audio_defaults(args, device)
    config = train_config_from_args(args, AUDIO_STEPS_GPU if is_gpu(device) else AUDIO_STEPS_CPU)
    return compare(args, problem, settings, config, device, "compare-audio", dims=(1, problem.samples.shape[1]),
                   samples=problem.length)


def run_video(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    problem, settings, _ = video_problem(args, device)
    config = train_config_from_args(args, VIDEO_STEPS_GPU if is_gpu(device) else VIDEO_STEPS_CPU)
    return compare(args, problem, settings, config, device, "compare-video", dims=(3, problem.video.shape[3]),
                   samples=min(problem.shape[1:]))


def run_sdf(args: argparse.Namespace) -> int:
    from .shape import SDF_STEPS_CPU, SDF_STEPS_GPU, sdf_problem
    device = resolve_device(args.device)
    config = train_config_from_args(args, SDF_STEPS_GPU if is_gpu(device) else SDF_STEPS_CPU)
    problem, settings, _ = sdf_problem(args, device)
    return compare(args, problem, settings, config, device, "compare-sdf", dims=(3, 1))


# per task: the final metric the table shows beside the headline, its column title and format
_EXTRA = {"fit-audio": ("mse", "MSE", "{:.2e}"), "fit-video": ("psnr_std", "PSNR std (dB)", "{:.2f}"),
          "fit-sdf": ("chamfer_l1", "Chamfer-L1", "{:.4f}")}
_HEADLINE = {"psnr": ("PSNR", "{:.2f} dB"), "snr_db": ("SNR", "{:.2f} dB"),
             "surface_distance": ("surface distance", "{:.2e}")}


def compare(args: argparse.Namespace, problem, settings: dict, config, device, name: str,
            dims: tuple[int, int] | None = None, samples: int | None = None) -> int:
    """Train each of --models on one problem with one budget; write results.json/.md (and, for images, the
    panel). dims: (in, out) features (images: 2 and the channels); samples: per axis, for relu-pe's octaves."""
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    twice = sorted({m for m in models if models.count(m) > 1})
    if twice:
        raise TorchSirenError(f"--models names {', '.join(twice)} twice; each model trains once")
    unknown = [m for m in models if m not in MODEL_NAMES]
    if unknown or not models:
        raise TorchSirenError(f"unknown model(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(MODEL_NAMES)}")
    report_steps = _report_steps(args.report_steps, config.steps)
    config.log_every = math.gcd(config.log_every, *report_steps)
    image = getattr(problem, "reference", getattr(problem, "image", None))
    if dims is None:
        dims, samples = (2, image.shape[2]), min(problem.shape)
    if args.first_omega == "auto" and problem.task in ("fit-image", "fit-audio", "fit-video"):
        resolve_first_omega(args, getattr(problem, "samples", getattr(problem, "video", image)))
    headline = problem.headline
    extra_key, extra_title, extra_format = _EXTRA.get(problem.task, ("ssim", "SSIM", "{:.3f}"))
    args.model = "siren"
    budget = model_spec_from_args(args, *dims, samples=samples).parameter_count()
    out = RunDir.create(args.out, name)
    results, panels = [], []
    for model_name in models:
        args.model = model_name
        spec = model_spec_from_args(args, *dims, samples=samples)
        if getattr(args, "same_parameters", False):
            spec = spec.with_parameters_at_most(budget)
        print(f"[{model_name}] {config.steps} steps on {device}, width {spec.hidden_features}")
        model, metrics, result = run_experiment(problem, spec, config, RunDir.create(out.path / model_name, model_name),
                                                device, settings, progress=not args.quiet)
        at = {r["step"]: r[headline] for r in result.history}
        results.append({"model": model_name, "hidden_features": spec.hidden_features,
                        "parameters": metrics["parameters"], f"{headline}_at": {str(s): at.get(s) for s in report_steps},
                        headline: metrics[headline], extra_key: metrics.get(extra_key),
                        "wall_time_s": metrics["wall_time_s"],
                        "metrics": {k: v for k, v in metrics.items() if isinstance(v, (int, float))}})
        if image is not None:
            panels.append((model_name, problem.predict(model), model))
    device_label = metrics["device"]
    extra = {"alignment": metrics["alignment"]} if "alignment" in metrics else {}
    write_json(out.file("results.json"), {"task": problem.task, **settings, "steps": config.steps,
                                          "device": device_label, **extra, "results": results})
    if problem.task == "fit-audio":
        what = f"Audio, {problem.length} samples at {problem.rate} Hz"
    elif problem.task == "fit-video":
        what = f"Video, {problem.shape[0]} frames of {problem.shape[2]}x{problem.shape[1]}"
    elif problem.task == "fit-sdf":
        what = f"Signed distance of {settings['path']} ({len(problem.points)} oriented points)"
    else:
        what = f"Image {problem.shape[1]}x{problem.shape[0]}"
    head, rows = _table(results, report_steps, headline, (extra_key, extra_title, extra_format))
    caption = f"{what}, {config.steps} steps each, on {device_label}"
    table = f"{caption}\n\n{_markdown(head, rows)}"
    if extra:
        table += f"\nPSNR after {extra['alignment']}.\n"
    out.file("results.md").write_text(table, encoding="utf-8")
    wrote = out.file("results.md")
    if image is not None:
        from ..report.compare import write_panel
        write_panel(out.file("comparison.png"), image, problem.shape, problem.device, panels)
        wrote = f"{out.file('comparison.png')} and {wrote}"
    pictures = {"ground truth and each model: image, |∇|, Δ": "comparison.png"}
    if problem.task == "fit-sdf":
        from ..report.mesh import stack_pictures
        stack_pictures(out.file("meshes.png"), [out.path / r["model"] / "mesh.png" for r in results])
        pictures = {f"each model's mesh, top to bottom: {', '.join(r['model'] for r in results)}": "meshes.png"}
        wrote = f"{out.file('meshes.png')} and {wrote}"
    from ..report.html import write_table_index
    write_table_index(out.path, f"torchsiren {name}", caption, head, rows,
                      {r["model"]: f"{r['model']}/index.html" for r in results}, pictures)
    print(table)
    print(f"wrote {wrote}; open {out.file('index.html')}")
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


def _table(results: list[dict], steps: list[int], headline: str, extra: tuple[str, str, str]
           ) -> tuple[list[str], list[list[str]]]:
    """Column titles and one row of cells per model."""
    key, title, fmt = extra
    name, value_fmt = _HEADLINE.get(headline, (headline, "{:.4g}"))
    head = ["model", "width", "parameters", *(f"{name} @ {s}" for s in steps), title, "time (s)"]
    rows = [[r["model"], str(r["hidden_features"]), f"{r['parameters']:,}",
             *(_cell(r[f"{headline}_at"][str(s)], value_fmt) for s in steps), _cell(r[key], fmt),
             f"{r['wall_time_s']:.1f}"]
            for r in results]
    return head, rows


def _markdown(head: list[str], rows: list[list[str]]) -> str:
    lines = [head, ["---"] * len(head), *rows]
    return "".join("| " + " | ".join(cells) + " |\n" for cells in lines)


def _cell(v: float | None, fmt: str) -> str:
    return "—" if v is None else fmt.format(v)
