#!/usr/bin/env bash
# Session 3, last GPU call: every bench workload on a quiet GPU (TF32 operands, the reference in exact fp32).
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
timeout 560 python3 -m torchsiren.cli.main bench --steps 2000 --device cuda --precision tf32 \
    --out "$OUT/bench_h200_s3.json" 2>&1 | grep -v "^\["
