#!/usr/bin/env bash
# Session 8: the fp16 forward-mode path extended to the Hessian diagonal (Helmholtz's PML, the wave equation):
# its GPU tests, then Helmholtz and the wave equation at TF32 and at fp16, same seed and steps, side by side.
. benchmarks/device_env.sh
mkdir -p "$OUT"
timeout 240 python3 -m pytest -q -p no:cacheprovider tests/kernels/test_laplacian_half.py \
    tests/kernels/test_jet_first.py tests/derivatives 2>&1 | tail -4 | tee "$OUT/gpu_tests_diagonal.txt"
run() {  # task precision args...
  local task=$1 p=$2; shift 2
  python3 -m torchsiren.cli.main $task --precision $p --device cuda --quiet --out /tmp/${task}_$p "$@" \
      > "$OUT/${task}_$p.log" 2>&1
  echo "== $task $p (rc $?)"; grep -E "^done" "$OUT/${task}_$p.log"; cp /tmp/${task}_$p/metrics.json "$OUT/${task}_metrics_$p.json"
}
for p in tf32 fp16; do run helmholtz $p --steps 5000 --lr 1e-4 --schedule cosine --log-every 1000; done
for p in tf32 fp16; do run wave $p --steps 3000 --log-every 1000; done
