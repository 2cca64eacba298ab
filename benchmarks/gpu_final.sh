#!/usr/bin/env bash
# Re-measure with the authors' (PIL bilinear) resize: issue 2's comparison, the Poisson table, then Helmholtz
# and the wave equation. One call, ~9 minutes on an H100/H200.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
ts="python3 -m torchsiren.cli.main"
$ts compare image --size 256 --steps 2000 --report-steps 500,1000,2000 --models siren,relu-pe,relu,tanh,softplus,fourier \
    --device cuda --out /tmp/cmp --quiet | tail -12 > "$OUT/compare_image.md"; cat "$OUT/compare_image.md"
$ts compare poisson --from gradient --size 256 --steps 10000 --report-steps 1000,3000,10000 --log-every 500 \
    --device cuda --out /tmp/cpg --quiet | tail -9 > "$OUT/compare_poisson.md"; cat "$OUT/compare_poisson.md"
cp /tmp/cpg/comparison.png "$OUT/poisson_gradient.png"
$ts helmholtz --steps 6000 --lr 1e-4 --schedule cosine --log-every 1000 --device cuda --out /tmp/hh --quiet | tail -2
cp /tmp/hh/metrics.json "$OUT/helmholtz_metrics.json"
python3 - <<'PY'
import os, matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt, matplotlib.image as mi
fig, ax = plt.subplots(2, 3, figsize=(10, 6.4), dpi=100)
for i, stem in enumerate(("field", "closed_form")):
    for j, part in enumerate(("real", "imag", "abs")):
        ax[i, j].imshow(mi.imread(f"/tmp/hh/{stem}_{part}.png")); ax[i, j].axis("off")
fig.tight_layout(); fig.savefig(os.environ.get("OUT", "out") + "/helmholtz.png")
PY
$ts wave --steps 3000 --pretrain-steps 300 --hidden-features 256 --lr 1e-4 --schedule cosine --log-every 1000 \
    --device cuda --out /tmp/wv --quiet | tail -2
cp /tmp/wv/metrics.json "$OUT/wave_metrics.json"; cp /tmp/wv/wave.gif "$OUT/wave.gif"
