#!/usr/bin/env bash
# Session 3, third GPU call: where the GPU kernel tests and the inverse run stall (faulthandler), Helmholtz with
# a least-squares residual (the amplitude-bias hypothesis), the inverse problem with a medium warm-up.
set -uo pipefail
. benchmarks/device_env.sh
OUT="${OUT:-out}"; mkdir -p "$OUT" /tmp/s3c
ts="python3 -m torchsiren.cli.main"
export PYTHONFAULTHANDLER=1
hh() {
  timeout -s ABRT 500 $ts helmholtz --steps 18000 --lr 1e-4 --schedule cosine --precision tf32 --log-every 1500 \
    --device cuda --out /tmp/s3c/$1 --quiet "${@:2}" > /tmp/s3c/$1.log 2>&1 &
}
hh l2_w30 --norm l2
hh l2_w60 --norm l2 --first-omega 60
timeout -s ABRT 420 $ts helmholtz-inverse --steps 6000 --medium-warmup 2000 --lr 1e-4 --schedule cosine \
    --precision tf32 --log-every 500 --device cuda --out /tmp/s3c/fwi --quiet > /tmp/s3c/fwi.log 2>&1 &
timeout 400 python3 -u -m pytest -v tests/kernels -p no:cacheprovider -o faulthandler_timeout=60 --durations=15 \
    > /tmp/s3c/gpu_tests.txt 2>&1; grep -c PASSED /tmp/s3c/gpu_tests.txt; tail -5 /tmp/s3c/gpu_tests.txt
wait
for f in /tmp/s3c/*.log; do echo "== $f"; tail -4 $f | cut -c1-400; done
cd /tmp/s3c && tar czf "$OUT/s3c.tgz" --exclude='*.safetensors' . ; ls -la "$OUT"
