#!/usr/bin/env bash
# Kernel micro-benchmark (alone), then Helmholtz (30k steps) and the wave equation (13k steps, width 512) side by
# side on the fused path. SIGINT at the time limit makes a run save its checkpoint instead of losing it.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
ts="python3 -m torchsiren.cli.main"
timeout 100 python3 benchmarks/kernel_microbench.py > "$OUT/microbench.txt" 2>&1; cat "$OUT/microbench.txt"
for g in "" "--no-cuda-graph"; do  # the trainer's CUDA-graph path against the eager one
    timeout 60 $ts fit image --size 256 --steps 1000 --precision tf32 $g --log-every 500 --device cuda --out /tmp/fit$g \
        --quiet 2>&1 | tail -2 | head -1 | tee -a "$OUT/microbench.txt"
done
timeout -s INT 450 $ts helmholtz --steps 30000 --lr 1e-4 --schedule cosine --precision tf32 --log-every 2500 \
    --checkpoint-every 5000 --device cuda --out /tmp/hh --quiet > /tmp/hh.log 2>&1 &
timeout -s INT 450 $ts wave --steps 13000 --curriculum-steps 8000 --pretrain-steps 500 --hidden-features 512 \
    --lr 5e-5 --schedule cosine --precision tf32 --log-every 1000 --checkpoint-every 5000 --device cuda --out /tmp/wv \
    --quiet > /tmp/wv.log 2>&1 &
wait
tail -3 /tmp/hh.log /tmp/wv.log > "$OUT/runs.log"; cat /tmp/hh/metrics.jsonl /tmp/wv/metrics.jsonl >> "$OUT/runs.log"
cat "$OUT/runs.log"
cp /tmp/hh/metrics.json "$OUT/helmholtz_metrics.json"; cp /tmp/wv/metrics.json "$OUT/wave_metrics.json"
cp /tmp/wv/wave.gif "$OUT/wave.gif"
python3 - <<'PY'
import os, matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt, matplotlib.image as mi
out = os.environ.get("OUT", "out")
try:
    fig, ax = plt.subplots(2, 3, figsize=(10, 6.4), dpi=100)
    for i, stem in enumerate(("field", "closed_form")):
        for j, part in enumerate(("real", "imag", "abs")):
            ax[i, j].imshow(mi.imread(f"/tmp/hh/{stem}_{part}.png")); ax[i, j].axis("off")
    fig.tight_layout(); fig.savefig(out + "/helmholtz.png")
except Exception as e: print("helmholtz picture:", e)
try:
    fig, ax = plt.subplots(2, 5, figsize=(15, 6), dpi=80)
    for j, t in enumerate(("0.00", "0.05", "0.10", "0.15", "0.25")):
        for i, stem in enumerate(("siren", "fd")):
            ax[i, j].imshow(mi.imread(f"/tmp/wv/{stem}_t{t}.png")); ax[i, j].axis("off")
    fig.tight_layout(); fig.savefig(out + "/wave_frames.png")
except Exception as e: print("wave picture:", e)
PY
