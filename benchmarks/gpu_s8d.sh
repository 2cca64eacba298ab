#!/usr/bin/env bash
# Session 8, after the jet kernels moved to linear.sincos (trig.py folded in): the GPU tests of what changed, the
# Laplacian bench row, and fit-256's PSNR over five seeds (fit_seeds.py) next to the fp32 reference.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 benchmarks/laplacian_half_check.py 2000 --bench-only 2>&1 | tee "$OUT/bench_laplacian_fp16.txt"
python3 benchmarks/fit_seeds.py 5 fp16 2>&1 | tee "$OUT/fit_seeds_fp16.txt"
timeout 300 python3 -m pytest -q -p no:cacheprovider tests/kernels/test_sincos.py tests/kernels/test_jet_first.py \
    tests/kernels/test_jet.py tests/kernels/test_laplacian_half.py 2>&1 | tail -4 | tee "$OUT/gpu_tests_sincos.txt"
