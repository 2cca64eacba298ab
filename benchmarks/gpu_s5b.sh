#!/usr/bin/env bash
# Session 5, second GPU call: the gradient path without δ_top stored and with w_out's sum in the top down-kernel;
# the grid evaluation by chunk size (CUDA-graph replays of L2-sized chunks).
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
timeout 100 python3 -m pytest -q tests/kernels/test_gradient.py -p no:cacheprovider 2>&1 | tail -2
(cd benchmarks && timeout 100 python3 gradient_step_profile.py) > "$OUT/gradient_profile.txt" 2>&1
grep "per eager step" "$OUT/gradient_profile.txt"
(cd benchmarks && timeout 200 python3 grid_chunk_sweep.py) 2>&1 | tee "$OUT/grid_chunk_sweep.txt"
timeout 150 python3 -m torchsiren.cli.main bench --workload gradient sdf \
    --steps 2000 --device cuda --precision tf32 --out "$OUT/bench.json" 2>&1 | tail -4
