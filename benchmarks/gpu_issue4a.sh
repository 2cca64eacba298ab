#!/usr/bin/env bash
# Issue 4, first GPU pass: the kernel tests on the GPU, then `torchsiren bench` at full sizes (TF32).
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
timeout 240 python3 -m pytest -q -x tests/kernels -p no:cacheprovider 2>&1 | tail -25 | tee "$OUT/gpu_tests.txt"
timeout 300 python3 -m torchsiren.cli.main bench --steps 2000 --device cuda --out "$OUT/bench.json" 2>&1 | tail -14
