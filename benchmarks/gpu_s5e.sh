#!/usr/bin/env bash
# Session 5, fifth GPU call: CUDA-graph replay of randomly sampled steps — the trainer's GPU tests, the per-step
# check, and Helmholtz (the issue-3 recipe, 30k steps) through the CLI with replay on, against session 4's 336 s.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
timeout 120 python3 -m pytest -q tests/training tests/problems -p no:cacheprovider > "$OUT/gpu_tests_training.txt" 2>&1
tail -3 "$OUT/gpu_tests_training.txt"
(cd benchmarks && timeout 60 python3 graph_sampled_check.py 2>&1 | grep -v Warn) | tee "$OUT/graph_sampled_check.txt"
timeout 330 python3 -m torchsiren.cli.main helmholtz --steps 30000 --lr 1e-4 --schedule cosine --precision tf32 \
    --device cuda --log-every 3000 --out /tmp/hh --quiet > "$OUT/helmholtz_graphed.log" 2>&1
tail -3 "$OUT/helmholtz_graphed.log"; cp /tmp/hh/metrics.json "$OUT/helmholtz_graphed_metrics.json" 2>/dev/null
cp /tmp/hh/metrics.jsonl "$OUT/helmholtz_graphed_history.jsonl" 2>/dev/null; ls /tmp/hh
