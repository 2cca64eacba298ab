#!/usr/bin/env bash
# Session 8: the first layer's jet from x (kernels/jet_first.py) in the fp16 Laplacian path: its GPU tests, the
# replayed-step profile at TF32 and fp16, and the bench row with the fp16 path switched on.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 -m pytest -q tests/kernels/test_jet_first.py tests/kernels/test_laplacian_half.py 2>&1 | tail -4 \
    | tee "$OUT/gpu_tests_jet_first.txt"
python3 benchmarks/graph_profile.py laplacian 2>&1 | tee "$OUT/graph_profile_laplacian.txt" | grep -E "ms per|kernels per"
python3 benchmarks/laplacian_half_check.py 2000 --bench-only 2>&1 | tee "$OUT/bench_laplacian_fp16.txt"
