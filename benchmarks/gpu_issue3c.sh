#!/usr/bin/env bash
# Issue 3 figures, part C: Helmholtz (uniform medium, closed form) and the wave equation (finite differences).
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
ts="python3 -m torchsiren.cli.main"
$ts helmholtz --steps 10000 --lr 1e-4 --schedule cosine --log-every 1000 --device cuda --out /tmp/hh --quiet
cp /tmp/hh/metrics.jsonl "$OUT/helmholtz_history.jsonl"
python3 - <<'PY'
import os, matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt, matplotlib.image as mi
fig, ax = plt.subplots(2, 3, figsize=(10, 6.4), dpi=100)
for i, stem in enumerate(("field", "closed_form")):
    for j, part in enumerate(("real", "imag", "abs")):
        ax[i, j].imshow(mi.imread(f"/tmp/hh/{stem}_{part}.png")); ax[i, j].axis("off")
fig.tight_layout(); fig.savefig(os.environ.get("OUT", "out") + "/helmholtz.png")
PY
$ts wave --steps 4000 --pretrain-steps 500 --hidden-features 256 --lr 1e-4 --schedule cosine --log-every 1000 \
    --device cuda --out /tmp/wv --quiet
cp /tmp/wv/metrics.json "$OUT/wave_metrics.json"; cp /tmp/wv/wave.gif "$OUT/wave.gif"
