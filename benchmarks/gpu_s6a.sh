#!/usr/bin/env bash
# Session 6, first GPU run: the fp16-operand probe, and the GPU tests of session 5's untested changes
# (kernels/tiles.py shared by the chain and down passes; a step's loss returned detached).
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 benchmarks/fp16_probe.py 2>&1 | tee "$OUT/fp16_probe.txt"
python3 -m pytest -q -x tests/kernels/test_stack.py tests/kernels/test_gradient.py tests/kernels/test_gpu.py \
    tests/training/test_graphs_gpu.py -k "not two_to_the_31" -W always 2>&1 | tail -25 | tee "$OUT/gpu_tests_tiles.txt"
