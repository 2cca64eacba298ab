import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
    np.random.seed(0)


@pytest.fixture
def small_image():
    """A 32x32 crop-and-downscale of the bundled cameraman, (32, 32, 1) in [0, 1]."""
    from torchsiren.data import cameraman, resize_longer_side
    return resize_longer_side(cameraman(), 32)
