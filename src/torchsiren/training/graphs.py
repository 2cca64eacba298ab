"""A whole training step (forward, backward, clipping, Adam) captured as one CUDA graph and replayed.

At 256² a SIREN step launches a few dozen kernels of tens of microseconds each, so Python, autograd and launch
overhead are a large part of it; a replay costs one launch. Shapes must not change between steps, and nothing
may be decided on the host: the trainer replays problems whose batches are fixed or drawn on the GPU from its
generator (Problem.replayable), such as full-batch fitting, random pixel batches and Helmholtz's random points.
"""
from __future__ import annotations

from collections.abc import Callable

import torch

from .adam import Adam

WARMUP_STEPS = 3  # eager steps before capture: Triton autotuning, cuBLAS workspaces, Adam state allocation


def graph_optimizer(params: list[torch.Tensor], lr: float) -> torch.optim.Adam:
    """Adam (training/adam.py) whose state and learning rate live on the GPU, so a captured step can be replayed
    (see set_lr)."""
    return Adam(params, lr=torch.tensor(lr, device=params[0].device))


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Set every group's learning rate, in place when it is a tensor (read by a captured graph)."""
    for group in optimizer.param_groups:
        if isinstance(group["lr"], torch.Tensor):
            group["lr"].fill_(lr)
        else:
            group["lr"] = lr


def capture(step_fn: Callable[[], torch.Tensor], optimizer: torch.optim.Optimizer,
            generator: torch.Generator | None = None) -> Callable[[], torch.Tensor]:
    """Record one call of step_fn (zero_grad, loss, backward, optimizer step; returns the loss) as a CUDA graph.
    step_fn must have run eagerly a few times first, on a side stream. A CUDA `generator` that step_fn draws
    from is registered with the graph, so every replay draws new numbers and advances it (checkpoints keep its
    state). Returns replay() -> the loss tensor."""
    torch.cuda.synchronize()
    graph = torch.cuda.CUDAGraph()
    if generator is not None and generator.device.type == "cuda":
        graph.register_generator_state(generator)
    optimizer.zero_grad(set_to_none=True)  # gradients are then allocated inside the graph's memory pool
    with torch.cuda.graph(graph):
        loss = step_fn()

    def replay() -> torch.Tensor:
        graph.replay()
        return loss

    return replay


def make_step(loss_fn: Callable[[], torch.Tensor], optimizer: torch.optim.Optimizer,
              clip: Callable[[], object] | None = None) -> Callable[[], torch.Tensor]:
    """One training step as a function: zero_grad, loss, backward, optional clipping, optimizer step."""
    def step() -> torch.Tensor:
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        if clip is not None:
            clip()
        optimizer.step()
        # detached: a loss that keeps its autograd graph alive into the next step holds memory, and on a side
        # stream (the warm-up before a capture) makes torch warn about gradient accumulation across streams
        return loss.detach()
    return step


def on_side_stream(step_fn: Callable[[], torch.Tensor], stream: torch.cuda.Stream) -> torch.Tensor:
    """One eager step on `stream` (warm-up before a capture must not run on the default stream), ordered
    after and before the current stream's work."""
    current = torch.cuda.current_stream(stream.device)
    stream.wait_stream(current)
    with torch.cuda.stream(stream):
        loss = step_fn()
    current.wait_stream(stream)
    return loss


def capture_step(loss_fn: Callable[[], torch.Tensor], optimizer: torch.optim.Optimizer,
                 warmup: int = WARMUP_STEPS, generator: torch.Generator | None = None
                 ) -> tuple[Callable[[], torch.Tensor], int]:
    """Run `warmup` real steps eagerly on a side stream, then capture one (registering `generator`, see
    capture). Returns (replay, warmup): the warm-up steps are real optimizer steps, which callers count."""
    step, stream = make_step(loss_fn, optimizer), torch.cuda.Stream()
    for _ in range(warmup):
        on_side_stream(step, stream)
    return capture(step, optimizer, generator), warmup
