#!/usr/bin/env bash
# Issue 4, last GPU pass: the GPU kernel tests, `torchsiren bench` (TF32, alone on the GPU), the fitting
# workloads again at exact fp32, and the kernel micro-benchmark (forms and jet tiles).
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
ts="python3 -m torchsiren.cli.main"
timeout 200 python3 -m pytest -q -rs tests/kernels -p no:cacheprovider > "$OUT/gpu_tests.txt" 2>&1; tail -4 "$OUT/gpu_tests.txt"
timeout 200 $ts bench --steps 2000 --device cuda --out "$OUT/bench.json" 2>&1 | grep -v "^\["
timeout 90 $ts bench --workload fit-256 fit-512-rgb --precision fp32 --steps 2000 --device cuda \
    --out "$OUT/bench_fp32.json" 2>&1 | grep -v "^\["
timeout 80 python3 benchmarks/kernel_microbench.py > "$OUT/microbench.txt" 2>&1; cat "$OUT/microbench.txt"
