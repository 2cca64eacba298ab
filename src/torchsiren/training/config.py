"""Training settings, separate from the model's hyperparameters; stored as JSON in a run's config.json."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

from ..errors import TorchSirenError, check_positive
from ..kernels.dispatch import PRECISIONS as OPERAND_PRECISIONS

# bf16: autocast (the trainer only); auto: fp32 on a CPU, on a GPU the task's own (Problem.gpu_precision)
PRECISIONS = ("auto", *OPERAND_PRECISIONS, "bf16")
COMPILE = ("auto", "on", "off")
MAX_LR = 10.0  # Adam moves each weight by about lr per step: far beyond any SIREN's weights
SCHEDULES = ("constant", "cosine", "step")


@dataclass
class TrainConfig:
    steps: int = 500
    lr: float = 1e-4
    schedule: str = "constant"  # cosine: to 0 at `steps`; step: ×0.1 at 50% and 75%
    grad_clip: float | None = None  # max global gradient norm
    log_every: int = 25  # evaluate metrics, write metrics.jsonl, check for NaN
    checkpoint_every: int = 500
    seed: int = 0
    precision: str = "auto"
    cuda_graph: bool = True  # replay the whole step as a CUDA graph when the problem is replayable
    target_psnr: float | None = None  # stop at the first logged step whose PSNR (problem.quality) reaches this
    compile: str = "auto"  # torch.compile the whole loss: "on", "off", or "auto" (CPU, static batch, >= 1000 steps, no autograd derivatives)

    def validate(self) -> "TrainConfig":
        check_positive("steps", self.steps, integer=True)
        if not 0 < self.lr <= MAX_LR:  # also NaN and inf
            raise TorchSirenError(f"lr must be a number in (0, {MAX_LR:g}], got {self.lr}", "lr")
        if not (isinstance(self.seed, int) and 0 <= self.seed < 2 ** 63):
            raise TorchSirenError(f"seed must be a whole number in [0, 2^63), got {self.seed}", "seed")
        check_positive("log_every", self.log_every, integer=True)
        check_positive("checkpoint_every", self.checkpoint_every, integer=True)
        if self.grad_clip is not None:
            check_positive("grad_clip", self.grad_clip, finite=True)
        if self.target_psnr is not None:  # any fit is at 0 dB or above
            check_positive("target_psnr", self.target_psnr, finite=True, unit="of dB")
        if self.precision not in PRECISIONS:
            raise TorchSirenError(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}",
                                  "precision")
        if self.compile not in COMPILE:
            raise TorchSirenError(f"compile must be one of {', '.join(COMPILE)}, got {self.compile!r}")
        if self.schedule not in SCHEDULES:
            raise TorchSirenError(f"schedule must be one of {', '.join(SCHEDULES)}, got {self.schedule!r}")
        return self

    def check_device(self, device, interpreter: bool = False) -> "TrainConfig":
        """Refuse operand precisions the device cannot run (tf32 and fp16 are CUDA's); `interpreter`: Triton's CPU
        interpreter runs the fp16 kernels on CPU tensors (the tests)."""
        if device.type != "cuda" and self.precision in ("tf32", "fp16") and not interpreter:
            raise TorchSirenError(f"precision {self.precision} needs a CUDA GPU (on the CPU every matmul is fp32); "
                                  "use fp32", "precision")
        return self

    def resolved(self, device, problem=None) -> "TrainConfig":
        """This config with precision `auto` replaced by what it means on `device` for `problem`: fp32 on a CPU;
        on a CUDA GPU the problem's gpu_precision (the fastest measured to keep that task's quality)."""
        if self.precision != "auto":
            return self
        gpu = getattr(problem, "gpu_precision", "tf32")
        return replace(self, precision=gpu if getattr(device, "type", device) == "cuda" else "fp32")

    def lr_at(self, step: int, total: int | None = None) -> float:
        """Learning rate for the update that follows `step` completed steps."""
        total = total or self.steps
        if self.schedule == "cosine":
            return self.lr * 0.5 * (1 + math.cos(math.pi * min(step, total) / total))
        if self.schedule == "step":
            return self.lr * (0.1 ** ((step >= total // 2) + (step >= 3 * total // 4)))
        return self.lr

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
