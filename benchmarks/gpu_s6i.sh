#!/usr/bin/env bash
# Session 6: the fp16 stack with gemm16's fused matmuls: GPU tests, then the bench rows it serves.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 -m pytest -q tests/kernels/test_gemm16.py tests/kernels/test_half.py tests/kernels/test_stack.py 2>&1 \
    | tail -4 | tee "$OUT/gpu_tests_gemm16.txt"
python3 -m torchsiren.cli.main bench --device cuda --precision fp16 --steps 2000 \
    --workload fit-256 fit-512-rgb grid-512 --out "$OUT/bench_fp16_gemm16.json" 2>&1 | tail -6
