#!/usr/bin/env bash
# Session 7: one-kernel Adam and the fp16 backward's scaled gradient: GPU tests, the replayed fit step's profile,
# and the fit rows of the bench.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 -m pytest -q tests/training/test_adam.py tests/kernels/test_half.py tests/kernels/test_stack.py \
    tests/kernels/test_gemm16.py tests/training/test_graphs_gpu.py tests/training/test_trainer.py 2>&1 \
    | tail -4 | tee "$OUT/gpu_tests_adam_scale.txt"
(cd benchmarks && python3 graph_profile.py fit 2>&1 | head -30 | tee "$OUT/graph_profile_fit.txt")
python3 -m torchsiren.cli.main bench --device cuda --precision fp16 --steps 2000 \
    --workload fit-256 fit-512-rgb --out "$OUT/bench_fit.json" 2>&1 | tail -6
