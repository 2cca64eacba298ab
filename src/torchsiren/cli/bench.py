"""`torchsiren bench`: torchsiren against reference-style eager code, same process; JSON + markdown table."""
from __future__ import annotations

import argparse
import platform

import torch

from ..device import DEVICES, device_name, resolve_device
from ..errors import TorchSirenError
from ..kernels.dispatch import PRECISIONS
from ..training import write_json
from .common import output_file, positive_int


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..bench import WORKLOADS
    p = sub.add_parser("bench", help="time torchsiren against reference-style eager PyTorch")
    p.add_argument("--workload", nargs="+", default=None, metavar="NAME",
                   help=f"workloads (default all): {', '.join(WORKLOADS)}")
    p.add_argument("--steps", type=int, default=None, help="steps for the quality check (default 2000, quick 50)")
    p.add_argument("--repeats", type=int, default=10, help="timed repetitions per workload (median reported)")
    p.add_argument("--quick", action="store_true", help="small sizes (for CPUs and CI)")
    p.add_argument("--device", default="auto", choices=DEVICES)
    p.add_argument("--precision", default=None, choices=PRECISIONS,
                   help="torchsiren's matmul operands (default tf32 on CUDA, fp32 on CPU; fp16: the fused stack on fp16 "
                        "operands, CUDA); the reference runs fp32")
    p.add_argument("--out", required=True, help="JSON file; a markdown table is written beside it")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..bench import WORKLOADS, run_benchmarks
    names = args.workload or list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        raise TorchSirenError(f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}")
    positive_int("--steps", args.steps)
    positive_int("--repeats", args.repeats)
    out = output_file(args.out, "--out", (".json",))
    device = resolve_device(args.device)
    steps = args.steps or (50 if args.quick else 2000)
    precision = args.precision or ("tf32" if device.type == "cuda" else "fp32")
    rows = run_benchmarks(names, device, args.quick, steps, args.repeats, precision=precision)
    meta = {"device": device_name(device), "torch": torch.__version__, "python": platform.python_version(),
            "quick": args.quick, "steps": steps, "precision": precision, "triton": _triton_version()}
    write_json(out, meta | {"workloads": rows})
    table = ["| workload | size | reference ms | torchsiren ms | speedup | TFLOP/s | of floor | peak MB | quality |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        q = ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in r["quality"].items()
                      if k != "measure")
        extra = " | ".join(f"{r[k]:.3g}" if k in r else "–" for k in ("tflops", "fraction_of_floor", "peak_memory_mb"))
        table.append(f"| {r['workload']} | {r['size']} | {r['reference_ms']:.2f} | {r['torchsiren_ms']:.2f} | "
                     f"{r['speedup']:.2f}× | {extra} | {q} |")
    text = (f"{meta['device']}, torch {meta['torch']}, Triton {meta['triton']}, torchsiren matmuls {precision}"
            f"{' (quick sizes)' if args.quick else ''}\n\n" + "\n".join(table))
    out.with_suffix(".md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def _triton_version() -> str | None:
    from ..kernels import triton_available
    if not triton_available():
        return None
    import triton
    return triton.__version__
