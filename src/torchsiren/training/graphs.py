"""A whole training step (forward, backward, Adam) captured as one CUDA graph and replayed.

At 256² a SIREN step launches a few dozen kernels of tens of microseconds each, so Python, autograd and launch
overhead are a large part of it; a replay costs one launch. Shapes must not change between steps (full-batch
fitting), which is why the trainer only uses it for problems that say their batch is static.
"""
from __future__ import annotations

from collections.abc import Callable

import torch


def graph_optimizer(params: list[torch.Tensor], lr: float) -> torch.optim.Adam:
    """Adam whose state and learning rate live on the GPU, so a captured step can be replayed (lr settable)."""
    device = params[0].device
    return torch.optim.Adam(params, lr=torch.tensor(lr, device=device), fused=True, capturable=True)


def capture_step(loss_fn: Callable[[], torch.Tensor], optimizer: torch.optim.Optimizer, warmup: int = 3
                 ) -> tuple[Callable[[], torch.Tensor], int]:
    """Run `warmup` real steps eagerly (Triton autotuning, cuBLAS workspaces), then capture one.

    Returns (replay, warmup): replay() performs one more step and returns the loss tensor (valid until the next
    replay). The warm-up steps are real optimizer steps; callers count them.
    """
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(warmup):
            optimizer.zero_grad(set_to_none=True)
            loss_fn().backward()
            optimizer.step()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    optimizer.zero_grad(set_to_none=True)
    with torch.cuda.graph(graph):
        loss = loss_fn()
        loss.backward()
        optimizer.step()

    def replay() -> torch.Tensor:
        graph.replay()
        return loss

    return replay, warmup
