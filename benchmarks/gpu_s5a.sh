#!/usr/bin/env bash
# Session 5, first GPU call: the hand-written double backward for ∇Φ (kernels/gradient.py) and the no-grad
# forward that writes no y' — their kernel tests, the 2^31 chain test, where the gradient step's time goes, and
# the whole bench table (all workloads but the time-to-40-dB race, measured in session 4).
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
timeout 200 python3 -m pytest -q tests/kernels/test_gradient.py tests/kernels/test_stack.py tests/kernels/test_gpu.py \
    -p no:cacheprovider > "$OUT/gpu_tests.txt" 2>&1; tail -3 "$OUT/gpu_tests.txt"
(cd benchmarks && timeout 100 python3 gradient_step_profile.py) > "$OUT/gradient_profile.txt" 2>&1
grep "per eager step" "$OUT/gradient_profile.txt"
timeout 250 python3 -m torchsiren.cli.main bench --workload fit-256 fit-512-rgb laplacian gradient sdf grid-512 video \
    --steps 2000 --device cuda --precision tf32 --out "$OUT/bench.json" 2>&1 | tail -12
