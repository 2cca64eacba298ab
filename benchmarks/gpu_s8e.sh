#!/usr/bin/env bash
# Session 8: Helmholtz (value + Laplacian constraints, 2 outputs, a point source) at TF32 and at fp16, where the
# Laplacian now takes kernels/laplacian_half.py: same seed and steps, the metrics side by side (range check on
# a problem other than Poisson).
. benchmarks/device_env.sh
mkdir -p "$OUT"
for p in tf32 fp16; do
  python3 -m torchsiren.cli.main helmholtz --steps "${STEPS:-5000}" --lr 1e-4 --schedule cosine --precision $p \
      --log-every 1000 --device cuda --quiet --out /tmp/h_$p > "$OUT/helmholtz_$p.log" 2>&1
  echo "== $p (rc $?)"; tail -3 "$OUT/helmholtz_$p.log"; cp /tmp/h_$p/metrics.json "$OUT/helmholtz_metrics_$p.json"
  python3 -c "import json; m=json.load(open('/tmp/h_$p/metrics.json')); print({k: v for k, v in m.items() if not isinstance(v, (list, dict))})"
done
