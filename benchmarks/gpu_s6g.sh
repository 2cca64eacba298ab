#!/usr/bin/env bash
# Session 6: first layer by whole rows, the approximate sine on fp16 outputs: A/B, GPU tests, the fp16 bench.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 benchmarks/first_layer_ab.py 2>&1 | tee "$OUT/first_layer_ab.txt" | tr -d '\n ' | head -c 3000; echo
python3 -m pytest -q tests/kernels/test_half.py tests/kernels/test_linear.py tests/kernels/test_fused_siren.py \
    tests/kernels/test_stack.py 2>&1 | tail -4 | tee "$OUT/gpu_tests_kernels.txt"
python3 -m torchsiren.cli.main bench --device cuda --precision fp16 --steps 2000 \
    --workload fit-256 fit-512-rgb grid-512 video time-to-40db --out "$OUT/bench_fp16.json" 2>&1 | tail -8
