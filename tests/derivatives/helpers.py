"""Finite differences and errors shared by the derivative tests."""
import torch


def fd_jacobian(f, x, h=1e-6):
    cols = []
    for i in range(x.shape[-1]):
        e = torch.zeros_like(x)
        e[..., i] = h
        cols.append((f(x + e) - f(x - e)) / (2 * h))
    return torch.stack(cols, dim=-1)  # (N, out, in)


def fd_laplacian(f, x, h=2e-4):
    """Second differences with one Richardson step (error O(h⁴))."""
    def d2(step):
        total = 0
        for i in range(x.shape[-1]):
            e = torch.zeros_like(x)
            e[..., i] = step
            total = total + (f(x + e) - 2 * f(x) + f(x - e)) / step ** 2
        return total
    return (4 * d2(h / 2) - d2(h)) / 3


def rel(a, b):
    return ((a - b).norm() / b.norm()).item()
