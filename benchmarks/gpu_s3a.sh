#!/usr/bin/env bash
# Session 3, first GPU call: kernel tests after session 2's last refactors; Helmholtz variants for the source's
# amplitude offset (first ω₀, source samples); the inverse problem at scale; the ReLU + P.E. Laplacian row.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT" /tmp/s3a
ts="python3 -m torchsiren.cli.main"
hh() {  # name, extra args
  timeout 540 $ts helmholtz --steps 15000 --lr 1e-4 --schedule cosine --precision tf32 --log-every 1500 \
    --device cuda --out /tmp/s3a/$1 --quiet "${@:2}" > /tmp/s3a/$1.log 2>&1 &
}
hh w60_s100 --first-omega 60
hh w60_s1000 --first-omega 60 --source-points 1000
hh w30_s1000 --source-points 1000
timeout 540 $ts helmholtz-inverse --steps 8000 --lr 1e-4 --schedule cosine --precision tf32 --log-every 1000 \
    --device cuda --out /tmp/s3a/fwi --quiet > /tmp/s3a/fwi.log 2>&1 &
timeout 540 $ts poisson --model relu-pe --from laplacian --target-scale 1e4 --size 256 --steps 10000 --log-every 2500 \
    --device cuda --out /tmp/s3a/pl_relupe --quiet > /tmp/s3a/pl_relupe.log 2>&1 &
timeout 300 python3 -m pytest -q tests/kernels -p no:cacheprovider > /tmp/s3a/gpu_tests.txt 2>&1; tail -3 /tmp/s3a/gpu_tests.txt
wait
for f in /tmp/s3a/*.log; do echo "== $f"; tail -3 $f; done
cd /tmp/s3a && tar czf "$OUT/s3a.tgz" --exclude='*.safetensors' . ; ls -la "$OUT"
