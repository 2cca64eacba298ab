#!/usr/bin/env bash
# Session 7: the session-6 review refactor on the GPU (kernel tests), then per-kernel profiles of replayed steps.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 -m pytest -q tests/kernels/test_gemm16.py tests/kernels/test_half.py tests/kernels/test_stack.py \
    tests/kernels/test_linear.py 2>&1 | tail -4 | tee "$OUT/gpu_tests_refactor.txt"
cd benchmarks && python3 graph_profile.py fit gradient 2>&1 | tee "$OUT/graph_profile.txt" | head -150
