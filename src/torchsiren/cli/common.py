"""What every command shares: one-line argument errors, the model and training options, building from them."""
from __future__ import annotations

import argparse
import contextlib
import os
import warnings
from pathlib import Path
import json
import sys
import time

import torch

from ..device import DEVICES
from ..errors import TorchSirenError
from ..kernels import IMPLEMENTATIONS
from ..models import MODEL_NAMES, ModelSpec
from ..training import PRECISIONS, SCHEDULES, TrainConfig


class Parser(argparse.ArgumentParser):
    """argparse whose errors are one line on stderr (exit 2) instead of usage + error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"torchsiren: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)


@contextlib.contextmanager
def relayed_warnings():
    """Print what the library warns about while loading data (files skipped, open meshes) as one line each,
    once; other packages' deprecation notices stay with Python's own filters."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    shown = set()
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning)):
            continue
        if str(w.message) not in shown:
            shown.add(str(w.message))
            print(f"warning: {w.message}")


def add_model_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--model", default="siren", choices=MODEL_NAMES, metavar="NAME",
                   help=f"network: {', '.join(MODEL_NAMES)} (default siren)")
    g.add_argument("--hidden-features", type=int, default=256, help="width of the hidden layers (%(default)s)")
    g.add_argument("--hidden-layers", type=int, default=3, help="hidden layers after the first (%(default)s)")
    g.add_argument("--first-omega", type=omega_value, default=30.0,
                   help="ω₀ of the first sine layer (%(default)s), or auto (from the signal's spectrum; fit commands)")
    g.add_argument("--hidden-omega", type=float, default=30.0, help="ω₀ of the other sine layers (%(default)s)")
    g.add_argument("--implementation", default="auto", choices=IMPLEMENTATIONS,
                   help="SIREN kernels: auto (fused Triton on CUDA when available), torch or fused")


def add_train_options(p: argparse.ArgumentParser, steps_help: str = "training steps") -> None:
    g = p.add_argument_group("training")
    g.add_argument("--steps", type=int, default=None, help=steps_help)
    g.add_argument("--lr", type=float, default=1e-4, help="Adam learning rate (%(default)s)")
    g.add_argument("--schedule", default="constant", choices=SCHEDULES, help="learning-rate schedule (%(default)s)")
    g.add_argument("--grad-clip", type=float, default=None, help="clip the gradient norm to this (%(default)s)")
    g.add_argument("--precision", default="auto", choices=PRECISIONS,
                   help="auto (default: fp32 on a CPU; on a GPU the fastest measured to keep this task's quality, "
                        "docs/performance.md), fp32, tf32, fp16 (the fused sine stack and gradient supervision on "
                        "fp16 operands, TF32 elsewhere; CUDA) or bf16 (autocast)")
    g.add_argument("--log-every", type=int, default=25, help="steps between metric evaluations (25)")
    g.add_argument("--checkpoint-every", type=int, default=500, help="steps between checkpoints (500)")
    g.add_argument("--seed", type=int, default=0, help="random seed (0)")
    g.add_argument("--device", default="auto", choices=DEVICES, help="auto (CUDA if present), cpu or cuda")
    g.add_argument("--compile", default="auto", choices=("auto", "on", "off"),
                   help="torch.compile the whole loss (auto: on CPU for full-batch runs of >= 1000 steps whose "
                        "derivatives come by forward mode)")
    g.add_argument("--no-cuda-graph", dest="cuda_graph", action="store_false",
                   help="do not replay steps as a CUDA graph (done where batches are fixed or drawn on the GPU)")
    g.add_argument("--quiet", action="store_true", help="no progress bar")


def omega_value(text: str) -> float | str:
    """--first-omega: a number or `auto`."""
    if text == "auto":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes a number or auto, got {text!r}") from None


def resolve_first_omega(args: argparse.Namespace, signal) -> None:
    """Replace `--first-omega auto` by the value the rule picks for `signal` (*grid, channels), and say it."""
    if args.first_omega == "auto":
        from ..models.first_omega import auto_first_omega
        positive_int("--hidden-features", args.hidden_features)
        args.first_omega = round(auto_first_omega(signal, lr=args.lr, hidden_features=args.hidden_features), 1)
        print(f"first-layer ω₀ {args.first_omega:g} (auto: from the signal's spectrum and the learning rate)")


