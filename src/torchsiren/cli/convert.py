"""`torchsiren convert IN OUT --source authors|siren-pytorch`: other SIREN code's weights as a torchsiren Siren."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from ..errors import TorchSirenError
from ..models.convert import SOURCES, convert_state_dict
from ..training.checkpoint import atomic_save


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("convert", help="convert the authors' or siren-pytorch's weights to a torchsiren Siren")
    p.add_argument("input", help="a state dict saved with torch.save (.pth/.pt) or as safetensors")
    p.add_argument("output", help="the converted weights (.safetensors; the Siren arguments in its metadata)")
    p.add_argument("--source", required=True, choices=SOURCES, help="the layout of INPUT")
    p.add_argument("--hidden-omega", type=float, default=None,
                   help="the hidden layers' ω₀ if not the source's default (authors 30, siren-pytorch 1)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    source, out = Path(args.input), Path(args.output)
    if not source.is_file():
        raise TorchSirenError(f"no file {source}")
    if out.suffix != ".safetensors":
        raise TorchSirenError(f"the output is a safetensors file; name it *.safetensors, not {out.name!r}")
    if not out.parent.is_dir():
        raise TorchSirenError(f"folder {out.parent} does not exist; create it or choose another output")
    state = _read_state_dict(source)
    converted, kwargs = convert_state_dict(state, args.source, hidden_omega_0=args.hidden_omega)
    atomic_save(converted, out, metadata={"siren": json.dumps(kwargs)})
    print(f"wrote {out}: Siren({', '.join(f'{k}={v}' for k, v in kwargs.items())})")
    return 0


def _read_state_dict(path: Path) -> dict[str, torch.Tensor]:
    """Tensors only (weights_only: loading runs no code from the file); a model's state dict or a checkpoint
    that holds one under 'model' / 'state_dict'."""
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file
        return load_file(str(path))
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise TorchSirenError(f"{path} is not a readable torch state dict ({type(exc).__name__})") from None
    for key in ("model", "state_dict", "model_state_dict"):
        if isinstance(data, dict) and isinstance(data.get(key), dict):
            data = data[key]
    if not isinstance(data, dict) or not all(isinstance(v, torch.Tensor) for v in data.values()):
        raise TorchSirenError(f"{path} holds no state dict of tensors")
    return data
