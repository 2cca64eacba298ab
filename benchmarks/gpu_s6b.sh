#!/usr/bin/env bash
# Session 6: the fp16-operand stack on the GPU: its tests, then the bench rows it serves at --precision fp16.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 -m pytest -q tests/kernels/test_half.py tests/kernels/test_stack.py tests/kernels/test_linear.py \
    tests/kernels/test_fused_siren.py 2>&1 | tail -5 | tee "$OUT/gpu_tests_half.txt"
python3 -m torchsiren.cli.main bench --device cuda --precision fp16 --steps 2000 \
    --workload fit-256 fit-512-rgb grid-512 video --out "$OUT/bench_fp16.json" 2>&1 | tail -8
