#!/usr/bin/env bash
# Session 8, with the fp16 Laplacian path on by default: every bench row in one run, Poisson-from-Laplacian
# training at 256² in fp32 / TF32 / fp16 (laplacian_half_check.py), then the GPU tests that route through it.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 -m torchsiren.cli.main bench --device cuda --precision fp16 --steps 2000 --out "$OUT/bench_final_fp16.json" \
    2>&1 | grep -v Warning | tail -14
python3 benchmarks/laplacian_half_check.py 2000 2>&1 | tee "$OUT/laplacian_half_check.txt"
timeout 150 python3 -m pytest -q -p no:cacheprovider tests/kernels/test_laplacian_half.py tests/derivatives 2>&1 \
    | tail -4 | tee "$OUT/gpu_tests_laplacian_on.txt"
