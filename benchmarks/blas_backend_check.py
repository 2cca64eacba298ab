"""Do the step's matmul shapes run faster through cuBLASLt than through cuBLAS (torch's preferred_blas_library)?
TF32, the shapes of a 65,536-point width-256 step: forward x Wᵀ, input gradient g W, weight gradient gᵀ x."""
import torch

from torchsiren.bench.workloads import median_ms
from torchsiren.kernels.dispatch import float32_matmuls

dev = torch.device("cuda")
n, w = 65536, 256
x, g = torch.randn(n, w, device=dev), torch.randn(n, w, device=dev)
W = torch.randn(w, w, device=dev)
x4 = torch.cat([x] * 4)
shapes = {"x Wᵀ": lambda: x @ W.T, "g W": lambda: g @ W, "gᵀ x": lambda: g.T @ x,
          "x Wᵀ (4N rows)": lambda: x4 @ W.T}
with float32_matmuls("tf32"):
    for lib in ("cublas", "cublaslt"):
        torch.backends.cuda.preferred_blas_library(lib)
        print(lib, {k: round(median_ms(f, dev, 5, 50) * 1000, 1) for k, f in shapes.items()}, "µs")
