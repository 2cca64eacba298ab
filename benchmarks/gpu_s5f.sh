#!/usr/bin/env bash
# Session 5, sixth GPU call: the inverse problem replayed as CUDA graphs (its warm-up flag now on the device) —
# the trainer's GPU tests, the per-step check, and session 3's FWI run (6000 steps, warm-up 2000; 203 s then).
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
timeout 150 python3 -m pytest -q tests/training/test_graphs_gpu.py tests/problems -p no:cacheprovider \
    > "$OUT/gpu_tests_training_fwi.txt" 2>&1; tail -2 "$OUT/gpu_tests_training_fwi.txt"
(cd benchmarks && timeout 90 python3 graph_sampled_check.py 2>&1 | grep -v -i warn) | tee "$OUT/graph_sampled_check_fwi.txt"
timeout 300 python3 -m torchsiren.cli.main helmholtz-inverse --steps 6000 --medium-warmup 2000 --lr 1e-4 \
    --schedule cosine --precision tf32 --log-every 1000 --device cuda --out /tmp/fwi --quiet > "$OUT/fwi.log" 2>&1
tail -2 "$OUT/fwi.log"; cp /tmp/fwi/metrics.json "$OUT/fwi_graphed_metrics.json" 2>/dev/null
