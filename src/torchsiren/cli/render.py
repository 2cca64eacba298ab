"""`torchsiren render RUN_DIR --size N`: evaluate a fitted image (or one image of a fit-many run) at any
resolution, in chunks."""
from __future__ import annotations

import argparse

import numpy as np
import torch

from ..data import save_image
from ..data.grid import grid_chunks
from ..device import resolve_device
from ..errors import TorchSirenError
from ..runner import load_run
from ..training import RunDir
from ..data.image import IMAGE_SUFFIXES
from .common import output_file, positive_int

RENDER_CHUNK = 1 << 16


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="evaluate a fitted image at any resolution")
    p.add_argument("run", help="run folder of `torchsiren fit image` or `fit-many`")
    p.add_argument("--size", type=int, required=True, help="longer side of the rendered image in pixels")
    p.add_argument("--member", type=int, default=None, metavar="I",
                   help="fit-many runs: which image (its index in signals.csv)")
    p.add_argument("--out", default=None, help="output PNG (default RUN/render-SIZE.png)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.set_defaults(handler=run)


@torch.no_grad()
def render(model: torch.nn.Module, shape: tuple[int, int], device: torch.device, chunk: int = RENDER_CHUNK
           ) -> np.ndarray:
    """Φ on an (H, W) grid, chunk by chunk, as an (H, W, C) image in [0, 1]; memory O(chunk + H·W·C)."""
    out = np.empty((shape[0] * shape[1], model.out_features), np.float32)
    start = 0
    for coords in grid_chunks(shape, chunk, device=device):
        values = model(coords).float()
        out[start:start + len(coords)] = ((values + 1) / 2).clamp(0, 1).cpu().numpy()
        start += len(coords)
    return out.reshape(shape[0], shape[1], -1)


def run(args: argparse.Namespace) -> int:
    positive_int("--size", args.size)
    if args.out:
        output_file(args.out, "--out", IMAGE_SUFFIXES)
    device = resolve_device(args.device)
    run_dir = RunDir.open(args.run)
    cfg = run_dir.read_config()
    if cfg.get("task") not in ("fit-image", "fit-many"):
        raise TorchSirenError(f"{run_dir.path} holds a {cfg.get('task')!r} run; render works on fit-image and "
                              "fit-many runs")
    if not run_dir.model_file.exists():
        raise TorchSirenError(f"{run_dir.path} has no {run_dir.model_file.name} yet; finish or resume the run first")
    model, _ = load_run(run_dir.path, device)
    h, w = cfg.get("shape", [cfg["size"], cfg["size"]])
    if cfg["task"] == "fit-many":
        count = model.count
        if args.member is None or not 0 <= args.member < count:
            raise TorchSirenError(f"{run_dir.path} holds {count} images; choose one with --member I (0 to {count - 1})")
        model = model.member(args.member)
    elif args.member is not None:
        raise TorchSirenError("--member is for fit-many runs; this run fitted one image")
    scale = args.size / max(h, w)
    shape = (max(1, round(h * scale)), max(1, round(w * scale)))
    name = f"render-{args.size}.png" if args.member is None else f"render-{args.member}-{args.size}.png"
    out = output_file(args.out, "--out", IMAGE_SUFFIXES) if args.out else run_dir.file(name)
    try:
        save_image(out, render(model, shape, device))
    except OSError as exc:
        raise TorchSirenError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out} ({shape[1]}x{shape[0]})")
    return 0
