"""The one training loop. It knows a model, a Problem (whose `loss` it minimises) and a TrainConfig — nothing else."""
from __future__ import annotations

import contextlib
import math
import signal
import sys
import time
from dataclasses import dataclass, field

import torch
from torch import nn

from ..errors import TrainingDiverged, TrainingInterrupted
from ..problems.constraint import Problem
from ..distributed import data_shard
from ..kernels.dispatch import interpreting, operand_precision
from .adam import Adam
from .checkpoint import load_checkpoint, save_checkpoint, save_model
from .config import TrainConfig
from .graphs import graph_optimizer, set_lr
from .stepper import Stepper, compiles_whole
from .run_dir import RunDir


@dataclass
class TrainResult:
    steps: int
    wall_time_s: float
    history: list[dict] = field(default_factory=list)
    reached_target: bool = False  # stopped early: a logged PSNR reached TrainConfig.target_psnr
    # seconds: preparing (optimizer, generator, resume), first step (kernel compilation), evaluation, checkpoints
    timings: dict = field(default_factory=dict)

    @property
    def last(self) -> dict:
        return self.history[-1] if self.history else {}


@contextlib.contextmanager
def _precision(precision: str, device: torch.device):
    """TF32 matmuls; the fused stack, Φ with ∇Φ, and Φ, ∇Φ, ΔΦ by forward mode on fp16 operands (TF32 elsewhere); or
    bf16 autocast, for the duration of training; fp32 leaves everything as it is."""
    tf32 = operand_precision(precision) if precision in ("tf32", "fp16") else contextlib.nullcontext()
    # no weight cache: autocast keeps its bf16 copies of the weights until the block ends, and the block spans
    # every step, so each step would reuse the first step's weights
    autocast = (torch.autocast(device.type, dtype=torch.bfloat16, cache_enabled=False) if precision == "bf16"
                else contextlib.nullcontext())
    with tf32, autocast:
        yield


@contextlib.contextmanager
def _sigint_flag():
    """Turn Ctrl-C (SIGINT) and SIGTERM (what schedulers send) into a flag that the loop checks between steps, so
    no update is left half done and a checkpoint is saved."""
    flag = {"set": False}
    previous = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: flag.__setitem__("set", True))
    except ValueError:  # not the main thread: leave the signals alone
        pass
    try:
        yield flag
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _LogLines:
    """Progress for a log file or a pipe: one plain line every `every` steps (at the log interval's metrics),
    instead of hundreds of carriage-return redraws on one line."""

    def __init__(self, total: int, initial: int, desc: str, every: int) -> None:
        self.total, self.n, self.desc, self.every, self.postfix = total, initial, desc, every, ""
        self.start = time.perf_counter()

    def update(self, n: int) -> None:
        self.n += n
        if self.n % self.every == 0 or self.n == self.total:
            rate = (time.perf_counter() - self.start) / max(1, self.n)
            sys.stderr.write(f"{self.desc}: step {self.n}/{self.total}{self.postfix} ({rate * 1e3:.1f} ms/step)\n")
            sys.stderr.flush()

    def set_postfix(self, values: dict) -> None:
        self.postfix = "".join(f", {k} {v}" for k, v in values.items())

    def close(self) -> None:
        pass


def progress_bar(total: int, initial: int, desc: str, enabled: bool, every: int):
    """tqdm's bar on a terminal; a plain line every `every` steps when stderr is a file or a pipe; nothing if off."""
    from tqdm.auto import tqdm
    if enabled and not sys.stderr.isatty():
        return _LogLines(total, initial, desc, every)
    return tqdm(total=total, initial=initial, disable=not enabled, dynamic_ncols=True, unit="step", desc=desc)


def make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    return Adam(model.parameters(), lr=config.lr)


