#!/usr/bin/env bash
# Session 4: re-check of the fused layer stack after the autotuning fix (the chain kernel ran in place, and the
# autotuner's repeated benchmark runs corrupted its output on first use): stack and model kernel tests, the A/B
# with PSNR, and the time-to-40-dB race.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
timeout 150 python3 -m pytest -q tests/kernels/test_stack.py tests/kernels/test_fused_siren.py tests/kernels/test_gpu.py \
    -p no:cacheprovider > "$OUT/gpu_tests.txt" 2>&1; tail -3 "$OUT/gpu_tests.txt"
timeout 100 python3 benchmarks/stack_ab.py 2>&1 | tee "$OUT/stack_ab.txt"
timeout 200 python3 -m torchsiren.cli.main bench --workload time-to-40db --device cuda --precision tf32 \
    --out "$OUT/bench_t40.json" 2>&1 | tail -4
