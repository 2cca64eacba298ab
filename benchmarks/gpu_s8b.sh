#!/usr/bin/env bash
# Session 8: sin and cos on the special-function units (kernels/trig.py) in the fp16 Laplacian path's jet kernels:
# the replayed-step profile, the bench row with the fp16 path switched on, then the GPU tests of what changed.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 benchmarks/graph_profile.py laplacian 2>&1 | tee "$OUT/graph_profile_laplacian.txt" | grep -E "ms per|kernels per"
python3 benchmarks/laplacian_half_check.py 2000 --bench-only 2>&1 | tee "$OUT/bench_laplacian_fp16.txt"
python3 -m pytest -q tests/kernels/test_trig.py tests/kernels/test_jet_first.py tests/kernels/test_laplacian_half.py \
    tests/kernels/test_jet.py 2>&1 | tail -4 | tee "$OUT/gpu_tests_trig.txt"
