"""torchsiren: sine-activated implicit neural representations (Sitzmann et al. 2020) in PyTorch.

    import torchsiren as ts
    model = ts.Siren(2, 1)                                   # Φ: (x, y) -> gray value
    problem = ts.ImageFitting(ts.data.cameraman(), device="cpu")
    ts.train(model, problem, ts.TrainConfig(steps=300))
"""
from . import data, derivatives, metrics, models, problems, training
from .data import grid, load_image
from .derivatives import Fields, evaluate, forward_derivatives, gradient, hessian, laplacian
from .errors import TorchSirenError, TrainingDiverged, TrainingInterrupted
from .models import MLP, MODEL_NAMES, FourierFeatures, ModelSpec, PositionalEncoding, RBFLayer, SineLayer, Siren, \
    build_model
from .problems import Batch, Constraint, ImageFitting, Problem, grid_sampler, uniform_sampler
from .models import convert_state_dict
from .runner import load_run, run_experiment
from .training import RunDir, TrainConfig, TrainResult, train

__version__ = "0.1.0"

__all__ = ["data", "derivatives", "metrics", "models", "problems", "training", "grid", "load_image", "Fields",
           "evaluate", "forward_derivatives", "gradient", "hessian", "laplacian", "TorchSirenError",
           "TrainingDiverged", "TrainingInterrupted", "MLP", "MODEL_NAMES", "FourierFeatures", "ModelSpec",
           "PositionalEncoding", "RBFLayer", "SineLayer", "Siren", "build_model", "Batch", "Constraint",
           "ImageFitting", "Problem", "grid_sampler", "uniform_sampler", "run_experiment", "load_run",
           "convert_state_dict", "RunDir",
           "TrainConfig", "TrainResult", "train", "__version__"]