def train(model: nn.Module, problem: Problem, config: TrainConfig, run: RunDir | None = None, resume: bool = False,
          progress: bool = True) -> TrainResult:
    """Minimise problem.loss over model's parameters for config.steps steps (in total, counting resumed ones).

    With a run folder: metrics.jsonl every `log_every` steps, an atomic checkpoint every `checkpoint_every`
    steps and at the end, model.safetensors at the end. `resume=True` continues from run's checkpoint so that
    the result equals an uninterrupted run. A NaN/inf loss raises TrainingDiverged (the last good checkpoint is
    kept); Ctrl-C saves a checkpoint and raises TrainingInterrupted.
    """
    entered = time.perf_counter()
    config.validate()
    device = next(model.parameters()).device
    config = config.resolved(device, problem)
    rank, size = data_shard()
    writer = rank == 0  # under torchrun only rank 0 writes the run folder; every process reads it to resume
    forward = model
    if size > 1 and problem.data_parallel:
        from torch.nn.parallel import DistributedDataParallel
        forward = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    config.check_device(device, interpreter=interpreting())
    static = problem.static
    graphed = config.cuda_graph and device.type == "cuda" and problem.replayable
    # torch.compile of the whole loss pays off on the CPU for full-batch runs without autograd derivatives
    # (docs/performance.md; compiling takes ~5-10 s)
    compiled = not graphed and (config.compile == "on" or (config.compile == "auto" and device.type == "cpu"
                                                           and static and config.steps >= 1000
                                                           and compiles_whole(model, problem)))
    optimizer = graph_optimizer(list(model.parameters()), config.lr) if graphed else make_optimizer(model, config)
    generator = torch.Generator(device=device)
    generator.manual_seed(config.seed)
    step, wall, history, done = 0, 0.0, [], False
    if resume and run is not None:
        meta = load_checkpoint(run.checkpoint_file, model, optimizer, generator)
        step, wall = int(meta["step"]), float(meta.get("wall_time_s", 0.0))
        history = run.read_history(up_to_step=step)
        if writer:
            run.write_history(history)

    # before the loop: the optimizer, the generator, a resumed checkpoint
    spent = {"prepare_s": time.perf_counter() - entered, "first_step_s": 0.0, "evaluation_s": 0.0,
             "checkpoint_s": 0.0}

    def checkpoint(at: int, elapsed: float) -> None:
        if run is None or not writer:
            return
        began = time.perf_counter()
        if not all(torch.isfinite(p).all() for p in model.parameters()):
            raise TrainingDiverged(f"weights became NaN/inf by step {at}; kept the last good checkpoint in "
                                   f"{run.path}; lower --lr or add --grad-clip")
        save_checkpoint(run.checkpoint_file, model, optimizer, generator, at,
                        {"wall_time_s": elapsed, "seed": config.seed})
        spent["checkpoint_s"] += time.perf_counter() - began

    bar = progress_bar(config.steps, step, problem.task, progress,
                       every=config.log_every * max(1, round(config.steps / 20 / config.log_every)))
    start = time.perf_counter() - wall
    loss = None
    clip = None if config.grad_clip is None else lambda: nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
    stepper = Stepper(forward, problem, optimizer, generator, clip, graphed, compiled)
    try:
        with _precision(config.precision, device), _sigint_flag() as interrupted:
            while step < config.steps:
                set_lr(optimizer, config.lr_at(step))
                problem.prepare_step(step)
                loss = stepper(step)
                step += 1
                bar.update(1)
                if not spent["first_step_s"]:  # kernel compilation, autotuning, graph capture
                    _synchronize(device)
                    spent["first_step_s"] = time.perf_counter() - start - wall
                if step % config.log_every == 0 or step == config.steps:
                    _synchronize(device)  # the queued steps finish here, not inside the evaluation's clock
                    began = time.perf_counter()
                    row = _log(model, problem, step, loss, began - start, run if writer else None)
                    spent["evaluation_s"] += time.perf_counter() - began
                    history.append(row)
                    bar.set_postfix({k: f"{v:.4g}" for k, v in row.items() if k in ("loss", problem.headline)})
                    if reached(problem, row, config.target_psnr):
                        done = True
                        break
                if step % config.checkpoint_every == 0 and step < config.steps:
                    _check_finite(loss, step, run)
                    checkpoint(step, time.perf_counter() - start)
                if interrupted["set"]:
                    checkpoint(step, time.perf_counter() - start)
                    where = f"; resume with --resume {run.path}" if run is not None else ""
                    raise TrainingInterrupted(f"interrupted at step {step}{where}")
    finally:
        bar.close()
    wall = time.perf_counter() - start
    if loss is not None:
        _check_finite(loss, step, run)
    checkpoint(step, wall)
    if run is not None and writer:
        save_model(model, run.model_file, {"step": step})
    return TrainResult(step, wall, history, done, {k: round(v, 4) for k, v in spent.items()})


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def reached(problem: Problem, row: dict, target_psnr: float | None) -> bool:
    """True when a logged row's quality (problem.quality) is at or above target_psnr."""
    quality = None if target_psnr is None else problem.quality(row)
    return quality is not None and quality >= target_psnr


def _check_finite(loss: torch.Tensor, step: int, run: RunDir | None) -> None:
    if not math.isfinite(loss.item()):
        kept = ""
        if run is not None:
            kept = (f"; the last good checkpoint is kept in {run.path}" if run.checkpoint_file.exists()
                    else "; no checkpoint had been written yet")
        raise TrainingDiverged(f"loss became {loss.item()} at step {step}{kept}; lower --lr or add --grad-clip")


def _log(model: nn.Module, problem: Problem, step: int, loss: torch.Tensor, elapsed: float, run: RunDir | None
         ) -> dict:
    _check_finite(loss, step, run)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        metrics = problem.evaluate(model)
    model.train(was_training)
    row = {"step": step, "loss": loss.item(), **metrics, "time_s": round(elapsed, 4)}
    if run is not None:
        run.append_history(row)
    return row
