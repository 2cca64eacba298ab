"""How one training step runs: replayed as a CUDA graph, through torch.compile, or eagerly.

The trainer asks for a step and gets the loss; which way it ran is decided once, from the problem and device:
- CUDA and a replayable problem (fixed batches, or batches drawn on the GPU from the trainer's generator):
  WARMUP_STEPS eager steps on a side stream, then the whole step (sampling, forward, backward, clipping, Adam)
  captured once and replayed; if recording fails, eager steps with a warning;
- CPU and torch.compile wanted: the whole loss compiled (sampling, forward-mode derivatives, residuals, norms;
  measured faster than compiling the model alone), or eager again if compiling fails;
- otherwise eager.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable

import torch
from torch import nn

from ..problems.constraint import Problem
from .graphs import WARMUP_STEPS, capture, make_step, on_side_stream


class Stepper:
    def __init__(self, model: nn.Module, problem: Problem, optimizer: torch.optim.Optimizer,
                 generator: torch.Generator, clip: Callable[[], object] | None, graphed: bool,
                 compiled: bool) -> None:
        self.model, self.problem, self.optimizer, self.generator, self.clip = model, problem, optimizer, generator, clip
        self.device = next(model.parameters()).device
        self.loss = _compiled(problem.loss) if compiled else problem.loss
        self.side = torch.cuda.Stream(self.device) if graphed else None
        self.replay: Callable[[], torch.Tensor] | None = None
        self.warm, self.untried = 0, compiled

    def _eager(self, step: int) -> Callable[[], torch.Tensor]:
        return make_step(lambda: self.loss(self.model, step, self.generator), self.optimizer, self.clip)

    def __call__(self, step: int) -> torch.Tensor:
        """Take training step `step` (0-based) and return its loss."""
        if self.replay is not None:
            return self.replay()
        if self.side is not None:
            if self.warm >= WARMUP_STEPS:
                try:
                    self.replay = capture(self._eager(step), self.optimizer, self.generator)
                except Exception as err:  # e.g. a host copy or sync inside the loss: eager is always correct
                    warnings.warn(f"could not record the step as a CUDA graph ({type(err).__name__}: "
                                  f"{str(err).splitlines()[0] if str(err) else ''}); training eagerly")
                    self.side = None
                    return self._eager(step)()
                return self.replay()
            self.warm += 1
            return on_side_stream(self._eager(step), self.side)
        if self.untried:  # the first compiled step compiles: fall back to eager if that fails
            self.untried = False
            try:
                return self._eager(step)()
            except Exception as err:  # no C++ compiler, an unsupported op, ...: eager is always correct
                warnings.warn(f"torch.compile failed ({type(err).__name__}); training without it")
                self.loss = self.problem.loss
        return self._eager(step)()


def _compiled(loss: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """torch.compile(loss), or loss itself where torch.compile is unavailable."""
    try:
        return torch.compile(loss)
    except Exception as err:  # pragma: no cover - e.g. a Python version torch.compile does not support
        warnings.warn(f"torch.compile unavailable ({type(err).__name__}); training without it")
        return loss


def compiles_whole(model: nn.Module, problem: Problem) -> bool:
    """True when torch.compile can take the whole loss: no constraint needs a derivative by autograd (compiled
    code cannot differentiate twice), so values alone, or second derivatives by forward mode."""
    from ..derivatives.evaluate import choose_method
    for c in problem.constraints:
        needs = set(c.needs) | {"value"}
        if needs != {"value"} and choose_method(model, needs, problem.derivative_method) != "forward":
            return False
    return True
