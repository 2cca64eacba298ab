"""A run folder: config.json, metrics.jsonl (per logged step), metrics.json (final), checkpoints, pictures."""
from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

from ..errors import TorchSirenError
from .checkpoint import CHECKPOINT_FILE, MODEL_FILE, temp_beside


def write_json(path: Path, data: dict) -> None:
    """JSON written atomically (temp file + rename)."""
    path = Path(path)
    fd, tmp = temp_beside(path)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(_finite(data), fh, indent=2, sort_keys=False, default=_jsonable, allow_nan=False)
        fh.write("\n")
    os.replace(tmp, path)


def _finite(value):
    """NaN and ±inf as null: JSON has no such numbers (Python would write NaN, which other readers reject)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class RunDir:
    """Paths and files of one run. `RunDir.create` makes a new one; `RunDir.open` checks an existing one."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def create(cls, path: str | Path | None, task: str, root: str | Path = "runs") -> "RunDir":
        if path is None:
            path = Path(root) / f"{task}-{time.strftime('%Y%m%d-%H%M%S')}"
            n = 1
            while path.exists():
                n += 1
                path = Path(f"{path}-{n}")
        if str(path).strip() == "":
            raise TorchSirenError("out is empty; give a folder for the run", "out")
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise TorchSirenError(f"out {path} is a file; give a folder", "out")
        if (path / "config.json").exists() and not (path / CHECKPOINT_FILE).exists() and not (path / MODEL_FILE).exists():
            (path / "config.json").unlink()  # a run stopped before its first checkpoint: nothing to keep
        if (path / "config.json").exists():
            raise TorchSirenError(f"{path} already holds a run; continue it with resume {path} or choose another out",
                                  "resume", "out")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TorchSirenError(f"cannot create run folder {path}: {exc.strerror}") from None
        return cls(path)._clean()

    @classmethod
    def open(cls, path: str | Path) -> "RunDir":
        path = Path(path)
        if not path.is_dir():
            raise TorchSirenError(f"{path} is not a folder; give a run folder made by torchsiren")
        run = cls(path)
        if not (path / "config.json").is_file():
            raise TorchSirenError(f"{path} is not a torchsiren run folder (no config.json)")
        return run._clean()

    def _clean(self) -> "RunDir":
        """Remove temp files that a killed write left behind (an atomic write renames its own on success)."""
        for tmp in self.path.glob("*.tmp"):
            tmp.unlink(missing_ok=True)
        return self

    def file(self, name: str) -> Path:
        return self.path / name

    @property
    def model_file(self) -> Path:
        return self.path / MODEL_FILE

    @property
    def checkpoint_file(self) -> Path:
        return self.path / CHECKPOINT_FILE

    def read_config(self) -> dict:
        try:
            return json.loads(self.file("config.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise TorchSirenError(f"{self.file('config.json')} is not valid JSON ({exc})") from None

    def write_config(self, config: dict) -> None:
        write_json(self.file("config.json"), config)

    def write_metrics(self, metrics: dict) -> None:
        write_json(self.file("metrics.json"), metrics)

    def read_history(self, up_to_step: int | None = None) -> list[dict]:
        path = self.file("metrics.jsonl")
        if not path.exists():
            return []
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [r for r in rows if up_to_step is None or r["step"] <= up_to_step]

    def write_history(self, rows: list[dict]) -> None:
        """Rewrite metrics.jsonl (on resume, to drop rows logged after the checkpoint)."""
        text = "".join(json.dumps(r) + "\n" for r in rows)
        path = self.file("metrics.jsonl")
        fd, tmp = temp_beside(path)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)

    def append_history(self, row: dict) -> None:
        with open(self.file("metrics.jsonl"), "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
