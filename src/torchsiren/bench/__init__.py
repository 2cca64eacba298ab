"""Side-by-side benchmarks: torchsiren against a reference-style eager SIREN, in the same process."""
from .reference import RefSiren, ref_gradient, ref_laplace
from .workloads import WORKLOADS, run_benchmarks

__all__ = ["RefSiren", "ref_gradient", "ref_laplace", "WORKLOADS", "run_benchmarks"]
