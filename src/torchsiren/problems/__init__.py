"""Constraints and the problems built from them."""
from .constraint import Batch, Constraint, Problem, grid_sampler, uniform_sampler
from .fitting import ImageFitting, predict_grid

__all__ = ["Batch", "Constraint", "Problem", "grid_sampler", "uniform_sampler", "ImageFitting", "predict_grid"]
