#!/usr/bin/env bash
# Session 7: the rest of the suite on the GPU (everything the trainer's new Adam and the fp16 paths touch that
# gpu_s7b/c did not run), bounded in time; the 2³¹-element tests are left to test_gpu.py's own run.
. benchmarks/device_env.sh
mkdir -p "$OUT"
timeout 420 python3 -m pytest -q -p no:cacheprovider tests/derivatives tests/problems tests/models tests/cli tests/bench \
    tests/data tests/kernels/test_fused_siren.py tests/kernels/test_jet.py tests/kernels/test_linear.py \
    tests/training/test_graphs_gpu.py tests/test_readme.py 2>&1 | tail -8 | tee "$OUT/gpu_tests_rest.txt"
