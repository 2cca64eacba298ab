#!/usr/bin/env bash
# Helmholtz runs side by side on the GPU, the authors' L1 loss plus the source constraint at a given weight
# (lr 1e-4 cosine over STEPS steps, default 25k). Arguments: NAME:FLUX_WEIGHT ... Runs that share the GPU slow each
# other down. SIGINT at LIMIT seconds saves a checkpoint; put the returned tarball at runs_in.tgz and call again
# to continue them with --resume. Run folders come back in $OUT/helmholtz_runs.tgz.
# Session 4 (benchmarks/results/session4/): flux1:1 flux10:10 and rflux1:1 rflux10:10 ran with the plain-flux forms of
# the constraint (commits before the J0 identity); j0w1:1 j0w03:0.3; STEPS=30000 j0w1_30k:1 (alone).
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT" /tmp/s4
ts="python3 -m torchsiren.cli.main"
if [ -f runs_in.tgz ]; then mkdir -p runs_in && tar xzf runs_in.tgz -C runs_in; fi
for run in "$@"; do
  name="${run%%:*}"; weight="${run#*:}"
  if [ -d "runs_in/$name" ]; then cp -r "runs_in/$name" /tmp/s4/; where=(--resume "/tmp/s4/$name"); else
    where=(--out "/tmp/s4/$name"); fi
  timeout -s INT "${LIMIT:-540}" $ts helmholtz --steps "${STEPS:-25000}" --lr 1e-4 --schedule cosine --precision tf32 \
    --log-every 2500 --checkpoint-every 2500 --flux-weight "$weight" --device cuda --quiet "${where[@]}" \
    > "/tmp/s4/$name.log" 2>&1 &
done
wait
for run in "$@"; do name="${run%%:*}"; echo "== $name"; tail -1 "/tmp/s4/$name.log"; tail -3 "/tmp/s4/$name/metrics.jsonl"; done
cd /tmp/s4 && tar czf "$OUT/helmholtz_runs.tgz" . ; ls -la "$OUT"
