"""What the row × column Triton passes share (stack.py's chain, gradient.py's down pass): a program's tile of an
(M, N) row-major tensor, the tile configs their autotuners try, the launch (a fixed small tile under
Triton's CPU interpreter, which cannot autotune), and per-shape choices kept between processes."""
from __future__ import annotations

import functools
import inspect
import json
import os
import tempfile
from pathlib import Path

try:
    import triton
    import triton.language as tl
except ImportError:  # pragma: no cover - dispatch never calls in without Triton
    triton = None

from .dispatch import interpreting

if triton is not None:
    @triton.jit
    def tile(M, N, WIDE: tl.constexpr, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
        """This program's rows and columns, their masks, and the row-major offsets and mask of the tile; WIDE:
        64-bit offsets (past 2³¹ elements)."""
        rows = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
        if WIDE:
            rows = rows.to(tl.int64)
        cols = tl.program_id(1) * BLOCK_N + tl.arange(0, BLOCK_N)
        row_ok, col_ok = rows < M, cols < N
        return rows, cols, row_ok, col_ok, rows[:, None] * N + cols[None, :], row_ok[:, None] & col_ok[None, :]

    # memory-bound passes over N × 256-ish tensors: a few shapes, so first-call autotuning stays short
    CONFIGS = [triton.Config({"BLOCK_M": m, "BLOCK_N": n}, num_warps=w)
               for m, n, w in ((64, 64, 4), (128, 64, 4), (32, 256, 8), (64, 256, 8))]


def autotune(configs: list, key: list[str], **kwargs):
    """`triton.autotune` whose choices persist in Triton's cache folder (`TRITON_CACHE_DIR`, keyed by GPU, kernel
    and shape), so that a second process on the same machine starts without tuning again. With the environment
    variable `TORCHSIREN_AUTOTUNE=0` the first config is taken untried: every kernel compiles once per shape,
    which is what a test run wants (results are the same, only speed differs)."""
    if os.environ.get("TORCHSIREN_AUTOTUNE", "1") == "0":
        configs = configs[:1]
    if "cache_results" in inspect.signature(triton.autotune).parameters:
        kwargs["cache_results"] = True
    return triton.autotune(configs, key=key, **kwargs)


@functools.lru_cache(maxsize=None)
def gpu_name(index: int | None) -> str:
    """The CUDA device's model name (cached: asked on every launch that looks up a choice)."""
    import torch
    return torch.cuda.get_device_name(index)


class Choices:
    """Per-shape choices of a layer's faster form ("fused" or "split"), timed once and kept in a JSON file in
    Triton's cache folder (one file per GPU model and Triton version), so that a new process does not time them
    again. A folder that cannot be written only costs the timing in the next process."""

    def __init__(self, name: str):
        self.name = name
        self._by_device: dict[str, dict[str, str]] = {}  # as on disk: repr(key) -> form
        self._seen: dict[tuple, str] = {}  # (device, key) -> form: the per-launch lookup, no repr

    def _file(self, device_name: str) -> Path:
        knobs = getattr(triton, "knobs", None)  # Triton >= 3.4: its cache folder, TRITON_CACHE_DIR included
        folder = knobs.cache.dir if knobs is not None else \
            os.environ.get("TRITON_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".triton", "cache")
        tag = "".join(c if c.isalnum() else "-" for c in device_name)
        return Path(folder) / "torchsiren" / f"{self.name}-{tag}-triton{triton.__version__}.json"

    def _table(self, device_name: str) -> dict[str, str]:
        if device_name not in self._by_device:
            try:
                table = json.loads(self._file(device_name).read_text())
                self._by_device[device_name] = table if isinstance(table, dict) else {}
            except (OSError, ValueError):
                self._by_device[device_name] = {}
        return self._by_device[device_name]

    def get(self, device_name: str, key: tuple) -> str | None:
        form = self._seen.get((device_name, key))
        if form is None:
            form = self._table(device_name).get(repr(key))
            if form is not None:
                self._seen[(device_name, key)] = form
        return form

    def set(self, device_name: str, key: tuple, value: str) -> None:
        self._seen[(device_name, key)] = value
        table = self._table(device_name)
        table[repr(key)] = value
        path = self._file(device_name)
        try:  # whole file or nothing: written beside it, then renamed
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False) as f:
                json.dump(table, f, indent=0, sort_keys=True)
            os.replace(f.name, path)
        except OSError:
            pass


def launch(kernel, tuned, m: int, n: int, *args, **flags) -> None:
    """Run `kernel` over an (m, n) grid of tiles: autotuned (`tuned`) on a GPU, one 32 × 32 tile size in the
    interpreter."""
    if interpreting():
        kernel[(triton.cdiv(m, 32), triton.cdiv(n, 32))](*args, **flags, BLOCK_M=32, BLOCK_N=32)
    else:
        grid = lambda meta: (triton.cdiv(m, meta["BLOCK_M"]), triton.cdiv(n, meta["BLOCK_N"]))  # noqa: E731
        tuned[grid](*args, **flags)
