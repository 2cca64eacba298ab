"""`torchsiren` command line: one module per command; user mistakes become one line on stderr and exit 2."""
from __future__ import annotations

import sys

from ..errors import TorchSirenError, TrainingInterrupted
from . import bench, compare, fit, pde, poisson, render
from .common import Parser


def build_parser() -> Parser:
    parser = Parser(prog="torchsiren", description="Sine-activated implicit neural representations (SIREN).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for module in (fit, render, compare, poisson, pde, bench):
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except TrainingInterrupted as exc:
        sys.stderr.write(f"torchsiren: {exc}\n")
        return 130
    except TorchSirenError as exc:
        sys.stderr.write(f"torchsiren: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("torchsiren: interrupted\n")
        return 130
    except MemoryError:
        sys.stderr.write("torchsiren: error: out of memory; use a smaller --size or --batch-size\n")
        return 2
    except RuntimeError as exc:  # a CUDA OOM is a setting the user can change; anything else is our bug
        if type(exc).__name__ == "OutOfMemoryError":
            sys.stderr.write("torchsiren: error: GPU out of memory; use a smaller --size or --batch-size\n")
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
