#!/usr/bin/env bash
# Create the virtual environment and install torchsiren into it.
# A torch already importable by $PYTHON (e.g. a CUDA build) is kept; otherwise the CPU build is pinned,
# because a plain `pip install torch` would pull a multi-GB CUDA build.
set -euo pipefail
VENV="${1:-.venv}"
PYTHON="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv --system-site-packages "$VENV"
fi
PIP="$VENV/bin/python -m pip"
$PIP install -q --upgrade pip >/dev/null 2>&1 || true
if ! "$VENV/bin/python" -c "import torch" >/dev/null 2>&1; then
    echo "torchsiren setup: installing the CPU build of PyTorch (torch==2.13.0)"
    $PIP install -q --disable-pip-version-check "torch==2.13.0" || $PIP install -q --disable-pip-version-check "torch>=2.4"
fi
echo "torchsiren setup: installing torchsiren and its dependencies"
$PIP install -q --disable-pip-version-check -e ".[test]"
touch "$VENV/.installed"
