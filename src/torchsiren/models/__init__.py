"""What Φ can be: SIREN and the paper's baselines."""
from .activations import ACTIVATIONS, Activation
from .batched import BatchedSiren, batched_siren
from .hyper import ConvEncoder, HyperNetwork, HyperSiren, SetEncoder
from .convert import convert_state_dict
from .first_omega import auto_first_omega
from .encodings import FourierFeatures, PositionalEncoding, RBFLayer, SinusoidalEncoding, nyquist_frequencies
from .mlp import MLP
from .registry import MODEL_NAMES, ModelSpec, build_model
from .siren import SineLayer, Siren, siren_uniform_

__all__ = ["ACTIVATIONS", "Activation", "BatchedSiren", "batched_siren", "ConvEncoder", "HyperNetwork", "HyperSiren", "SetEncoder",
           "auto_first_omega", "convert_state_dict", "FourierFeatures", "PositionalEncoding", "RBFLayer", "SinusoidalEncoding",
           "nyquist_frequencies", "MLP", "MODEL_NAMES", "ModelSpec", "build_model", "SineLayer", "Siren",
           "siren_uniform_"]
