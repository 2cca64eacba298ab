"""Constraints and the problems built from them."""
from .constraint import Batch, Constraint, Problem, grid_sampler, uniform_sampler
from .fitting import ImageFitting, predict_grid
from .hypernet import Inpainting
from .many import ManyImageFitting
from .sdf import SDFFitting

__all__ = ["Batch", "Constraint", "Problem", "grid_sampler", "uniform_sampler", "ImageFitting", "Inpainting", "ManyImageFitting",
           "SDFFitting", "predict_grid"]