def model_spec_from_args(args: argparse.Namespace, in_features: int, out_features: int,
                         samples: int | None = None) -> ModelSpec:
    if args.first_omega == "auto":
        raise TorchSirenError("--first-omega auto needs a signal to fit (fit or compare image|audio|video); "
                              "give a number here")
    return ModelSpec(name=args.model, in_features=in_features, out_features=out_features,
                     hidden_features=args.hidden_features, hidden_layers=args.hidden_layers,
                     first_omega_0=args.first_omega, hidden_omega_0=args.hidden_omega, samples=samples,
                     implementation=args.implementation).validate()


def train_config_from_args(args: argparse.Namespace, default_steps: int) -> TrainConfig:
    return TrainConfig(steps=args.steps if args.steps is not None else default_steps, lr=args.lr,
                       schedule=args.schedule, grad_clip=args.grad_clip, log_every=args.log_every,
                       checkpoint_every=args.checkpoint_every, seed=args.seed, precision=args.precision,
                       cuda_graph=args.cuda_graph, compile=args.compile,
                       target_psnr=args.target_psnr if getattr(args, "stop_at_target", False) else None).validate()


def output_file(path: str, flag: str, suffixes: tuple[str, ...]) -> Path:
    """A file the command will write: checked before any work, so a long run never ends on a bad path."""
    out = Path(path)
    if out.is_dir():
        raise TorchSirenError(f"{flag} {out} is a folder; give a file name ending in {' or '.join(suffixes)}")
    if out.suffix.lower() not in suffixes:
        raise TorchSirenError(f"{flag} {out} must end in {' or '.join(suffixes)}")
    if not out.parent.is_dir():
        raise TorchSirenError(f"{flag}: folder {out.parent} does not exist; create it or choose another path")
    if not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise TorchSirenError(f"{flag} {out} cannot be written (permission denied)")
    return out


def positive_int(name: str, value: int | None) -> None:
    if value is not None and value <= 0:
        raise TorchSirenError(f"{name} must be > 0, got {value}")


def is_gpu(device: torch.device) -> bool:
    return device.type == "cuda"


def add_target_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target-psnr", type=float, default=None, metavar="DB",
                   help="stop at the first logged step (--log-every) whose PSNR reaches DB")
    p.set_defaults(stop_at_target=True)


def add_resume_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--resume", default=None, metavar="DIR",
                   help="continue the run in DIR (from its checkpoint) up to --steps in total, with the run's own "
                        "options; --device is not kept (auto unless given)")


# Options a resumed run may change (applied and recorded in config.json); every other one is the run's own.
CHANGEABLE = ("steps", "target_psnr", "lr", "grad_clip", "schedule", "checkpoint_every", "log_every", "quiet", "resume", "device")
_MODEL_KEYS = {"name": "model", "hidden_features": "hidden_features", "hidden_layers": "hidden_layers",
               "first_omega_0": "first_omega", "hidden_omega_0": "hidden_omega", "implementation": "implementation"}


def restore_options(args: argparse.Namespace, explicit: set[str]) -> None:
    """With --resume DIR: every option not given on the command line takes the run's stored value, so `--resume
    DIR` alone continues the run. A given option that the run cannot change (data, model, problem) and that
    differs from the stored one is refused; the ones in CHANGEABLE are applied."""
    from ..training import RunDir
    cfg = RunDir.open(args.resume).read_config()
    stored = {dest: cfg["model"][key] for key, dest in _MODEL_KEYS.items() if key in cfg.get("model", {})}
    stored |= dict(cfg.get("train", {}))
    stored |= {("path" if key == "image" else key): value for key, value in cfg.items()
               if key not in ("task", "model", "train")}
    for dest, value in stored.items():
        if not hasattr(args, dest):
            continue
        if dest not in explicit:
            setattr(args, dest, value)
        elif dest not in CHANGEABLE and _comparable(getattr(args, dest), dest) != _comparable(value, dest):
            flag = args.flags.get(dest, dest)
            raise TorchSirenError(f"{args.resume} was trained with {flag} {value}; it cannot change on resume (leave "
                                  f"it out to keep the run's own, or start a new run)")


def _comparable(value, dest: str):
    """A setting as config.json stores it (paths of files absolute; a bundled sample's name as it is)."""
    if dest == "path" and value is not None and Path(value).exists():
        return str(Path(value).resolve())
    return json.loads(json.dumps(value))


def reopen_run(path: str, task: str, config: TrainConfig):
    """The run folder to resume and its config.json; `config` (the run's own, with the changes asked for) must
    go beyond the checkpoint's step."""
    from ..training import RunDir
    from ..training.checkpoint import read_metadata
    run_dir = RunDir.open(path)
    cfg = run_dir.read_config()
    if cfg.get("task") != task:
        raise TorchSirenError(f"{run_dir.path} holds a {cfg.get('task')!r} run, not {task}")
    if not run_dir.checkpoint_file.exists():
        raise TorchSirenError(f"{run_dir.path} has no checkpoint to resume from ({run_dir.checkpoint_file.name})")
    done = int(read_metadata(run_dir.checkpoint_file).get("step", 0))
    if config.steps <= done:
        raise TorchSirenError(f"{run_dir.path} already has {done} steps; ask for more with --steps N (N > {done})")
    print(f"resuming {run_dir.path} from step {done} to {config.steps}")
    return run_dir, cfg


