#!/usr/bin/env bash
# Session 4: Helmholtz with the J₀ source constraint (weight 1) over the authors' 30k-step budget, alone on the GPU.
# the authors' L1 loss otherwise (lr 1e-4 cosine over STEPS, default 25k). Both share the GPU; SIGINT at the limit
# saves a checkpoint, and a later call continues with --resume. Run folders come back in s4d.tgz.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT" /tmp/s4
ts="python3 -m torchsiren.cli.main"
LIMIT="${LIMIT:-540}"
hh() {  # name, flux weight, extra args
  if [ -d "runs_in/$1" ]; then cp -r "runs_in/$1" /tmp/s4/; set -- "$1" "$2" --resume /tmp/s4/$1 "${@:3}"; else
    set -- "$1" "$2" --out /tmp/s4/$1 "${@:3}"; fi
  timeout -s INT "$LIMIT" $ts helmholtz --steps "${STEPS:-25000}" --lr 1e-4 --schedule cosine --precision tf32 --log-every 2500 \
    --checkpoint-every 2500 --flux-weight "$2" --device cuda --quiet "${@:3}" > /tmp/s4/$1.log 2>&1 &
}
if [ -f runs_in.tgz ]; then mkdir -p runs_in && tar xzf runs_in.tgz -C runs_in; fi
hh j0w1_30k 1
wait
for f in /tmp/s4/*.log; do echo "== $f"; tail -2 $f; done
for d in /tmp/s4/j0*; do echo "== $d"; tail -3 $d/metrics.jsonl 2>/dev/null; done
cd /tmp/s4 && tar czf "$OUT/s4d.tgz" . ; ls -la "$OUT"
