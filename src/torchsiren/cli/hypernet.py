"""`torchsiren hypernet train DATA` (a hypernetwork that generates an image's SIREN from a few of its pixels) and
`torchsiren hypernet eval RUN` (inpainting from 10, 100, 1000 pixels and the top half, against the mean training
image and the nearest observed pixel)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..device import DEVICES, resolve_device
from ..errors import TorchSirenError
from .common import add_resume_option, add_train_options, execute, execute_data_parallel, is_gpu, positive_int, \
    relayed_warnings, train_config_from_args

# 2 CPU cores train a small model on the bundled patches in minutes; a GPU takes the paper's sizes
STEPS = {"cpu": 2000, "cuda": 20000}
WIDTH = {"cpu": 64, "cuda": 256}  # SIREN and hypernetwork hidden widths
BATCH = {"cpu": 32, "cuda": 100}  # images per step


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("hypernet", help="learn a distribution of SIRENs: inpainting from a few pixels")
    kinds = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    kinds.required = True
    t = kinds.add_parser("train", help="train a hypernetwork on a folder of images (or bundled patches, faces)")
    t.add_argument("path", nargs="?", default=None, metavar="DATA",
                   help="a folder of images, or a bundled set: patches (32² tiles of scikit-image's stills) or faces "
                        "(its Labeled Faces in the Wild subset); default patches")
    t.add_argument("--size", type=int, default=32, help="images centre-cropped and resized to N² (32)")
    t.add_argument("--context", default=None, metavar="LOW,HIGH",
                   help="observed pixels per training image, drawn uniformly in [LOW, HIGH] (default 10,200 as the "
                        "authors, at most the image's pixels)")
    t.add_argument("--batch-size", type=int, default=None,
                   help=f"images per step (default {BATCH['cpu']} on CPU, {BATCH['cuda']} on GPU)")
    t.add_argument("--latent-weight", type=float, default=0.1, help="weight of mean(z²) in the loss (0.1)")
    t.add_argument("--weight-weight", type=float, default=100.0,
                   help="weight of mean(θ²) over the generated SIREN weights in the loss (100)")
    t.add_argument("--out", default=None, help="run folder (default runs/hypernet-TIME)")
    add_resume_option(t)
    g = t.add_argument_group("model")
    g.add_argument("--encoder", default="conv", choices=("conv", "set"),
                   help="conv: convolutions over the masked image (default); set: a per-pixel MLP averaged")
    g.add_argument("--latent-dim", type=int, default=256, help="size of the latent code (256)")
    g.add_argument("--hidden-features", type=int, default=None,
                   help=f"width of the generated SIRENs (default {WIDTH['cpu']} on CPU, {WIDTH['cuda']} on GPU)")
    g.add_argument("--hidden-layers", type=int, default=3, help="hidden layers of the SIRENs after the first (3)")
    g.add_argument("--hyper-hidden-features", type=int, default=None,
                   help="width of each per-tensor MLP of the hypernetwork (default: --hidden-features)")
    g.add_argument("--hyper-hidden-layers", type=int, default=1, help="hidden layers of those MLPs (1)")
    add_train_options(t, f"training steps (default {STEPS['cpu']} on CPU, {STEPS['cuda']} on GPU)")
    t.set_defaults(handler=run_train, lr=5e-4, first_omega=30.0, hidden_omega=30.0)

    e = kinds.add_parser("eval", help="inpainting MSE of a trained hypernetwork and of two baselines")
    e.add_argument("run", help="run folder of `torchsiren hypernet train`")
    e.add_argument("--data", default=None, metavar="DATA",
                   help="images to inpaint: a folder, or patches / faces (their test split); default: the test split "
                        "of the run's bundled set")
    e.add_argument("--device", default="auto", choices=DEVICES, help="auto (CUDA if present), cpu or cuda")
    e.add_argument("--out", default=None, help="folder for metrics.json and the panels (default RUN/eval)")
    e.add_argument("--refine-steps", type=int, default=50, metavar="N",
                   help="also fit each generated SIREN to its observed pixels for N Adam steps (test-time "
                        "optimisation, scored as _refined; default 50, 0: off)")
    e.add_argument("--refine-lr", type=float, default=1e-3, help="Adam learning rate of --refine-steps (1e-3)")
    e.set_defaults(handler=run_eval)


def _context(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        lo, hi = (int(v) for v in text.split(","))
    except ValueError:
        raise TorchSirenError(f"--context takes LOW,HIGH pixel counts (e.g. 10,200), got {text!r}") from None
    return lo, hi


def _load(path: str, size: int, split: str):
    from ..data.collection import load_collection
    with relayed_warnings():
        images, _, what = load_collection(path, size, split)
    return images, what


def run_train(args: argparse.Namespace) -> int:
    from ..data.collection import BUNDLED
    from ..models import ModelSpec
    from ..problems.hypernet import Inpainting
    from .. import distributed as dist
    device = resolve_device(args.device)
    processes = dist.world()[1]
    if processes > 1:
        device = dist.start(device)
    kind = "cuda" if is_gpu(device) else "cpu"
    args.path = args.path or "patches"
    for name in ("size", "batch_size", "latent_dim", "hidden_features", "hyper_hidden_features"):
        positive_int(args.flags[name], getattr(args, name))
    args.batch_size = args.batch_size or BATCH[kind]
    args.hidden_features = args.hidden_features or WIDTH[kind]
    args.hyper_hidden_features = args.hyper_hidden_features or args.hidden_features
    config = train_config_from_args(args, STEPS[kind])
    images, what = _load(args.path, args.size, "train")
    bundled = args.path in BUNDLED and not Path(args.path).exists()
    test = _load(args.path, args.size, "test")[0] if bundled else None
    problem = Inpainting(images, test, args.batch_size, _context(args.context), args.latent_weight,
                         args.weight_weight, device)
    hyper = {"encoder": args.encoder, "size": args.size, "latent_dim": args.latent_dim,
             "hyper_hidden_features": args.hyper_hidden_features, "hyper_hidden_layers": args.hyper_hidden_layers}
    spec = ModelSpec(in_features=2, out_features=images.shape[3], hidden_features=args.hidden_features,
                     hidden_layers=args.hidden_layers, first_omega_0=args.first_omega,
                     hidden_omega_0=args.hidden_omega, hypernet=hyper).validate()
    settings = {"path": str(Path(args.path).resolve()) if not bundled else args.path, "context": args.context,
                "batch_size": args.batch_size, "latent_weight": args.latent_weight,
                "weight_weight": args.weight_weight, **hyper}
    held_out = f", judged on {len(test)} held-out images" if test is not None else ""
    if processes > 1:
        if args.batch_size % processes:
            raise TorchSirenError(f"--batch-size {args.batch_size} does not split evenly between {processes} "
                                  "processes; give a multiple of the process count")
        return execute_data_parallel(args, problem, spec, config, device, settings,
                                     f"training a hypernetwork on {len(images)} images of {args.size}² from {what}")
    return execute(args, problem, spec, config, device, settings,
                   f"training a hypernetwork on {len(images)} images of {args.size}² from {what}{held_out}")


def run_eval(args: argparse.Namespace) -> int:
    import numpy as np
    from ..data.collection import BUNDLED
    from ..problems.hypernet import SETTINGS, inpainting_scores, write_pictures
    from ..runner import load_run
    device = resolve_device(args.device)
    if args.refine_steps < 0:
        raise TorchSirenError(f"--refine-steps must be >= 0, got {args.refine_steps}")
    if not 0 < args.refine_lr < 1:
        raise TorchSirenError(f"--refine-lr must be in (0, 1), got {args.refine_lr}")
    model, config = load_run(args.run, device)
    if config.get("task") != "hypernet":
        raise TorchSirenError(f"{args.run} holds a {config.get('task')!r} run, not a hypernetwork")
    data = args.data or config["path"]
    if data not in BUNDLED and args.data is None:
        raise TorchSirenError(f"{args.run} was trained on a folder; name the images to inpaint with --data FOLDER")
    size = config["size"]
    images, what = _load(data, size, "test")
    mean_file = Path(args.run) / "mean_image.npy"
    if not mean_file.exists():
        raise TorchSirenError(f"{mean_file} is missing; the run has not finished (train it to the end first)")
    mean_image = np.load(mean_file)
    if images.shape[3] != mean_image.shape[2]:
        raise TorchSirenError(f"the run generates {mean_image.shape[2]}-channel images, {what} has {images.shape[3]}")
    settings = tuple(s for s in SETTINGS if s == "half" or int(s) <= size * size)
    out = Path(args.out) if args.out else Path(args.run) / "eval"
    out.mkdir(parents=True, exist_ok=True)
    print(f"inpainting {len(images)} images of {size}² from {what} with {args.run} on {device}")
    scores, shown = inpainting_scores(model, images, mean_image, device, settings, args.refine_steps, args.refine_lr)
    pictures = write_pictures(model, images, shown, out, device)
    metrics = scores | {"count": len(images), "data": str(data), "run": str(Path(args.run).resolve()),
                        "refine_steps": args.refine_steps, "refine_lr": args.refine_lr}
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    from ..report import write_index
    write_index(out, "torchsiren hypernet eval", metrics, pictures, config, None)
    print(table(scores, settings))
    print(f"open {out / 'index.html'}")
    return 0


def table(scores: dict[str, float], settings: tuple[str, ...]) -> str:
    """The inpainting MSEs as a Markdown table, one row per context setting."""
    refined = f"mse_context_{settings[0]}_refined" in scores
    suffixes = ("", "_refined", "_mean_image", "_nearest_pixel") if refined else ("", "_mean_image", "_nearest_pixel")
    head = ["observed pixels", "hypernetwork"] + (["hypernetwork, refined"] if refined else []) + [
        "mean training image", "nearest observed pixel"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in settings:
        rows.append(f"| {'top half' if s == 'half' else s} | " + " | ".join(
            f"{scores[f'mse_context_{s}{suffix}']:.2e}" for suffix in suffixes) + " |")
    return "\n".join(rows)
