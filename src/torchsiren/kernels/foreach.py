"""One Triton launch over a list of tensors: Adam's update (training/adam.py's fast path), and a multiply by a
device scalar (the fp16 backward's unscaling, stack.py and gradient_fp16.py).

torch's fused Adam (like every torch._foreach_ op) gives each 65,536-element chunk of a tensor to one block, so
a SIREN of ~200k parameters runs on a handful of SMs and its step is bound by memory latency. Here each program
takes BLOCK elements of one tensor, so a SIREN's ~200 programs spread over the GPU. Pointers and sizes travel as kernel arguments (tuples), not
as a device table, so nothing is copied from the host and the launch can be captured in a CUDA graph. Adam's
step counts are incremented by one foreach kernel before it.
"""
from __future__ import annotations


import torch

from .dispatch import interpreting

try:
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover - dispatch never calls in without Triton
    triton = None

BLOCK = 1024
MAX_TENSORS = 16  # per launch: each tensor inlines one copy of the update

if triton is not None:

    @triton.jit
    def _update(p_ptr, g_ptr, m_ptr, v_ptr, power1_ptr, power2_ptr, numel, start, lr, beta1, beta2, eps,
                weight_decay, WEIGHT_DECAY: tl.constexpr, BLOCK: tl.constexpr):
        """torch's fused CUDA Adam (ADAM_MODE::ORIGINAL) on elements start … start + BLOCK of one tensor, rounded
        as torch rounds it (float32 throughout, its fused multiply-adds, IEEE square roots and divisions; the powers
        beta ** step come from torch), so the result is bitwise torch's."""
        offs = start + tl.arange(0, BLOCK)
        ok = offs < numel
        p = tl.load(p_ptr + offs, mask=ok, other=0.0)
        g = tl.load(g_ptr + offs, mask=ok, other=0.0)
        m = tl.load(m_ptr + offs, mask=ok, other=0.0)
        v = tl.load(v_ptr + offs, mask=ok, other=0.0)
        if WEIGHT_DECAY:
            g = tl.fma(p, weight_decay, g)
        m = tl.fma(beta1, m, (1.0 - beta1) * g)
        v = tl.fma(beta2, v, (1.0 - beta2) * (g * g))
        step_size = tl.div_rn(lr, 1.0 - tl.load(power1_ptr))
        correction2_sqrt = tl.sqrt_rn(1.0 - tl.load(power2_ptr))
        denom = tl.div_rn(tl.sqrt_rn(v), correction2_sqrt) + eps
        p -= tl.div_rn(step_size * m, denom)
        tl.store(m_ptr + offs, m, mask=ok)
        tl.store(v_ptr + offs, v, mask=ok)
        tl.store(p_ptr + offs, p, mask=ok)

    @triton.jit
    def _adam_kernel(p_ptrs, g_ptrs, m_ptrs, v_ptrs, power1_ptrs, power2_ptrs, numels, firsts, lr_ptr, lr_value,
                     beta1, beta2, eps, weight_decay, COUNT: tl.constexpr, LR_TENSOR: tl.constexpr,
                     WEIGHT_DECAY: tl.constexpr, BLOCK: tl.constexpr):
        """Program pid updates block pid - firsts[i] of tensor i, where firsts[i] <= pid < firsts[i + 1].
        (No argument may be called `params`: Triton's generated argument binder has a local of that name.)"""
        pid = tl.program_id(0)
        lr = tl.load(lr_ptr) if LR_TENSOR else tl.cast(lr_value, tl.float32)
        # float32 as on a GPU (the interpreter would keep Python's float64)
        beta1, beta2 = tl.cast(beta1, tl.float32), tl.cast(beta2, tl.float32)
        eps, weight_decay = tl.cast(eps, tl.float32), tl.cast(weight_decay, tl.float32)
        for i in tl.static_range(COUNT):
            if (pid >= firsts[i]) & (pid < firsts[i + 1]):
                _update(p_ptrs[i], g_ptrs[i], m_ptrs[i], v_ptrs[i], power1_ptrs[i], power2_ptrs[i], numels[i],
                        (pid - firsts[i]) * BLOCK, lr, beta1, beta2, eps, weight_decay, WEIGHT_DECAY, BLOCK)

    @triton.jit
    def _scale_kernel(t_ptrs, numels, firsts, factor_ptr, COUNT: tl.constexpr, BLOCK: tl.constexpr):
        """t *= factor for each tensor t, program pid on block pid - firsts[i] of tensor i."""
        pid = tl.program_id(0)
        factor = tl.load(factor_ptr)
        for i in tl.static_range(COUNT):
            if (pid >= firsts[i]) & (pid < firsts[i + 1]):
                offs = (pid - firsts[i]) * BLOCK + tl.arange(0, BLOCK)
                ok = offs < numels[i]
                tl.store(t_ptrs[i] + offs, tl.load(t_ptrs[i] + offs, mask=ok) * factor, mask=ok)


def _chunks(tensors: list[torch.Tensor]):
    """(slice, numels, firsts, block) per launch: at most MAX_TENSORS tensors, firsts[i] the first program of
    tensor i (firsts[-1] programs in all)."""
    block = 64 if interpreting() else BLOCK
    for at in range(0, len(tensors), MAX_TENSORS):
        chunk = slice(at, at + MAX_TENSORS)
        numels = tuple(t.numel() for t in tensors[chunk])
        firsts = [0]
        for n in numels:
            firsts.append(firsts[-1] + triton.cdiv(n, block))
        if firsts[-1]:
            yield chunk, numels, tuple(firsts), block


def scale_(tensors: list[torch.Tensor], factor: torch.Tensor) -> None:
    """Multiply every tensor (contiguous float32, one device) by factor (a 0-dim tensor there) in place."""
    for chunk, numels, firsts, block in _chunks(tensors):
        _scale_kernel[(firsts[-1],)](tuple(tensors[chunk]), numels, firsts, factor, COUNT=len(numels), BLOCK=block)


def adam_step(params: list[torch.Tensor], grads: list[torch.Tensor], exp_avgs: list[torch.Tensor],
              exp_avg_sqs: list[torch.Tensor], steps: list[torch.Tensor], lr: float | torch.Tensor, beta1: float,
              beta2: float, eps: float, weight_decay: float) -> None:
    """One Adam step in place: steps += 1, then params, exp_avgs and exp_avg_sqs updated from grads. Every tensor
    contiguous float32 on one device (CUDA, or the CPU under Triton's interpreter); steps 0-dim float32 tensors
    beside them; lr a float or a 0-dim tensor on that device (read on the device: a CUDA graph can replay it)."""
    torch._foreach_add_(steps, 1.0)
    # beta ** step by torch's own pow (CUDA's powf): Triton's libdevice pow rounds differently
    powers1, powers2 = torch._foreach_pow(beta1, steps), torch._foreach_pow(beta2, steps)
    lr_tensor = isinstance(lr, torch.Tensor)
    for chunk, numels, firsts, block in _chunks(params):
        _adam_kernel[(firsts[-1],)](
            tuple(params[chunk]), tuple(grads[chunk]), tuple(exp_avgs[chunk]), tuple(exp_avg_sqs[chunk]),
            tuple(powers1[chunk]), tuple(powers2[chunk]), numels, firsts, lr if lr_tensor else params[chunk][0],
            0.0 if lr_tensor else float(lr), beta1, beta2, eps, weight_decay, COUNT=len(numels),
            LR_TENSOR=lr_tensor, WEIGHT_DECAY=weight_decay != 0, BLOCK=block)
