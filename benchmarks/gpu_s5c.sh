#!/usr/bin/env bash
# Session 5, third GPU call: the whole bench table (TFLOP/s and the floor now at torchsiren's own operand
# precision) and the gradient path's training quality against autograd's (Poisson from gradients, 2000 steps).
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
timeout 300 python3 -m torchsiren.cli.main bench --workload fit-256 fit-512-rgb laplacian gradient sdf grid-512 video \
    --steps 2000 --device cuda --precision tf32 --out "$OUT/bench.json" 2>&1 | tail -10
timeout 200 python3 benchmarks/gradient_quality.py 2000 --precision tf32 2>&1 | tee "$OUT/gradient_quality.txt"
