"""foreach.scale_: one launch multiplies many tensors by a device scalar (the fp16 backward's unscaling)."""
import torch

from torchsiren.kernels.foreach import MAX_TENSORS, scale_
from .helpers import DEVICE, needs_triton

pytestmark = needs_triton


def test_scale_multiplies_every_element_of_every_tensor():
    sizes = [(1,), (129,), (70, 3), (5, 13), (64,)] * (MAX_TENSORS // 5 + 1)  # more than one launch takes
    tensors = [torch.randn(*s, device=DEVICE) for s in sizes]
    want = [t * 2.0 ** -9 for t in tensors]
    scale_(tensors, torch.tensor(2.0 ** -9, device=DEVICE))
    for got, expected in zip(tensors, want):
        torch.testing.assert_close(got, expected, rtol=0, atol=0)  # a power of two: exact
