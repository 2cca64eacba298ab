"""Running one experiment end to end: model from its spec, the training loop, then the run folder's report."""
from __future__ import annotations

import platform
import time
from typing import Any

import torch
from torch import nn

from pathlib import Path

from .device import device_name
from .distributed import data_shard
from .errors import TorchSirenError
from .models import ModelSpec, build_model
from .problems import Problem
from .training import RunDir, TrainConfig, TrainResult, load_model, train
from .training.checkpoint import read_tensors


def make_model(spec: ModelSpec, device: torch.device, seed: int) -> nn.Module:
    """Build the model a spec describes with a seeded init, on `device`."""
    torch.manual_seed(seed)
    return build_model(spec).to(device)


def run_experiment(problem: Problem, spec: ModelSpec, config: TrainConfig, run: RunDir | None, device: torch.device,
                   settings: dict[str, Any] | None = None, resume: bool = False, progress: bool = True,
                   clock: dict[str, float] | None = None) -> tuple[nn.Module, dict[str, Any], TrainResult]:
    """Train spec's model on problem; with a run folder, write config.json first and the report last.

    `settings` is the task's own part of config.json (what it needs to rebuild the problem on --resume).
    `clock`: what happened before (e.g. {"import_s": …, "started": perf_counter at process start}) for the
    metrics' `timings`. Returns the model, the final metrics (also in metrics.json) and the training result.
    """
    began = time.perf_counter()
    model = make_model(spec, device, config.seed)  # the first CUDA call starts CUDA here; kernels are imported here
    clock = (clock or {}) | {"model_s": time.perf_counter() - began}
    config = config.resolved(device, problem)
    if data_shard()[0] != 0:  # another process of a torchrun job: rank 0 writes the run folder
        result = train(model, problem, config, run=run, resume=resume, progress=False)
        return model, {}, result
    if run is not None and not resume:
        run.write_config({"task": problem.task, "model": spec.to_dict(), "train": config.to_dict(),
                          **(settings or {})})
    result = train(model, problem, config, run=run, resume=resume, progress=progress)
    metrics = finish_run(problem, model, spec, result, run, device, clock=clock)
    return model, metrics, result


def finish_run(problem: Problem, model: nn.Module, spec: ModelSpec, result: TrainResult, run: RunDir | None,
               device: torch.device, clock: dict[str, float] | None = None) -> dict[str, Any]:
    """The final metrics of a trained model; with a run folder, its report, progress plot,
    metrics.json and index.html too. metrics["timings"]: where the run's time went, in seconds (`clock` gives
    the stages before training)."""
    began = time.perf_counter()
    model.eval()
    metrics: dict[str, Any] = {}
    if run is not None:
        from .report import plot_history  # matplotlib, imported when a run folder is written
        metrics.update(problem.report(model, run.path))
        plot_history(result.history, run.file("progress.png"), metric=problem.headline or "loss")
    else:
        with torch.no_grad():
            metrics.update(problem.evaluate(model))
    metrics.update({"steps": result.steps, "wall_time_s": round(result.wall_time_s, 3), "device": device_name(device),
                    "model": spec.name, "parameters": sum(p.numel() for p in model.parameters()),
                    "torch": torch.__version__, "python": platform.python_version(),
                    "finished": time.strftime("%Y-%m-%dT%H:%M:%S")})
    if result.reached_target:
        metrics["reached_target_at_step"] = result.steps
    metrics.update(problem.rates(result.steps, result.wall_time_s, result.history))
    clock = dict(clock or {})
    started = clock.pop("started", None)
    timings = clock | {"training_s": result.wall_time_s} | result.timings | {"report_s": time.perf_counter() - began}
    if started is not None:
        timings["process_s"] = time.perf_counter() - started  # to metrics.json; the page follows
    metrics["timings"] = {k: round(v, 3) for k, v in timings.items()}
    if run is not None:
        run.write_metrics(metrics)
        from .report import write_index
        pictures = getattr(problem, "pictures", {}) | {"progress": "progress.png"}
        write_index(run.path, f"torchsiren {problem.task}", metrics, pictures, run.read_config(),
                    getattr(problem, "audio", None))
    return metrics


def load_run(run_dir: str | Path, device: torch.device | str = "cpu") -> tuple[nn.Module, dict[str, Any]]:
    """The model of a run folder (its final weights, else its last checkpoint), in eval mode on `device`, and the
    run's config.json as a dict."""
    run = RunDir.open(run_dir)
    config = run.read_config()
    if "model" not in config:
        raise TorchSirenError(f"{run.path}/config.json names no model; is this a torchsiren run folder?")
    model = build_model(ModelSpec.from_dict(config["model"])).to(device)
    if run.model_file.exists():
        load_model(model, run.model_file)
    elif run.checkpoint_file.exists():
        tensors, _ = read_tensors(run.checkpoint_file, device)
        model.load_state_dict({k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")})
    else:
        raise TorchSirenError(f"{run.path} has no weights yet (no {run.model_file.name} or "
                              f"{run.checkpoint_file.name})")
    return model.eval(), config
