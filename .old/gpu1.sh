set -x
export PYTHONPATH=$PWD/src
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
python -c "import torch, triton; print(torch.__version__, triton.__version__)"
python -c "import inspect, triton; print('cache_results' in inspect.signature(triton.autotune).parameters)"
for i in 1 2; do /usr/bin/time -f "import wall %e s" python -c "import torchsiren"; done 2>&1
python -X importtime -c "import torchsiren" 2> $OUT/importtime_gpu.txt; sort -t'|' -k2 -n $OUT/importtime_gpu.txt | tail -5
timeout 190 python -m torchsiren.cli.main bench --steps 2000 --device cuda --precision fp16 --out $OUT/bench_fp16.json 2>&1 | tail -25
SECONDS=0
timeout 330 python -m pytest -q -n 16 -p no:cacheprovider tests --durations=40 2>&1 | tail -75 > $OUT/gpu_tests.txt
echo "suite wall $SECONDS s" >> $OUT/gpu_tests.txt
tail -60 $OUT/gpu_tests.txt