def continue_run(args: argparse.Namespace, run_dir, cfg: dict, config: TrainConfig, problem, spec: ModelSpec,
                 device: torch.device) -> int:
    """Record the training options (the changeable ones may differ) in config.json and train on from the run's
    checkpoint."""
    from ..runner import run_experiment
    cfg["train"] = config.to_dict()
    run_dir.write_config(cfg)
    metrics = run_experiment(problem, spec, config, run_dir, device, resume=True, progress=not args.quiet,
                             clock=_clock(args))[1]
    return summarize(metrics, run_dir.path)


def execute(args: argparse.Namespace, problem, spec: ModelSpec, config: TrainConfig, device: torch.device,
            settings: dict, what: str) -> int:
    """Create the run folder (or reopen it with --resume), train, report, and print where everything went.
    A resumed run keeps its training options; its problem and model options must be the ones it was started with."""
    from ..runner import run_experiment
    from ..training import RunDir
    config.check_device(device)  # before the run folder is made
    if getattr(args, "resume", None):  # restore_options has put the run's own options into args
        run_dir, cfg = reopen_run(args.resume, problem.task, config)
        now = json.loads(json.dumps({"model": spec.to_dict(), **settings}))
        for key, value in now.items():
            if cfg.get(key) != value:
                raise TorchSirenError(f"{run_dir.path} was started with {key} = {cfg.get(key)!r}, not {value!r}; "
                                      "start a new run for other settings")
        return continue_run(args, run_dir, cfg, config, problem, spec, device)
    run_dir = RunDir.create(args.out, problem.task)
    print(f"{what} with {spec.name} on {device} for {config.steps} steps -> {run_dir.path}")
    if config.precision == "auto" and is_gpu(device):
        print(f"precision {config.resolved(device, problem).precision} (auto for {problem.task} on a GPU; "
              "--precision to choose)")
    metrics = run_experiment(problem, spec, config, run_dir, device, settings, progress=not args.quiet,
                             clock=_clock(args))[1]
    return summarize(metrics, run_dir.path)


def _clock(args: argparse.Namespace) -> dict[str, float] | None:
    """The command's timings before training: importing torch and the package, reading and preparing data."""
    clock = getattr(args, "clock", None)
    if clock is None:
        return None
    setup = time.perf_counter() - clock["started"] - clock["import_s"]
    return clock | {"setup_s": setup}


def execute_data_parallel(args: argparse.Namespace, problem, spec: ModelSpec, config: TrainConfig,
                          device: torch.device, settings: dict, what: str) -> int:
    """`execute` under torchrun, for a data-parallel problem (its process group already started): every process
    trains the same model on its slice of each batch (DDP), rank 0 writes the run folder, and a run resumes with
    any number of processes (each reads the one checkpoint)."""
    from .. import distributed as dist
    from ..runner import run_experiment
    from ..training import RunDir
    rank, size = dist.world()
    if getattr(args, "resume", None):
        run_dir, cfg = reopen_run(args.resume, problem.task, config)
        if rank == 0:
            cfg["train"] = config.to_dict()
            run_dir.write_config(cfg | {"world_size": size})
    elif rank == 0:
        run_dir = RunDir.create(args.out, problem.task)
        print(f"{what} with {spec.name} in {size} processes on {device.type} for {config.steps} steps -> "
              f"{run_dir.path}")
    else:  # a new run: only rank 0 writes, and nothing is read
        run_dir = None
    settings = settings | {"world_size": size}
    metrics = run_experiment(problem, spec, config, run_dir, device, settings, resume=bool(getattr(args, "resume", None)),
                             progress=rank == 0 and not args.quiet, clock=_clock(args))[1]
    dist.finish()
    return summarize(metrics, run_dir.path) if rank == 0 else 0


def summarize(metrics: dict, path) -> int:
    shown = ", ".join(f"{k} {v:.4g}" for k, v in metrics.items()
                      if isinstance(v, float) and k not in ("wall_time_s",))
    print(f"done: {shown}; {metrics['steps']} steps in {metrics['wall_time_s']:.1f} s on {metrics['device']}")
    print(f"open {path / 'index.html'}")
    return 0
