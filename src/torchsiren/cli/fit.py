"""`torchsiren fit image [PATH]`: fit an image (the bundled cameraman by default) and write a run folder."""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from ..data import cameraman, load_image, resize_longer_side
from ..device import check_memory, resolve_device
from ..problems import ImageFitting
from .common import add_model_options, add_resume_option, add_target_option, add_train_options, execute, is_gpu, \
    model_spec_from_args, positive_int, resolve_first_omega, train_config_from_args

# Defaults: a laptop fits 128² in ~30 s (2 CPU cores: 59-62 dB after 150 steps); a GPU fits the paper's 512².
# The recipe is Adam 1e-3 with a cosine schedule, which reaches in 150 steps what the paper's (1e-4 constant,
# --lr 1e-4 --schedule constant) reaches in 300 or more (docs/results.md).
CPU_SIZE, CPU_STEPS = 128, 150
GPU_SIZE, GPU_STEPS = 512, 2000


def add_parser(sub: argparse._SubParsersAction) -> None:
    fit = sub.add_parser("fit", help="fit a signal")
    kinds = fit.add_subparsers(dest="kind", metavar="KIND", parser_class=type(fit))
    kinds.required = True
    p = kinds.add_parser("image", help="fit an image (default: the bundled cameraman)")
    p.add_argument("path", nargs="?", default=None, help="image file (PNG, JPEG, TIFF; gray or RGB; 8/16 bit)")
    p.add_argument("--size", type=int, default=None,
                   help=f"scale the longer side to N pixels (default {CPU_SIZE} on CPU, {GPU_SIZE} on GPU)")
    p.add_argument("--batch-size", type=int, default=None, help="random pixels per step (default: all)")
    p.add_argument("--out", default=None, help="run folder (default runs/fit-image-TIME)")
    add_resume_option(p)
    add_model_options(p)
    add_train_options(p, f"training steps (default {CPU_STEPS} on CPU, {GPU_STEPS} on GPU)")
    add_target_option(p)
    p.set_defaults(handler=run, lr=1e-3, schedule="cosine")
    _audio_parser(kinds)
    _video_parser(kinds)
    from .shape import add_sdf_parser
    add_sdf_parser(kinds)
    for action in p._actions:  # say this command's own defaults in --help
        if action.dest == "lr":
            action.help = "Adam learning rate (1e-3; the paper's is 1e-4 with --schedule constant)"
        if action.dest == "schedule":
            action.help = "learning-rate schedule (cosine)"


def image_problem(settings: dict, device: torch.device) -> ImageFitting:
    """Rebuild the problem a fit-image config.json describes."""
    path = settings.get("image")
    image = cameraman() if path is None else load_image(path)
    image = resize_longer_side(image, settings["size"])
    return ImageFitting(image, batch_size=settings.get("batch_size"), device=device)


