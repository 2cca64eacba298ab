#!/usr/bin/env bash
# The derivative workloads with whole-step CUDA graphs, and the paper's Poisson-from-Laplacian table
# (SIREN, tanh, ReLU + P.E.; 10k steps, authors' target scale) with the harmonic diagnostics.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
ts="python3 -m torchsiren.cli.main"
timeout 150 $ts bench --workload laplacian gradient --steps 2000 --device cuda --out "$OUT/bench_graphs.json" 2>&1 \
    | grep -v "^\["
timeout 400 $ts compare poisson --from laplacian --target-scale 1e4 --size 256 --steps 10000 \
    --report-steps 1000,3000,5000,10000 --log-every 1000 --device cuda --out /tmp/cpl --quiet 2>&1 | tail -12
cp /tmp/cpl/results.md "$OUT/poisson_laplacian.md"; cp /tmp/cpl/comparison.png "$OUT/poisson_laplacian.png"
python3 - <<'PY' | tee "$OUT/poisson_laplacian_harmonic.txt"
import json
for m in ("siren", "tanh", "relu-pe"):
    d = json.load(open(f"/tmp/cpl/{m}/metrics.json"))
    print(m, {k: d.get(k) for k in ("psnr", "psnr_harmonic_aligned", "psnr_harmonics_alone", "wall_time_s", "device")})
PY
