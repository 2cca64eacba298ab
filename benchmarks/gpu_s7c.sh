#!/usr/bin/env bash
# Session 7: Φ and ∇Φ on fp16 operands (kernels/gradient_half.py): GPU tests, the replayed gradient step's
# profile, the gradient and SDF rows at --precision fp16, and Poisson-from-gradient training quality.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 -m pytest -q tests/kernels/test_gradient_half.py tests/kernels/test_gradient.py tests/kernels/test_gemm16.py \
    tests/kernels/test_half.py tests/kernels/test_stack.py tests/kernels/test_foreach.py tests/training/test_adam.py \
    tests/training/test_trainer.py "tests/kernels/test_gpu.py::test_gradient_down_kernel_past_two_to_the_31_elements" \
    2>&1 | tail -4 | tee "$OUT/gpu_tests_gradient_half.txt"
(cd benchmarks && python3 graph_profile.py gradient 2>&1 | grep -v Warn | cut -c1-70,160-215 | head -80 \
    > "$OUT/graph_profile_gradient.txt"; grep "per replayed" "$OUT/graph_profile_gradient.txt")
python3 -m torchsiren.cli.main bench --device cuda --precision fp16 --steps 2000 \
    --workload gradient sdf --out "$OUT/bench_gradient_fp16.json" 2>&1 | tail -4
python3 benchmarks/gradient_quality.py 2000 --precision fp16 2>&1 | tee "$OUT/gradient_quality_fp16.txt"
