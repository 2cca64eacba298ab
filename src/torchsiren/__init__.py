"""torchsiren: sine-activated implicit neural representations (Sitzmann et al. 2020) in PyTorch.

    import torchsiren as ts
    model = ts.Siren(2, 1)                                   # Φ: (x, y) -> gray value
    problem = ts.ImageFitting(ts.data.cameraman(), device="cpu")
    ts.train(model, problem, ts.TrainConfig(steps=300))

The names below are imported on first use (so the command line answers Ctrl-C and --help at once).
"""
from __future__ import annotations

import importlib

from .errors import TorchSirenError, TrainingDiverged, TrainingInterrupted

__version__ = "0.1.0"

_SUBMODULES = ("data", "derivatives", "metrics", "models", "problems", "training")
_NAMES = {
    "data": ("grid", "load_image"),
    "derivatives": ("Fields", "evaluate", "forward_derivatives", "gradient", "hessian", "jacobian", "laplacian"),
    "models": ("BatchedSiren", "HyperNetwork", "HyperSiren", "MLP", "MODEL_NAMES", "FourierFeatures", "ModelSpec", "PositionalEncoding", "RBFLayer", "SineLayer",
               "Siren", "auto_first_omega", "build_model", "convert_state_dict"),
    "problems": ("Batch", "Constraint", "ImageFitting", "Inpainting", "ManyImageFitting", "Problem", "SDFFitting", "grid_sampler",
                 "uniform_sampler"),
    "runner": ("load_run", "run_experiment"),
    "training": ("Adam", "RunDir", "TrainConfig", "TrainResult", "train"),
}
_WHERE = {name: module for module, names in _NAMES.items() for name in names}

__all__ = [*_SUBMODULES, *_WHERE, "TorchSirenError", "TrainingDiverged", "TrainingInterrupted", "__version__"]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
