#!/usr/bin/env bash
# Session 6: first-layer variants (rows of compile-time width, split) against the package's flat kernel.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 benchmarks/first_layer_probe2.py 2>&1 | tee "$OUT/first_layer_probe2.txt"
