#!/usr/bin/env bash
# Issue 3 figures, part B: Poisson from gradients at the authors' target scale,
# plus the preprocessing check of issue 2.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
ts="python3 -m torchsiren.cli.main"
python3 benchmarks/preprocessing_check.py | tee "$OUT/preprocessing.txt"
$ts compare poisson --from gradient --size 256 --steps 10000 --report-steps 1000,3000,10000 --log-every 500 \
    --device cuda --out /tmp/cpg --quiet
cp /tmp/cpg/results.md "$OUT/poisson_gradient.md"; cp /tmp/cpg/comparison.png "$OUT/poisson_gradient.png"
$ts poisson --from gradient --target-scale 40 --size 256 --steps 10000 --log-every 1000 --device cuda --out /tmp/pg40 --quiet \
    | tail -2 | head -1 > "$OUT/poisson_gradient_scale40.txt"
