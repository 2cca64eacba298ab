#!/usr/bin/env bash
# On the lent GPU machine (no network): install whatever of torchsiren's dependencies is missing from wheels
# carried in .whl/, then use the source tree directly. Source it: `. benchmarks/device_env.sh`.
python3 -m pip install -q --no-index --find-links .whl scikit-image imageio tqdm matplotlib safetensors pytest 2>&1 \
    | grep -v -i warning || true
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
python3 - <<'PY'
import torch, skimage, imageio, matplotlib, safetensors, tqdm
print("torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name() if torch.cuda.is_available() else "")
PY
