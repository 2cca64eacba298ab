#!/usr/bin/env bash
# Session 8: the wave equation at TF32 and at fp16 (Hessian diagonal through kernels/laplacian_half.py) with a
# curriculum short enough that the metrics mean something: 4000 steps, the time horizon reaching t_max at 2000.
. benchmarks/device_env.sh
mkdir -p "$OUT"
for p in tf32 fp16; do
  python3 -m torchsiren.cli.main wave --precision $p --device cuda --quiet --out /tmp/wave_$p --steps 4000 \
      --curriculum-steps 2000 --log-every 500 > /dev/null 2>&1
  echo "== wave $p (rc $?)"; python3 - "$p" <<'PY'
import json, sys
p = sys.argv[1]
m = json.load(open(f"/tmp/wave_{p}/metrics.json"))
print({k: v for k, v in m.items() if k.startswith("rel_l2") or k == "wall_time_s"})
print([round(json.loads(line).get("loss", float("nan")), 5) for line in open(f"/tmp/wave_{p}/metrics.jsonl")][:12])
PY
  cp /tmp/wave_$p/metrics.json "$OUT/wave_metrics_$p.json"; cp /tmp/wave_$p/metrics.jsonl "$OUT/wave_history_$p.jsonl"
done
