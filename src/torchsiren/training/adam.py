"""Adam for SIRENs: torch.optim.Adam, with its CUDA step as one Triton kernel over every tensor (kernels/foreach.py).

Same hyperparameters, state (step, exp_avg, exp_avg_sq) and state_dict as torch.optim.Adam, so checkpoints move
between the two. The kernel takes the step when the parameters are CUDA float32 with dense contiguous
gradients and plain Adam options (no amsgrad, maximize or differentiable); anything else, or
implementation="torch", is torch's own step. On the CPU "auto" is torch's step; "fused" runs the kernel under
Triton's interpreter (the tests).

torch.optim.Optimizer wraps add_param_group, zero_grad and (load_)state_dict in a dynamo "disable", and
torch.optim.Adam.step in a grad-mode wrapper with dynamo graph breaks; the first call of either imports
torch._dynamo (one to three seconds of a command's start). Outside torch.compile those wrappers do nothing, so
there the methods run unwrapped: a run never pays the import, on the kernel's step or on torch's.
"""
from __future__ import annotations

from collections.abc import Iterable

import torch

from ..kernels.dispatch import check_implementation, use_fused


def _unwrapped(name: str):
    """torch.optim.Optimizer.<name> without its dynamo-disable wrapper, except while torch.compile traces."""
    wrapped = getattr(torch.optim.Optimizer, name)
    plain = getattr(wrapped, "__wrapped__", wrapped)

    def method(self, *args, **kwargs):
        return (wrapped if torch.compiler.is_compiling() else plain)(self, *args, **kwargs)

    method.__name__, method.__doc__ = name, wrapped.__doc__
    return method


# torch.optim.Adam.step's body, without _use_grad_for_differentiable (grad mode off, graph breaks, the import)
_TORCH_STEP = getattr(torch.optim.Adam.step, "__wrapped__", None)


class Adam(torch.optim.Adam):
    def __init__(self, params: Iterable, lr: float | torch.Tensor = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, implementation: str = "auto") -> None:
        params = list(params)
        groups = [g["params"] if isinstance(g, dict) else [g] for g in params]
        tensors = [t for g in groups for t in ([g] if isinstance(g, torch.Tensor) else g)]
        # capturable: the step count lives on the parameters' device, as the kernel (and a CUDA graph) reads it
        capturable = any(t.is_cuda for t in tensors)
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, capturable=capturable)
        self.implementation = check_implementation(implementation)

    add_param_group = _unwrapped("add_param_group")
    zero_grad = _unwrapped("zero_grad")
    state_dict = _unwrapped("state_dict")
    load_state_dict = _unwrapped("load_state_dict")

    def _torch_step(self, closure):
        """torch.optim.Adam's step; unwrapped (under this step's no_grad, as its wrapper would set for a
        non-differentiable step) unless there is a closure, a differentiable group or a torch.compile trace."""
        if (closure is None and _TORCH_STEP is not None and not torch.compiler.is_compiling()
                and not any(g["differentiable"] for g in self.param_groups)):
            return _TORCH_STEP(self)
        return super().step(closure)

    def _kernel_takes(self) -> bool:
        """Whether every parameter with a gradient can be updated by the kernel (else torch's step runs)."""
        for group in self.param_groups:
            if group["amsgrad"] or group["maximize"] or group["differentiable"]:
                return False
            with_grad = [p for p in group["params"] if p.grad is not None]
            if not with_grad:
                continue
            if not use_fused(self.implementation, *with_grad):
                return False
            if any(p.grad.is_sparse or p.grad.dtype != p.dtype or not p.is_contiguous()
                   or not p.grad.is_contiguous() for p in with_grad):
                return False
            lr = group["lr"]
            if isinstance(lr, torch.Tensor) and (lr.device != with_grad[0].device or lr.numel() != 1):
                return False
        return True

    @torch.no_grad()
    def step(self, closure=None):
        if closure is not None or self.implementation == "torch" or not self._kernel_takes():
            return self._torch_step(closure)
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            for p in params:
                state = self.state[p]
                if not state:  # torch's capturable layout
                    state["step"] = torch.zeros((), dtype=torch.float32, device=p.device)
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                elif state["step"].device != p.device or state["step"].dtype != torch.float32:
                    state["step"] = state["step"].to(p.device, torch.float32)
            from ..kernels.foreach import adam_step  # Triton, imported on first use
            states = [self.state[p] for p in params]
            beta1, beta2 = group["betas"]
            adam_step(params, [p.grad for p in params], [s["exp_avg"] for s in states],
                      [s["exp_avg_sq"] for s in states], [s["step"] for s in states], group["lr"], beta1, beta2,
                      group["eps"], group["weight_decay"])
        return None
