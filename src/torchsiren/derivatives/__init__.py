"""How ∇Φ, ΔΦ, … are obtained: autograd operators, forward-mode propagation, and `evaluate` choosing between them."""
from .autograd import divergence, gradient, hessian, hessian_diagonal, jacobian, laplacian
from .evaluate import METHODS, NEEDS, Fields, choose_method, evaluate
from .forward import forward_derivatives, supports_forward_mode

__all__ = ["divergence", "gradient", "hessian", "hessian_diagonal", "jacobian", "laplacian", "METHODS", "NEEDS", "Fields",
           "choose_method", "evaluate", "forward_derivatives", "supports_forward_mode"]
