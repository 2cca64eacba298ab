"""`torchsiren fit-many FOLDER`: many small images fitted at once by one BatchedSiren (the bundled patches by
default), with each image's PSNR and the weights of every SIREN in one safetensors file."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..device import resolve_device
from ..errors import TorchSirenError
from ..kernels import IMPLEMENTATIONS
from .common import add_resume_option, add_train_options, execute, execute_data_parallel, is_gpu, positive_int, \
    relayed_warnings, train_config_from_args

MANY_STEPS_CPU, MANY_STEPS_GPU = 300, 2000


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fit-many", help="fit many small images at once (default: the bundled 32² patches)")
    p.add_argument("path", nargs="?", default=None, metavar="FOLDER",
                   help="a folder of images, or patches (the bundled 32² tiles of scikit-image's stills, train split)")
    p.add_argument("--size", type=int, default=32, help="every image centre-cropped and resized to N² (32)")
    p.add_argument("--count", type=int, default=None, help="fit only the first N images")
    p.add_argument("--batch-size", type=int, default=None, help="random pixels per step, the same for every image "
                                                                "(default: all)")
    p.add_argument("--target-psnr", type=float, default=30.0, help="the PSNR an image counts as fitted at (30)")
    p.add_argument("--stop-at-target", action="store_true",
                   help="stop as soon as every image reached --target-psnr (checked every --log-every steps)")
    p.add_argument("--out", default=None, help="run folder (default runs/fit-many-TIME)")
    add_resume_option(p)
    g = p.add_argument_group("model")
    g.add_argument("--hidden-features", type=int, default=64, help="width of every SIREN (64)")
    g.add_argument("--hidden-layers", type=int, default=3, help="hidden layers after the first (3)")
    g.add_argument("--first-omega", type=float, default=30.0, help="ω₀ of the first sine layer (30)")
    g.add_argument("--hidden-omega", type=float, default=30.0, help="ω₀ of the other sine layers (30)")
    g.add_argument("--implementation", default="auto", choices=IMPLEMENTATIONS,
                   help="sine layers: auto (fused Triton on CUDA when available), torch or fused")
    add_train_options(p, f"training steps (default {MANY_STEPS_CPU} on CPU, {MANY_STEPS_GPU} on GPU)")
    p.set_defaults(handler=run, lr=1e-3, schedule="cosine", model="siren")


def many_problem(args: argparse.Namespace, device):
    from ..data.collection import bundled_patches, load_folder
    from ..problems.many import ManyImageFitting
    positive_int("--size", args.size)
    positive_int("--count", args.count)
    positive_int("--batch-size", args.batch_size)
    args.path = args.path or "patches"
    if args.path == "patches" and not Path(args.path).exists():
        images, names, what = bundled_patches(args.size), None, "the bundled patches"
    else:
        with relayed_warnings():
            images, names = load_folder(args.path, args.size)
        what = args.path
    if args.count is not None:
        images, names = images[:args.count], names[:args.count] if names else None
    problem = ManyImageFitting(images, args.batch_size, args.target_psnr, device, names)
    settings = {"path": str(Path(args.path).resolve()) if Path(args.path).exists() else args.path,
                "size": args.size, "count": args.count, "batch_size": args.batch_size,
                "target_psnr": args.target_psnr}
    return problem, settings, f"{len(images)} images of {args.size}² from {what}"


def run(args: argparse.Namespace) -> int:
    from .. import distributed as dist
    device = resolve_device(args.device)
    config = train_config_from_args(args, MANY_STEPS_GPU if is_gpu(device) else MANY_STEPS_CPU)
    processes = dist.world()[1]
    if processes > 1:
        device = dist.start(device)
    problem, settings, what = many_problem(args, device)
    if processes > 1:
        if processes > len(problem.images):
            raise TorchSirenError(f"{processes} processes for {len(problem.images)} images: some would have none; "
                                  "use at most as many processes as images")
        return execute_data_parallel(args, problem, _spec(args, problem), config, device, settings, f"fitting {what}")
    return execute(args, problem, _spec(args, problem), config, device, settings, f"fitting {what}")


def _spec(args: argparse.Namespace, problem):
    from ..models import ModelSpec
    return ModelSpec(in_features=2, out_features=problem.images.shape[3], hidden_features=args.hidden_features,
                     hidden_layers=args.hidden_layers, first_omega_0=args.first_omega,
                     hidden_omega_0=args.hidden_omega, count=len(problem.images),
                     implementation=args.implementation).validate()
