#!/usr/bin/env bash
# Session 6: the flat first-layer kernel A/B, then the bench at --precision fp16 (with the gradient scale at 2^8)
# and at tf32 on the rows the first layer touches.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 benchmarks/first_layer_ab.py 2>&1 | tee "$OUT/first_layer_ab.txt"
python3 -m torchsiren.cli.main bench --device cuda --precision fp16 --steps 2000 \
    --workload fit-256 fit-512-rgb grid-512 video time-to-40db --out "$OUT/bench_fp16.json" 2>&1 | tail -9
python3 -m torchsiren.cli.main bench --device cuda --precision tf32 --steps 2000 \
    --workload fit-256 grid-512 --out "$OUT/bench_tf32.json" 2>&1 | tail -4
