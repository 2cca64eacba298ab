#!/usr/bin/env bash
# NOT YET RUN (written at the end of session 2, when its GPU time was spent). What the next session should run
# first: the kernel tests after the last jet-kernel change, a Helmholtz variant for the source-amplitude offset,
# the inverse problem at scale, and the missing ReLU + P.E. row of the Laplacian table. ~10 minutes on an H200.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
ts="python3 -m torchsiren.cli.main"
timeout 120 python3 -m pytest -q tests/kernels -p no:cacheprovider > "$OUT/gpu_tests.txt" 2>&1; tail -2 "$OUT/gpu_tests.txt"
timeout 420 $ts helmholtz --steps 30000 --first-omega 60 --lr 1e-4 --schedule cosine --precision tf32 --log-every 2500 \
    --device cuda --out /tmp/hh60 --quiet > /tmp/hh60.log 2>&1 &
timeout 420 $ts helmholtz-inverse --steps 10000 --lr 1e-4 --schedule cosine --precision tf32 --log-every 1000 \
    --device cuda --out /tmp/fwi --quiet > /tmp/fwi.log 2>&1 &
wait
cp /tmp/hh60/metrics.json "$OUT/helmholtz_omega60.json"; cp /tmp/fwi/metrics.json "$OUT/fwi_metrics.json"
cp /tmp/fwi/slowness_recovered.png "$OUT/fwi_recovered.png"
timeout 150 $ts poisson --model relu-pe --from laplacian --target-scale 1e4 --size 256 --steps 10000 --log-every 5000 \
    --device cuda --out /tmp/pl_relupe --quiet | tail -2 | tee "$OUT/laplacian_relu_pe.txt"
timeout 200 $ts bench --workload time-to-40db fit-256 laplacian --steps 2000 --device cuda --out "$OUT/bench_next.json" \
    2>&1 | grep -v "^\["
