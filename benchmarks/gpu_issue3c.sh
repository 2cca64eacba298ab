#!/usr/bin/env bash
# Where the time goes (profile), then Helmholtz and the wave equation trained long on the fused path, with the
# kernel tests run beside them (correctness only; the profile runs alone first).
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
ts="python3 -m torchsiren.cli.main"
timeout 150 python3 benchmarks/profile_step.py > "$OUT/profile.txt" 2>&1; head -8 "$OUT/profile.txt"
timeout 420 $ts helmholtz --steps 30000 --lr 1e-4 --schedule cosine --precision tf32 --log-every 2500 \
    --device cuda --out /tmp/hh --quiet > /tmp/hh.log 2>&1 &
timeout 420 $ts wave --steps 12000 --curriculum-steps 9000 --pretrain-steps 500 --hidden-features 512 --lr 5e-5 \
    --schedule cosine --precision tf32 --log-every 2000 --device cuda --out /tmp/wv --quiet > /tmp/wv.log 2>&1 &
timeout 300 python3 -m pytest -q tests/kernels -p no:cacheprovider > "$OUT/gpu_tests.txt" 2>&1; tail -3 "$OUT/gpu_tests.txt"
wait
tail -4 /tmp/hh.log /tmp/wv.log | tee "$OUT/runs.log"
cp /tmp/hh/metrics.json "$OUT/helmholtz_metrics.json"; cp /tmp/wv/metrics.json "$OUT/wave_metrics.json"
cp /tmp/wv/wave.gif "$OUT/wave.gif"; cat /tmp/hh/metrics.jsonl >> "$OUT/runs.log"; cat /tmp/wv/metrics.jsonl >> "$OUT/runs.log"
python3 - <<'PY'
import os, matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt, matplotlib.image as mi
fig, ax = plt.subplots(2, 3, figsize=(10, 6.4), dpi=100)
for i, stem in enumerate(("field", "closed_form")):
    for j, part in enumerate(("real", "imag", "abs")):
        ax[i, j].imshow(mi.imread(f"/tmp/hh/{stem}_{part}.png")); ax[i, j].axis("off")
fig.tight_layout(); fig.savefig(os.environ.get("OUT", "out") + "/helmholtz.png")
fig, ax = plt.subplots(2, 5, figsize=(15, 6), dpi=80)
for j, t in enumerate(("0.00", "0.05", "0.10", "0.15", "0.25")):
    for i, stem in enumerate(("siren", "fd")):
        ax[i, j].imshow(mi.imread(f"/tmp/wv/{stem}_t{t}.png")); ax[i, j].axis("off")
fig.tight_layout(); fig.savefig(os.environ.get("OUT", "out") + "/wave_frames.png")
PY
