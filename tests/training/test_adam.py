"""training.Adam: its one-kernel step (Triton, the interpreter on the CPU) follows torch.optim.Adam step by step,
and rounds as torch's fused CUDA Adam does (bitwise equal on a GPU)."""
import copy
import numpy as np
import pytest
import torch

from torchsiren.training.adam import Adam
from torchsiren.kernels.foreach import MAX_TENSORS

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


def _tensors(sizes):
    return [torch.randn(*s, device=DEVICE) for s in sizes]


def _run(optimizer, params, grads_per_step):
    for grads in grads_per_step:
        for p, g in zip(params, grads):
            p.grad = g.clone()
        optimizer.step()


# ragged sizes (not multiples of the block), one element, more tensors than one launch takes, a tensor with
# no gradient, weight decay, and a learning rate given as a device tensor (as CUDA graphs replay it)
@pytest.mark.parametrize("weight_decay,lr_tensor,count", [(0.0, False, 5), (0.01, True, MAX_TENSORS + 3)])
def test_kernel_step_follows_torch_adam(weight_decay, lr_tensor, count):
    sizes = [(70, 3), (1,), (129,), (5, 13)] * (count // 4 + 1)
    start = _tensors(sizes[:count])
    ours = [t.clone().requires_grad_() for t in start]
    theirs = [t.clone().requires_grad_() for t in start]
    lr = torch.tensor(3e-3, device=DEVICE) if lr_tensor else 3e-3
    opt_ours = Adam(ours, lr=lr, betas=(0.8, 0.99), weight_decay=weight_decay, implementation="fused")
    opt_theirs = torch.optim.Adam(theirs, lr=3e-3, betas=(0.8, 0.99), weight_decay=weight_decay, foreach=False)
    steps = []
    for _ in range(6):
        grads = [torch.randn_like(t) * 10.0 ** torch.randint(-6, 2, ()).item() for t in start]
        grads[1] = None  # no gradient this step: left alone, as torch does
        steps.append(grads)
    for grads in steps:
        for a, b, g in zip(ours, theirs, grads):
            a.grad = None if g is None else g.clone()
            b.grad = None if g is None else g.clone()
        opt_ours.step()
        opt_theirs.step()
    for a, b, s in zip(ours, theirs, start):
        assert not torch.equal(a, s) or a is ours[1]  # every tensor with gradients moved
        torch.testing.assert_close(a, b, rtol=2e-5, atol=1e-6)
    assert ours[1].equal(start[1]) and not opt_ours.state[ours[1]]
    for a, b in zip(ours, theirs):
        if opt_theirs.state[b]:
            torch.testing.assert_close(opt_ours.state[a]["exp_avg_sq"], opt_theirs.state[b]["exp_avg_sq"],
                                       rtol=2e-5, atol=1e-12)
            assert float(opt_ours.state[a]["step"]) == float(opt_theirs.state[b]["step"]) == 6


def _torch_fused_rounding(p, g, m, v, step, lr, beta1, beta2, eps, weight_decay):
    """torch's fused CUDA Adam step with its rounding, in NumPy: float32 throughout, fused multiply-adds (exact
    in float64, then rounded), IEEE square roots and divisions (torch's CPU sqrt and its division by a scalar round
    differently), beta ** step by torch's pow as the kernel takes it. Arrays float32."""
    f, d = np.float32, np.float64
    fma = lambda a, b, c: (d(a) * b.astype(d) + c.astype(d)).astype(f)  # noqa: E731
    beta1, beta2, lr, eps, weight_decay = f(beta1), f(beta2), f(lr), f(eps), f(weight_decay)
    if weight_decay:
        g = fma(weight_decay, p, g)
    m = fma(beta1, m, (f(1) - beta1) * g)
    v = fma(beta2, v, (f(1) - beta2) * (g * g))
    power = lambda beta: torch._foreach_pow(float(beta), [torch.tensor(float(step))])[0].numpy()  # noqa: E731
    step_size = lr / (f(1) - power(beta1))
    correction2_sqrt = np.sqrt(f(1) - power(beta2))
    denom = np.sqrt(v) / correction2_sqrt + eps
    return p - step_size * m / denom, m, v


@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
def test_kernel_rounds_as_torch_fused_adam(weight_decay):
    """Bitwise: on a GPU against torch's own fused Adam, on the CPU against its arithmetic written out. A last-bit
    difference in the optimizer moves a long chaotic training run (Helmholtz, 30k steps) by as much as the seed
    does, so the kernel must not differ from torch at all."""
    start = _tensors([(300, 7), (1,), (1029,)])
    ours = [t.clone().requires_grad_() for t in start]
    opt = Adam(ours, lr=1e-4, weight_decay=weight_decay, implementation="fused")
    if DEVICE == "cuda":
        theirs = [t.clone().requires_grad_() for t in start]
        ref = torch.optim.Adam(theirs, lr=1e-4, weight_decay=weight_decay, fused=True)
    else:
        theirs = [t.numpy().copy() for t in start]
        moments = [(np.zeros_like(t), np.zeros_like(t)) for t in theirs]
    for step in range(1, 41):
        grads = [torch.randn_like(t) * 10.0 ** torch.randint(-8, 2, ()).item() for t in start]
        for a, g in zip(ours, grads):
            a.grad = g.clone()
        opt.step()
        if DEVICE == "cuda":
            for b, g in zip(theirs, grads):
                b.grad = g.clone()
            ref.step()
        else:
            for i, g in enumerate(grads):
                theirs[i], *moments[i] = _torch_fused_rounding(theirs[i], g.numpy(), *moments[i], step, 1e-4, 0.9,
                                                               0.999, 1e-8, weight_decay)
    for a, b in zip(ours, theirs):
        assert torch.equal(a.detach(), torch.as_tensor(b, device=DEVICE))


def test_state_dict_moves_between_torch_adam_and_ours():
    """A checkpoint of torch's Adam continues in ours (and the other way) exactly as either would continue."""
    start = _tensors([(40, 7), (9,)])
    grads = [[torch.randn_like(t) for t in start] for _ in range(4)]
    a = [t.clone().requires_grad_() for t in start]
    b = [t.clone().requires_grad_() for t in start]
    torch_a = torch.optim.Adam(a, lr=1e-2, foreach=False)
    _run(torch_a, a, grads[:2])
    with torch.no_grad():
        for x, y in zip(a, b):
            y.copy_(x)
    ours_b = Adam(b, lr=1e-2, implementation="fused")
    ours_b.load_state_dict(copy.deepcopy(torch_a.state_dict()))  # as from a file: no shared tensors
    _run(torch_a, a, grads[2:])
    _run(ours_b, b, grads[2:])
    for x, y in zip(a, b):
        torch.testing.assert_close(x, y, rtol=2e-5, atol=1e-6)
    back = torch.optim.Adam([t.detach().clone().requires_grad_() for t in b], lr=1e-2)
    back.load_state_dict(ours_b.state_dict())
    assert float(back.state_dict()["state"][0]["step"]) == 4


def test_options_the_kernel_does_not_take_fall_back_to_torch():
    p = torch.randn(10, device=DEVICE, requires_grad=True)
    q = p.detach().clone().requires_grad_()
    ours, theirs = Adam([p], lr=1e-2, implementation="fused"), torch.optim.Adam([q], lr=1e-2, amsgrad=True)
    ours.param_groups[0]["amsgrad"] = True
    for _ in range(3):
        g = torch.randn(10, device=DEVICE)
        p.grad, q.grad = g.clone(), g.clone()
        ours.step()
        theirs.step()
    torch.testing.assert_close(p, q)
    assert "max_exp_avg_sq" in ours.state[p]


@pytest.mark.parametrize("implementation", ["fused", "torch"])
def test_steps_and_bookkeeping_never_import_dynamo(implementation):
    """The optimizer's own calls (construction, step, zero_grad, state_dict round trip) leave torch._dynamo
    unimported, on the kernel's step and on torch's, as its import costs a command's start one to three seconds;
    torch's step still gives torch.optim.Adam's parameters."""
    import os
    import subprocess
    import sys
    code = ("import copy, sys, torch\nfrom torchsiren.training import Adam\nm = torch.nn.Linear(3, 4)\n"
            "twin = copy.deepcopy(m)\nx = torch.randn(2, 3)\n"
            f"o = Adam(m.parameters(), lr=1e-3, implementation='{implementation}')\n"
            "for _ in range(3):\n    m(x).square().sum().backward(); o.step(); o.zero_grad()\n"
            "o.load_state_dict(o.state_dict())\nprint('torch._dynamo' in sys.modules)\n"
            "t = torch.optim.Adam(twin.parameters(), lr=1e-3)\nfor _ in range(3):\n    twin(x).square().sum().backward(); t.step(); t.zero_grad()\n"
            "print(max((a - b).abs().max().item() for a, b in zip(m.parameters(), twin.parameters())))")
    env = {**os.environ, "TRITON_INTERPRET": "1"}  # the kernel step on CPU tensors, any machine
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    imported, difference = out.stdout.split()
    assert imported == "False", out.stderr
    assert float(difference) <= (0.0 if implementation == "torch" else 1e-6)
