#!/usr/bin/env bash
# Session 5, fourth GPU call: every kernel test and the derivative tests on the GPU after this session's changes.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
timeout 540 python3 -m pytest -q tests/kernels tests/derivatives -p no:cacheprovider > "$OUT/gpu_tests.txt" 2>&1
tail -4 "$OUT/gpu_tests.txt"
