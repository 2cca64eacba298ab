"""Running one experiment end to end: model from its spec, the training loop, then the run folder's report."""
from __future__ import annotations

import platform
import time
from typing import Any

import torch
from torch import nn

from .device import device_name
from .models import ModelSpec, build_model
from .problems import Problem
from .training import RunDir, TrainConfig, TrainResult, train


def make_model(spec: ModelSpec, device: torch.device, seed: int) -> nn.Module:
    """Build the model a spec describes with a seeded init, on `device`."""
    torch.manual_seed(seed)
    return build_model(spec).to(device)


def run_experiment(problem: Problem, spec: ModelSpec, config: TrainConfig, run: RunDir | None, device: torch.device,
                   settings: dict[str, Any] | None = None, resume: bool = False, progress: bool = True
                   ) -> tuple[nn.Module, dict[str, Any], TrainResult]:
    """Train spec's model on problem; with a run folder, write config.json first and the report last.

    `settings` is the task's own part of config.json (what it needs to rebuild the problem on --resume).
    Returns the model, the final metrics (also in metrics.json) and the training result.
    """
    model = make_model(spec, device, config.seed)
    if run is not None and not resume:
        run.write_config({"task": problem.task, "model": spec.to_dict(), "train": config.to_dict(),
                          **(settings or {})})
    result = train(model, problem, config, run=run, resume=resume, progress=progress)
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
    if run is not None:
        run.write_metrics(metrics)
        from .report import write_index
        pictures = getattr(problem, "pictures", {}) | {"progress": "progress.png"}
        write_index(run.path, f"torchsiren {problem.task}", metrics, pictures, run.read_config())
    return model, metrics, result
