export PYTHONPATH=$PWD/src
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
python -c "import torch, triton, inspect; print(torch.__version__, triton.__version__, 'cache_results' in inspect.signature(triton.autotune).parameters)"
for i in 1 2; do /usr/bin/time -f "import wall %e s" python -c "import torchsiren" 2>&1; done
timeout 290 python benchmarks/first_omega_sweep.py --device cuda --out $OUT/first_omega_sweep.json 2>&1 | grep -v "^{" 
SECONDS=0
timeout 240 python -m pytest -q -n 6 -p no:cacheprovider tests/kernels tests/training tests/derivatives --durations=15 2>&1 | tail -40 > $OUT/gpu_tests_kernels_training.txt
echo "wall $SECONDS s" >> $OUT/gpu_tests_kernels_training.txt
cat $OUT/gpu_tests_kernels_training.txt
