#!/usr/bin/env bash
# Quality figures of the foundation issue on a GPU: compare all models on cameraman 256² (2000 steps, fp32,
# Adam 1e-4, full batch), then the default GPU demo (512², 2000 steps). Results go to $OUT (or ./out).
set -euo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
ts="python3 -m torchsiren.cli.main"
$ts compare image --size 256 --steps 2000 --report-steps 100,500,1000,2000 --device cuda --out /tmp/cmp256 --quiet
cp /tmp/cmp256/results.md /tmp/cmp256/results.json /tmp/cmp256/comparison.png "$OUT/"
$ts fit image --device cuda --out /tmp/fit512 --quiet
cp /tmp/fit512/metrics.json "$OUT/fit512_metrics.json"; cp /tmp/fit512/fit.png "$OUT/fit512.png"
python3 -m pytest -q -x tests 2>&1 | tail -3
