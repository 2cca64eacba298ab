#!/usr/bin/env bash
# Written in session 7, first run in session 8 (results/session8/*_before.txt, gpu_tests_laplacian_half.txt,
# bench_laplacian_tf32.*): the fp16 Laplacian path on the GPU. Its tests, then the TF32 Laplacian row (jet.py had
# changed after session 7's last GPU run), then the bench row and Poisson-from-Laplacian training with it switched
# on (laplacian_half_check.py), and the replayed step's profile.
. benchmarks/device_env.sh
mkdir -p "$OUT"
python3 -m pytest -q tests/kernels/test_laplacian_half.py tests/kernels/test_jet.py 2>&1 | tail -4 \
    | tee "$OUT/gpu_tests_laplacian_half.txt"
python3 -m torchsiren.cli.main bench --device cuda --precision tf32 --workload laplacian \
    --out "$OUT/bench_laplacian_tf32.json" 2>&1 | tail -3  # the default path, after jet.py's session-7 change
python3 benchmarks/laplacian_half_check.py 2000 2>&1 | tee "$OUT/laplacian_half_check.txt"
python3 benchmarks/graph_profile.py laplacian 2>&1 | tee "$OUT/graph_profile_laplacian.txt" | grep -E "ms per|kernels per"
