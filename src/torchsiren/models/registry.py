"""The names behind `--model`: a JSON-serialisable ModelSpec in, an nn.Module out."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

import torch
from torch import nn

from ..errors import TorchSirenError, check_positive
from ..kernels.dispatch import check_implementation
from .encodings import FourierFeatures, PositionalEncoding, RBFLayer, nyquist_frequencies
from .mlp import MLP
from .siren import Siren

MODEL_NAMES = ("siren", "relu", "relu-pe", "tanh", "softplus", "elu", "selu", "sigmoid", "rbf", "fourier")


@dataclass
class ModelSpec:
    """Everything needed to rebuild a model; stored in a run's config.json."""

    name: str = "siren"
    in_features: int = 2
    out_features: int = 1
    hidden_features: int = 256
    hidden_layers: int = 3
    first_omega_0: float = 30.0
    hidden_omega_0: float = 30.0
    num_frequencies: int | None = None  # relu-pe; None: from the Nyquist rate of `samples`
    samples: int | None = None  # samples per axis of the training signal (for relu-pe)
    fourier_scale: float = 10.0
    rbf_sigma: float = 10.0
    implementation: str = "auto"  # siren: "auto" | "torch" | "fused" kernels
    count: int | None = None  # siren: this many independent SIRENs in one module (BatchedSiren, fit-many)
    hypernet: dict | None = None  # siren: generated from observed pixels (HyperSiren's own options: encoder, size…)

    def validate(self) -> "ModelSpec":
        if self.name not in MODEL_NAMES:
            raise TorchSirenError(f"unknown model {self.name!r}; choose one of: {', '.join(MODEL_NAMES)}")
        check_positive("hidden features", self.hidden_features, integer=True)
        if self.hidden_layers < 0 or int(self.hidden_layers) != self.hidden_layers:
            raise TorchSirenError(f"hidden layers must be a whole number >= 0, got {self.hidden_layers}")
        check_positive("first omega_0", self.first_omega_0)
        check_positive("hidden omega_0", self.hidden_omega_0)
        check_implementation(self.implementation)
        if self.count is not None:
            check_positive("count", self.count, integer=True)
            if self.name != "siren":
                raise TorchSirenError(f"many signals at once (count) are fitted by siren, not {self.name!r}")
        if self.hypernet is not None and (self.name != "siren" or self.count is not None):
            raise TorchSirenError("a hypernetwork generates one siren per image (no count, no other model)")
        return self

    def parameter_count(self) -> int:
        """Parameters of the model this spec builds (built on the meta device: nothing is allocated)."""
        with torch.device("meta"):
            return sum(p.numel() for p in build_model(replace(self)).parameters())

    def with_parameters_at_most(self, budget: int) -> "ModelSpec":
        """This spec at the largest width (at most its own) whose parameter count is within `budget`: how a
        baseline gets SIREN's parameter count."""
        low, high = 1, self.hidden_features
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if replace(self, hidden_features=mid).parameter_count() <= budget else (low, mid - 1)
        return replace(self, hidden_features=low)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ModelSpec":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def build_model(spec: ModelSpec) -> nn.Module:
    """Instantiate the model a spec describes (init drawn from torch's global RNG)."""
    s = spec.validate()
    common = dict(hidden_features=s.hidden_features, hidden_layers=s.hidden_layers)
    if s.name == "siren" and s.hypernet is not None:
        from .hyper import HyperSiren
        return HyperSiren(s.out_features, first_omega_0=s.first_omega_0, hidden_omega_0=s.hidden_omega_0,
                          **common, **s.hypernet)
    if s.name == "siren" and s.count is not None:
        from .batched import BatchedSiren
        return BatchedSiren(s.count, s.in_features, s.out_features, first_omega_0=s.first_omega_0,
                            hidden_omega_0=s.hidden_omega_0, implementation=s.implementation, **common)
    if s.name == "siren":
        return Siren(s.in_features, s.out_features, first_omega_0=s.first_omega_0,
                     hidden_omega_0=s.hidden_omega_0, implementation=s.implementation, **common)
    if s.name == "relu-pe":
        if s.num_frequencies is None:
            s.num_frequencies = nyquist_frequencies(s.samples or 256)
        enc = PositionalEncoding(s.in_features, s.num_frequencies)
        return MLP(s.in_features, s.out_features, activation="relu", encoding=enc, **common)
    if s.name == "fourier":
        enc = FourierFeatures(s.in_features, mapping_size=max(1, s.hidden_features // 2), scale=s.fourier_scale)
        return MLP(s.in_features, s.out_features, activation="relu", encoding=enc, **common)
    if s.name == "rbf":
        enc = RBFLayer(s.in_features, s.hidden_features, sigma=s.rbf_sigma)
        return MLP(s.in_features, s.out_features, activation="relu", encoding=enc, **common)
    return MLP(s.in_features, s.out_features, activation=s.name, **common)
