"""--precision auto: fp32 on a CPU; on a GPU each task's own choice; an explicit precision always wins."""
import torch

from torchsiren import ImageFitting, TrainConfig
from torchsiren.problems import Problem
from torchsiren.problems.poisson import PoissonReconstruction


def test_auto_means_fp32_on_a_cpu_and_the_task_choice_on_a_gpu(small_image):
    cpu, gpu = torch.device("cpu"), torch.device("cuda")
    fitting, plain = ImageFitting(small_image), Problem([])
    assert TrainConfig().precision == "auto"
    assert TrainConfig().resolved(cpu, fitting).precision == "fp32"
    assert TrainConfig().resolved(gpu, fitting).precision == "fp16" == PoissonReconstruction.gpu_precision
    assert TrainConfig().resolved(gpu, plain).precision == "tf32"
    assert TrainConfig(precision="fp32").resolved(gpu, fitting).precision == "fp32"
