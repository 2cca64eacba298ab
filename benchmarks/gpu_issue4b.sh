#!/usr/bin/env bash
# Issue 4, final GPU pass: kernel micro-benchmark, `torchsiren bench` at full sizes (alone on the GPU), the
# trainer's CUDA-graph path against eager, time to 40 dB at 512², then the GPU kernel tests.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT"
ts="python3 -m torchsiren.cli.main"
timeout 110 python3 benchmarks/kernel_microbench.py > "$OUT/microbench.txt" 2>&1; cat "$OUT/microbench.txt"
timeout 250 $ts bench --steps 2000 --device cuda --out "$OUT/bench.json" 2>&1 | grep -v "^\[" 
for g in "" "--no-cuda-graph"; do
    timeout 90 $ts fit image --size 256 --steps 2000 --precision tf32 $g --log-every 500 --device cuda \
        --out "/tmp/fit$g" --quiet > /tmp/fit.log 2>&1; echo "fit 256 $g: $(grep done: /tmp/fit.log)" | tee -a "$OUT/fits.txt"
done
timeout 100 $ts fit image --size 512 --hidden-features 512 --steps 2500 --precision tf32 --log-every 100 \
    --device cuda --out /tmp/fit512 --quiet > /tmp/fit.log 2>&1; echo "fit 512 w512: $(grep done: /tmp/fit.log)" | tee -a "$OUT/fits.txt"
python3 - <<'PY' | tee -a "$OUT/fits.txt"
import json
rows = [json.loads(l) for l in open("/tmp/fit512/metrics.jsonl")]
hit = next((r for r in rows if r["psnr"] >= 40), None)
print("512² width 512: first log step at >= 40 dB:", hit)
PY
timeout 170 python3 -m pytest -q tests/kernels -p no:cacheprovider > "$OUT/gpu_tests.txt" 2>&1; tail -3 "$OUT/gpu_tests.txt"