def run(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    positive_int("--size", args.size)
    positive_int("--batch-size", args.batch_size)
    size = args.size or (GPU_SIZE if is_gpu(device) else CPU_SIZE)
    pixels = size * size  # at most: the longer side is `size`
    per_pixel = 4 * (3 * 4 + 3 * args.hidden_features * (args.hidden_layers + 2))  # image, coords; activations
    batch = min(args.batch_size or pixels, pixels)  # and their gradients for the pixels of one step
    check_memory(pixels * 4 * 16 + batch * per_pixel, device, f"fitting at --size {size}",
                 "use a smaller --size, or --batch-size for random pixel subsets")
    settings = {"image": str(Path(args.path).resolve()) if args.path else None, "size": size,
                "batch_size": args.batch_size}
    problem = image_problem(settings, device)
    settings["shape"] = list(problem.shape)
    config = train_config_from_args(args, GPU_STEPS if is_gpu(device) else CPU_STEPS)
    resolve_first_omega(args, problem.image)
    spec = model_spec_from_args(args, 2, problem.image.shape[2], samples=min(problem.shape))
    what = f"fitting {settings['image'] or 'cameraman'} at {problem.shape[1]}x{problem.shape[0]}"
    return execute(args, problem, spec, config, device, settings, what)



# Audio: first-layer ω₀ from the clip (auto: the images' 30 fits far worse, and the authors' fixed 3000 does not
# start at Adam 1e-3 on the bundled melody), Adam with a cosine schedule: 1e-3 for the CPU's 300 steps (40.1 dB
# on the melody, 34.2 at 3e-4); 3e-4 for the GPU's 5000, where 1e-3 reaches 59 dB and then falls apart
# (docs/results.md, Audio).
AUDIO_STEPS_CPU, AUDIO_STEPS_GPU = 300, 5000
AUDIO_LR_CPU, AUDIO_LR_GPU = 1e-3, 3e-4
AUDIO_OMEGA = "auto"
AUDIO_HELP = "audio file (WAV, FLAC, OGG; any rate, mono or multi-channel) or a bundled clip: melody (default), counting"


def _audio_parser(kinds: argparse._SubParsersAction) -> None:
    p = kinds.add_parser("audio", help="fit a sound (default: the bundled melody)")
    add_audio_options(p, "runs/fit-audio-TIME")
    add_resume_option(p)
    add_model_options(p)
    add_train_options(p, f"training steps (default {AUDIO_STEPS_CPU} on CPU, {AUDIO_STEPS_GPU} on GPU)")
    p.set_defaults(handler=run_audio, first_omega=AUDIO_OMEGA, schedule="cosine")
    audio_help(p)


def audio_help(p: argparse.ArgumentParser) -> None:
    """The audio commands' own defaults in --help: ω₀ auto, and a learning rate that follows the device's steps."""
    p.set_defaults(lr=None)
    for action in p._actions:
        if action.dest == "first_omega":
            action.help = ("ω₀ of the first sine layer, or auto (default for audio: from the clip's spectrum, "
                           "bounded by what Adam at --lr keeps stable)")
        if action.dest == "lr":
            action.help = f"Adam's learning rate (default {AUDIO_LR_CPU:g} on CPU, {AUDIO_LR_GPU:g} on GPU)"


def audio_defaults(args: argparse.Namespace, device: torch.device) -> None:
    """The learning rate for the device's number of steps, where --lr was not given."""
    if args.lr is None:
        args.lr = AUDIO_LR_GPU if is_gpu(device) else AUDIO_LR_CPU


def add_audio_options(p: argparse.ArgumentParser, out_default: str) -> None:
    p.add_argument("path", nargs="?", default=None, help=AUDIO_HELP)
    p.add_argument("--mono", action="store_true", help="average the channels (default: each channel is an output)")
    p.add_argument("--batch-size", type=int, default=None, help="random samples per step (default: all)")
    p.add_argument("--out", default=None, help=f"run folder (default {out_default})")


def audio_problem(args: argparse.Namespace, device: torch.device):
    """(AudioFitting, config.json settings, a label) from the audio options."""
    from ..data.audio import bundled_or_file
    from ..problems.audio import AudioFitting
    positive_int("--batch-size", args.batch_size)
    samples, rate, label = bundled_or_file(args.path, mono=args.mono)
    is_file = args.path is not None and Path(args.path).exists()
    settings = {"path": str(Path(args.path).resolve()) if is_file else (args.path or "melody"),  # or a clip's name
                "mono": args.mono, "batch_size": args.batch_size}
    problem = AudioFitting(samples, rate, batch_size=args.batch_size, device=device)
    return problem, settings, f"{label} ({samples.shape[0]} samples at {rate} Hz)"


def run_audio(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    problem, settings, what = audio_problem(args, device)
    audio_defaults(args, device)
    config = train_config_from_args(args, AUDIO_STEPS_GPU if is_gpu(device) else AUDIO_STEPS_CPU)
    resolve_first_omega(args, problem.samples)
    spec = model_spec_from_args(args, 1, problem.samples.shape[1], samples=problem.length)
    return execute(args, problem, spec, config, device, settings, f"fitting {what}")


VIDEO_STEPS_CPU, VIDEO_STEPS_GPU = 300, 5000
VIDEO_BATCH = 1 << 16  # random voxels per step, at most


def _video_parser(kinds: argparse._SubParsersAction) -> None:
    p = kinds.add_parser("video", help="fit a video (default: a bundled panning-and-zooming clip made by code)")
    add_video_options(p, "runs/fit-video-TIME")
    add_resume_option(p)
    add_model_options(p)
    add_train_options(p, f"training steps (default {VIDEO_STEPS_CPU} on CPU, {VIDEO_STEPS_GPU} on GPU)")
    add_target_option(p)
    p.set_defaults(handler=run_video, lr=1e-3, schedule="cosine")


def add_video_options(p: argparse.ArgumentParser, out_default: str) -> None:
    p.add_argument("path", nargs="?", default=None, help="GIF, MP4/AVI (with imageio-ffmpeg), a folder of frames, "
                                                         "or a .npy array (T, H, W[, C])")
    p.add_argument("--frames", type=int, default=None, help="use the first N frames")
    p.add_argument("--size", type=int, default=None, help="scale every frame's longer side to N pixels")
    p.add_argument("--batch-size", type=int, default=None, help=f"random voxels per step (default {VIDEO_BATCH} "
                                                                 "or the whole video if smaller)")
    p.add_argument("--out", default=None, help=f"run folder (default {out_default})")


def video_problem(args: argparse.Namespace, device: torch.device):
    """(VideoFitting, config.json settings, a label) from the video options."""
    from ..data.video import load_video, panning_video
    from ..problems.video import VideoFitting
    positive_int("--frames", args.frames)
    positive_int("--size", args.size)
    positive_int("--batch-size", args.batch_size)
    if args.path:
        video = load_video(args.path, frames=args.frames, size=args.size)
    else:
        video = panning_video(frames=args.frames or 32, size=args.size or 64)
    batch = args.batch_size or min(VIDEO_BATCH, int(np.prod(video.shape[:3])))
    settings = {"path": str(Path(args.path).resolve()) if args.path else None, "frames": args.frames,
                "size": args.size, "batch_size": args.batch_size}
    label = (f"{settings['path'] or 'the bundled clip'} ({video.shape[0]} frames of "
             f"{video.shape[2]}x{video.shape[1]})")
    return VideoFitting(video, batch, device=device), settings, label


def run_video(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    problem, settings, what = video_problem(args, device)
    config = train_config_from_args(args, VIDEO_STEPS_GPU if is_gpu(device) else VIDEO_STEPS_CPU)
    resolve_first_omega(args, problem.video)
    spec = model_spec_from_args(args, 3, problem.video.shape[3], samples=min(problem.shape[1:]))
    return execute(args, problem, spec, config, device, settings, f"fitting {what}")
