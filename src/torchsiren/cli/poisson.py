"""`torchsiren poisson IMAGE --from gradient|laplacian` and `torchsiren poisson-edit BACKGROUND FOREGROUND`."""
from __future__ import annotations

import argparse
from pathlib import Path


from ..data import cameraman, load_image, resize_longer_side
from ..device import resolve_device
from ..errors import TorchSirenError
from ..problems.poisson import SOURCES, PoissonEditing, PoissonReconstruction, box_mask
from .common import add_model_options, add_resume_option, add_train_options, execute, is_gpu, \
    model_spec_from_args, positive_int, train_config_from_args

CPU_SIZE, GPU_SIZE = 64, 256
CPU_STEPS, GPU_STEPS = 300, 10_000


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("poisson", help="reconstruct an image from its gradients or its Laplacian")
    p.add_argument("image", nargs="?", default=None, help="image file (default: the bundled cameraman)")
    p.add_argument("--from", dest="source", default="gradient", choices=SOURCES, help="what supervises Φ")
    p.add_argument("--size", type=int, default=None, help=f"longer side (default {CPU_SIZE} CPU / {GPU_SIZE} GPU)")
    p.add_argument("--batch-size", type=int, default=None, help="random pixels per step (default: all)")
    p.add_argument("--target-scale", type=float, default=None,
                   help="multiply the targets by this instead of expressing them in grid units (the authors: "
                        "40 for gradients, 1e4 for Laplacians)")
    p.add_argument("--out", default=None, help="run folder (default runs/poisson-TIME)")
    add_model_options(p)
    add_train_options(p, f"training steps (default {CPU_STEPS} CPU / {GPU_STEPS} GPU)")
    add_resume_option(p)
    p.set_defaults(handler=run_reconstruction)

    e = sub.add_parser("poisson-edit", help="blend a foreground into a background in the gradient domain")
    e.add_argument("background", help="background image file")
    e.add_argument("foreground", help="foreground image file of the same size")
    g = e.add_mutually_exclusive_group()
    g.add_argument("--mask", default=None, help="mask image of the same size: non-zero = take the foreground")
    g.add_argument("--box", default=None, help="top,left,bottom,right as fractions in [0, 1] (default centre half)")
    e.add_argument("--mix", type=float, default=0.5, help="weight of ∇foreground inside the mask (0.5 as the "
                                                          "authors; 1 = seamless cloning)")
    e.add_argument("--size", type=int, default=None, help=f"longer side (default {CPU_SIZE} CPU / {GPU_SIZE} GPU)")
    e.add_argument("--out", default=None, help="run folder (default runs/poisson-edit-TIME)")
    add_model_options(e)
    add_train_options(e, f"training steps (default {CPU_STEPS} CPU / {GPU_STEPS} GPU)")
    add_resume_option(e)
    e.set_defaults(handler=run_editing)


def reconstruction_problem(args: argparse.Namespace, device) -> tuple[PoissonReconstruction, dict]:
    positive_int("--size", args.size)
    positive_int("--batch-size", args.batch_size)
    size = args.size or (GPU_SIZE if is_gpu(device) else CPU_SIZE)
    image = cameraman() if args.image is None else load_image(args.image)
    image = resize_longer_side(image, size)
    scale = getattr(args, "target_scale", None)
    settings = {"image": str(Path(args.image).resolve()) if args.image else None, "size": size,
                "source": args.source, "batch_size": args.batch_size, "shape": list(image.shape[:2]),
                "target_scale": scale}
    return PoissonReconstruction(image, args.source, args.batch_size, device, target_scale=scale), settings


def run_reconstruction(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    problem, settings = reconstruction_problem(args, device)
    config = train_config_from_args(args, GPU_STEPS if is_gpu(device) else CPU_STEPS)
    spec = model_spec_from_args(args, 2, problem.reference.shape[2], samples=min(problem.shape))
    return execute(args, problem, spec, config, device, settings, f"Poisson reconstruction from the {args.source}")


def _parse_box(text: str) -> tuple[float, float, float, float]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 4:
        raise TorchSirenError(f"--box takes top,left,bottom,right as four fractions, got {text!r}")
    return values  # type: ignore[return-value]


def run_editing(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    positive_int("--size", args.size)
    background, foreground = load_image(args.background), load_image(args.foreground)
    if background.shape[:2] != foreground.shape[:2]:
        raise TorchSirenError(f"background is {background.shape[1]}x{background.shape[0]} but foreground is "
                              f"{foreground.shape[1]}x{foreground.shape[0]}; give images of the same size")
    size = args.size or (GPU_SIZE if is_gpu(device) else CPU_SIZE)
    background, foreground = resize_longer_side(background, size), resize_longer_side(foreground, size)
    if args.mask:
        mask_image = load_image(args.mask)
        if mask_image.shape[:2] != load_image(args.background).shape[:2]:
            raise TorchSirenError("the mask must have the size of the background image")
        mask = resize_longer_side(mask_image, size).mean(-1) > 0.5
    else:
        mask = box_mask(background.shape[:2], _parse_box(args.box or "0.25,0.25,0.75,0.75"))
    problem = PoissonEditing(background, foreground, mask, mix=args.mix, device=device)
    config = train_config_from_args(args, GPU_STEPS if is_gpu(device) else CPU_STEPS)
    spec = model_spec_from_args(args, 2, problem.reference.shape[2], samples=min(problem.shape))
    settings = {"background": str(Path(args.background).resolve()), "foreground": str(Path(args.foreground).resolve()),
                "mask": args.mask, "box": args.box, "mix": args.mix, "size": size}
    return execute(args, problem, spec, config, device, settings, "Poisson image editing")
