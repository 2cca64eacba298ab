#!/usr/bin/env bash
# Session 3, second GPU call (a quiet GPU, for timings): the kernel tests after the precision-switch fix, the
# time-to-40 dB recipe sweep, and two bench rows as a check against session 2.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
timeout 200 python3 -m pytest -q tests/kernels -p no:cacheprovider > "$OUT/gpu_tests.txt" 2>&1; tail -3 "$OUT/gpu_tests.txt"
timeout 280 python3 benchmarks/time_to_40db_sweep.py "$OUT/sweep.json" 2>&1 | grep -v Warning
timeout 100 python3 -m torchsiren.cli.main bench --workload fit-256 laplacian --steps 2000 --device cuda \
    --precision tf32 --out "$OUT/bench_check.json" 2>&1 | grep -v "^\["
