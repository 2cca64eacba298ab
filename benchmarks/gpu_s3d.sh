#!/usr/bin/env bash
# Session 3, fourth GPU call: the learning-rate sweep around the fast recipe (2 seeds each) and the
# time-to-40 dB race on a quiet GPU; then two Helmholtz learning rates side by side.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT" /tmp/s3d
ts="python3 -m torchsiren.cli.main"
timeout 150 python3 benchmarks/time_to_40db_sweep.py "$OUT/sweep_lr.json" lr 2>&1 | grep -v Warning | cut -c1-330
timeout 150 $ts bench --workload time-to-40db --device cuda --precision tf32 --out "$OUT/bench_t40.json" 2>&1 | grep -v "^\["
hh() {
  timeout 330 $ts helmholtz --steps 22000 --schedule cosine --precision tf32 --log-every 2000 \
    --device cuda --out /tmp/s3d/$1 --quiet "${@:2}" > /tmp/s3d/$1.log 2>&1 &
}
hh lr3e-4 --lr 3e-4
hh lr1e-3 --lr 1e-3
wait
for f in /tmp/s3d/*.log; do echo "== $f"; tail -2 $f | cut -c1-400; done
cd /tmp/s3d && tar czf "$OUT/s3d.tgz" --exclude='*.safetensors' . ; ls "$OUT"
