import os

import numpy as np
import pytest
import torch

# Under pytest-xdist (`make test` runs one worker per core, at most 8) every worker would start one torch thread
# per core: share the cores instead (subprocesses that tests start inherit OMP_NUM_THREADS), or the workers slow
# each other down many times.
_workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
if _workers > 1:
    _threads = max(1, (os.cpu_count() or 1) // _workers)
    os.environ["OMP_NUM_THREADS"] = str(_threads)
    torch.set_num_threads(_threads)

# Without a GPU the fused Triton kernels run in Triton's CPU interpreter, so CI checks them at small sizes.
# (Triton reads the switch when a kernel is defined, so it must be set before torchsiren is imported.)
if not torch.cuda.is_available():
    os.environ.setdefault("TRITON_INTERPRET", "1")
else:  # on a GPU each kernel compiles once per shape instead of once per candidate tile config
    os.environ.setdefault("TORCHSIREN_AUTOTUNE", "0")


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
    np.random.seed(0)


@pytest.fixture(autouse=True)
def _matmul_precision():
    """Tests may switch torch's float32 matmul precision (TF32 or exact); each gets it back as it was."""
    matmul = torch.backends.cuda.matmul
    if hasattr(matmul, "fp32_precision"):
        before = matmul.fp32_precision
        yield
        matmul.fp32_precision = before
    else:  # pragma: no cover - torch < 2.9
        before = torch.get_float32_matmul_precision()
        yield
        torch.set_float32_matmul_precision(before)


@pytest.fixture
def small_image():
    """A 32x32 crop-and-downscale of the bundled cameraman, (32, 32, 1) in [0, 1]."""
    from torchsiren.data import cameraman, resize_longer_side
    return resize_longer_side(cameraman(), 32)
