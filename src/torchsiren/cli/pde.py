"""`torchsiren helmholtz` and `torchsiren wave`: physics problems supervised only through derivatives."""
from __future__ import annotations

import argparse

from ..device import resolve_device
from ..errors import TorchSirenError
from ..problems.helmholtz import VELOCITIES, Helmholtz
from ..problems.inverse_helmholtz import InverseHelmholtz
from ..problems.wave import WaveEquation
from .common import add_model_options, add_resume_option, add_train_options, execute, is_gpu, \
    model_spec_from_args, positive_int, train_config_from_args


def add_parser(sub: argparse._SubParsersAction) -> None:
    h = _helmholtz_parser(sub, "helmholtz", "Helmholtz equation: a point source with a perfectly matched layer",
                          "uniform", "64² CPU")
    h.add_argument("--source-points", type=int, default=100,
                   help="points sampled in the source's disc each step (100, as the authors)")
    h.add_argument("--norm", default="l1", choices=("l1", "l2"),
                   help="norm of the residual: l1 (the authors') or l2 (least squares)")
    h.add_argument("--flux-weight", type=float, default=None,
                   help="weight of the source constraint (Green's identity with J0 on circles around the source): "
                        "1 in a uniform medium, where it applies; 0 gives the authors' loss alone")
    h.add_argument("--flux-radius", type=float, default=None,
                   help="largest radius of its circles (each step draws one): 0.45, or less where the PML or a "
                        "change of medium comes closer to the source")
    h.add_argument("--source", default=None, metavar="X,Y",
                   help="source position: 0,0 in a uniform medium, -0.35,0 in square/circle media as the authors "
                        "(write --source=-0.35,0 when X is negative)")
    h.set_defaults(handler=run_helmholtz, lr=2e-5)
    v = _helmholtz_parser(sub, "helmholtz-inverse", "full-waveform inversion: the medium from receiver data",
                          "circle", "48² CPU")
    v.add_argument("--sources", type=int, default=5, help="sources on a ring (5)")
    v.add_argument("--receivers", type=int, default=30, help="receivers on a ring (30)")
    v.add_argument("--medium-warmup", type=int, default=0,
                   help="steps that fit the fields in the background medium before the medium is learnt (0)")
    v.set_defaults(handler=run_inverse, lr=2e-5)

    f = sub.add_parser("fwi", help="full-waveform inversion by the adjoint-state method, the medium a SIREN")
    f.add_argument("--wavenumber", type=float, default=20.0, help="k of the data (20)")
    f.add_argument("--low-wavenumbers", default="5,10", metavar="K,K",
                   help="lower wavenumbers fitted first, one stage each (5,10; 'none' for k alone)")
    f.add_argument("--stage-steps", type=int, default=None,
                   help="steps of each low-wavenumber stage (default: an equal share of --steps for every stage)")
    f.add_argument("--velocity", default="circle", choices=VELOCITIES,
                   help="true medium (circle; pair: a fast disc and a slower square)")
    f.add_argument("--inclusion-velocity", type=float, default=2.0,
                   help="velocity inside square/circle, and the disc of pair (2)")
    f.add_argument("--pml-width", type=float, default=0.5, help="PML width in [-1, 1] units (0.5)")
    f.add_argument("--sources", type=int, default=5, help="sources on a ring (5)")
    f.add_argument("--receivers", type=int, default=30, help="receivers on a ring (30)")
    f.add_argument("--nodes", type=int, default=128, help="finite-difference grid of the inversion, per axis (128)")
    f.add_argument("--out", default=None, help="run folder (default runs/fwi-TIME)")
    add_model_options(f)
    add_train_options(f, f"training steps ({FWI_STEPS})")
    add_resume_option(f)
    f.set_defaults(handler=run_fwi, lr=1e-3, schedule="cosine", hidden_features=64, first_omega=5.0)

    w = sub.add_parser("wave", help="wave equation from a Gaussian initial condition")
    w.add_argument("--velocity", type=float, default=1.0, help="wave speed c (1)")
    w.add_argument("--t-max", type=float, default=0.4, help="end of the time domain (0.4)")
    w.add_argument("--curriculum-steps", type=int, default=None, help="steps over which the time domain grows "
                                                                     "to t-max (default: all steps)")
    w.add_argument("--pretrain-steps", type=int, default=0, help="steps fitting only the initial condition")
    w.add_argument("--points", type=int, default=None, help="collocation points per step (230² GPU / 48² CPU)")
    w.add_argument("--out", default=None, help="run folder (default runs/wave-TIME)")
    add_model_options(w)
    add_train_options(w, "training steps (default 200 CPU / 10000 GPU)")
    add_resume_option(w)
    w.set_defaults(handler=run_wave, lr=2e-5, hidden_features=512)


