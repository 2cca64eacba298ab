#!/usr/bin/env bash
# Session 6: the first layer's cost, and fit-256 quality over four seeds (fp32 reference, tf32, fp16).
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 benchmarks/first_layer_probe.py 2>&1 | tee "$OUT/first_layer_probe.txt"
