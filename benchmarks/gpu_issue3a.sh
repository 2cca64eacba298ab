#!/usr/bin/env bash
# Issue 3 figures, part A (one H100 call): derivative-step timing, Poisson from gradients (SIREN/tanh/ReLU+P.E.,
# 10k steps each), Poisson from the Laplacian (SIREN, 10k steps), and issue 2's 500-step PSNR over 5 seeds.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
ts="python3 -m torchsiren.cli.main"
python3 benchmarks/derivative_step.py --out "$OUT/derivative_step.json"
for s in 0 1 2 3 4; do
  $ts fit image --size 256 --steps 500 --log-every 500 --seed $s --device cuda --out /tmp/seed$s --quiet | tail -2 | head -1
done > "$OUT/issue2_seeds.txt"; cat "$OUT/issue2_seeds.txt"
$ts compare poisson --from gradient --size 256 --steps 10000 --report-steps 1000,3000,10000 --log-every 500 \
    --device cuda --out /tmp/cpg --quiet
cp /tmp/cpg/results.md "$OUT/poisson_gradient.md"; cp /tmp/cpg/results.json "$OUT/poisson_gradient.json"
cp /tmp/cpg/comparison.png "$OUT/poisson_gradient.png"
$ts poisson --from laplacian --size 256 --steps 10000 --log-every 500 --device cuda --out /tmp/pl --quiet
cp /tmp/pl/metrics.json "$OUT/laplacian_metrics.json"; cp /tmp/pl/metrics.jsonl "$OUT/laplacian_history.jsonl"
cp /tmp/pl/reconstruction.png "$OUT/laplacian_reconstruction.png"
