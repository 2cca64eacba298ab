#!/usr/bin/env bash
# Session 6: a Triton fp16 matmul with the sine (or the chain's ⊙ y') in its epilogue, against cuBLAS + a pass.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 benchmarks/fp16_gemm_probe.py 2>&1 | tee "$OUT/fp16_gemm_probe.txt"