def _helmholtz_parser(sub: argparse._SubParsersAction, name: str, what: str, medium: str, cpu_points: str
                      ) -> argparse.ArgumentParser:
    """The options the forward and the inverse Helmholtz commands share."""
    p = sub.add_parser(name, help=what)
    p.add_argument("--wavenumber", type=float, default=20.0, help="k (20)")
    p.add_argument("--velocity", default=medium, choices=VELOCITIES, help=f"(true) medium ({medium})")
    p.add_argument("--inclusion-velocity", type=float, default=2.0,
                   help="velocity inside square/circle, and the disc of pair (2)")
    p.add_argument("--pml-width", type=float, default=0.5, help="PML width in [-1, 1] units (0.5)")
    p.add_argument("--points", type=int, default=None, help=f"collocation points per step (230² GPU / {cpu_points})")
    p.add_argument("--out", default=None, help=f"run folder (default runs/{name}-TIME)")
    add_model_options(p)
    add_train_options(p, "training steps (default 200 CPU / 10000 GPU)")
    add_resume_option(p)
    return p


def run_helmholtz(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    positive_int("--points", args.points)
    positive_int("--source-points", args.source_points)
    points = args.points or (230 ** 2 if is_gpu(device) else 64 ** 2)
    source = _point("--source", args.source) if args.source else ((0.0, 0.0) if args.velocity == "uniform"
                                                                  else (-0.35, 0.0))
    problem = Helmholtz(args.wavenumber, args.velocity, args.inclusion_velocity, args.pml_width, points=points,
                        source_points=args.source_points, device=device, norm=args.norm, center=source,
                        flux_weight=args.flux_weight, flux_radius=args.flux_radius)
    config = train_config_from_args(args, 10_000 if is_gpu(device) else 200)
    spec = model_spec_from_args(args, 2, 2)
    settings = {"wavenumber": args.wavenumber, "velocity": args.velocity, "pml_width": args.pml_width,
                "inclusion_velocity": args.inclusion_velocity, "points": points, "source_points": args.source_points,
                "norm": args.norm, "flux_weight": problem.flux_weight,
                "flux_radius": getattr(problem, "flux_radius", None), "source": list(source)}
    return execute(args, problem, spec, config, device, settings, f"Helmholtz (k = {args.wavenumber}, {args.velocity})")


def _point(name: str, text: str | list) -> tuple[float, float]:
    if isinstance(text, (list, tuple)):  # as config.json stores it (a resumed run)
        text = ",".join(map(str, text))
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise TorchSirenError(f"{name} takes X,Y (two numbers, e.g. -0.35,0), got {text!r}") from None
    return x, y


def run_inverse(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    positive_int("--points", args.points)
    points = args.points or (230 ** 2 if is_gpu(device) else 48 ** 2)
    problem = InverseHelmholtz(args.wavenumber, args.sources, args.receivers, args.velocity, args.inclusion_velocity,
                               args.pml_width, points=points, fd_nodes=255 if is_gpu(device) else 127,
                               medium_warmup=args.medium_warmup, device=device)
    config = train_config_from_args(args, 10_000 if is_gpu(device) else 200)
    if args.medium_warmup >= config.steps:
        raise TorchSirenError(f"--medium-warmup {args.medium_warmup} leaves the medium no step to move in "
                              f"{config.steps} steps; use fewer warm-up steps or more --steps")
    spec = model_spec_from_args(args, 2, problem.out_features)
    settings = {"wavenumber": args.wavenumber, "velocity": args.velocity, "sources": args.sources,
                "receivers": args.receivers, "inclusion_velocity": args.inclusion_velocity, "points": points,
                "medium_warmup": args.medium_warmup}
    return execute(args, problem, spec, config, device, settings,
                   f"inverse Helmholtz ({args.sources} sources, {args.receivers} receivers, {args.velocity} medium)")


FWI_STEPS = 600


def _wavenumbers(text: str | list) -> tuple[float, ...]:
    if isinstance(text, (list, tuple)):  # as config.json stores it (a resumed run)
        return tuple(float(k) for k in text)
    if text.strip().lower() == "none":
        return ()
    try:  # their range and order: WaveformInversion checks them
        return tuple(float(k) for k in text.split(","))
    except ValueError:
        raise TorchSirenError(f"--low-wavenumbers takes K,K,... (e.g. 5,10) or none, got {text!r}") from None


def run_fwi(args: argparse.Namespace) -> int:
    from ..problems.inverse_helmholtz import WaveformInversion
    device = resolve_device(args.device)
    positive_int("--nodes", args.nodes)
    positive_int("--stage-steps", args.stage_steps)
    if not 16 <= args.nodes <= 1024:
        raise TorchSirenError(f"--nodes must be in [16, 1024] (a sparse solve of nodes² unknowns each step), got "
                              f"{args.nodes}")
    low = _wavenumbers(args.low_wavenumbers)
    config = train_config_from_args(args, FWI_STEPS)
    stage_steps = args.stage_steps or max(1, config.steps // (len(low) + 1))
    if low and stage_steps * len(low) >= config.steps:
        raise TorchSirenError(f"{len(low)} stages of {stage_steps} steps leave --wavenumber no step of {config.steps}; "
                              "use fewer --stage-steps or more --steps")
    problem = WaveformInversion(args.wavenumber, args.sources, args.receivers, args.velocity, args.inclusion_velocity,
                                args.pml_width, low_wavenumbers=low, stage_steps=stage_steps, nodes=args.nodes,
                                device=device)
    spec = model_spec_from_args(args, 2, 1)
    settings = {"wavenumber": args.wavenumber, "low_wavenumbers": list(low), "stage_steps": stage_steps,
                "velocity": args.velocity, "inclusion_velocity": args.inclusion_velocity, "pml_width": args.pml_width,
                "sources": args.sources, "receivers": args.receivers, "nodes": args.nodes}
    return execute(args, problem, spec, config, device, settings,
                   f"full-waveform inversion ({args.sources} sources, {args.receivers} receivers, {args.velocity} "
                   f"medium, k = {', '.join(f'{k:g}' for k in (*low, args.wavenumber))})")


def run_wave(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    positive_int("--points", args.points)
    if args.pretrain_steps < 0:
        raise TorchSirenError(f"--pretrain-steps must be >= 0, got {args.pretrain_steps}")
    points = args.points or (230 ** 2 if is_gpu(device) else 48 ** 2)
    config = train_config_from_args(args, 10_000 if is_gpu(device) else 200)
    curriculum = args.curriculum_steps or max(1, config.steps - args.pretrain_steps)
    positive_int("--curriculum-steps", curriculum)
    problem = WaveEquation(args.velocity, t_max=args.t_max, points=points, curriculum_steps=curriculum,
                           pretrain_steps=args.pretrain_steps, device=device)
    spec = model_spec_from_args(args, 3, 1)
    settings = {"velocity": args.velocity, "t_max": args.t_max, "points": points, "curriculum_steps": curriculum,
                "pretrain_steps": args.pretrain_steps}
    return execute(args, problem, spec, config, device, settings, f"wave equation (c = {args.velocity})")
