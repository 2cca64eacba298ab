#!/usr/bin/env bash
# Session 7: the whole bench at --precision fp16 on the final build (one run, every row).
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 -m torchsiren.cli.main bench --device cuda --precision fp16 --steps 2000 --out "$OUT/bench_final_fp16.json" \
    2>&1 | tail -14
