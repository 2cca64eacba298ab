#!/usr/bin/env bash
# Session 4: the fused layer stack on the GPU. The stack-vs-per-layer A/B, the bench's time-to-40-dB race and the
# fitting workloads (alone on the GPU: timings), then the kernel tests.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
timeout 120 python3 benchmarks/stack_ab.py 2>&1 | tee "$OUT/stack_ab.txt"
timeout 300 python3 -m torchsiren.cli.main bench --workload ${WORKLOADS:-time-to-40db fit-256 fit-512-rgb} --steps 2000 \
    --device cuda --precision tf32 --out "$OUT/bench.json" 2>&1 | tail -8
timeout ${TEST_LIMIT:-280} python3 -m pytest -q tests/kernels -p no:cacheprovider > "$OUT/gpu_tests.txt" 2>&1
tail -3 "$OUT/gpu_tests.txt"
