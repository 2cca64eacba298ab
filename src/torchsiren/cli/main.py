"""`torchsiren` command line: one module per command; user mistakes become one line on stderr and exit 2."""
from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import re
import signal
import sys
import threading
import time

_STARTED = [time.perf_counter()]  # the command's clock: from here (before torch is imported); later calls of main()
# in the same process start their own

from ..errors import TorchSirenError, TrainingInterrupted


# the module of cli/ that defines each command, in the order `--help` lists them
COMMANDS = {"fit": "fit", "fit-many": "many", "hypernet": "hypernet", "render": "render", "compare": "compare",
            "poisson": "poisson", "poisson-edit": "poisson", "helmholtz": "pde", "helmholtz-inverse": "pde",
            "fwi": "pde", "wave": "pde", "mesh": "shape", "evaluate-mesh": "shape", "bench": "bench",
            "convert": "convert"}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given the command line, only its command's module is imported (the others' imports cost a
    few tenths of a second), else every command is defined (for --help and misspelled commands)."""
    import importlib
    from .common import Parser
    parser = Parser(prog="torchsiren", description="Sine-activated implicit neural representations (SIREN).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    command = next((token for token in argv or () if not token.startswith("-")), None)
    for name in [COMMANDS[command]] if command in COMMANDS else dict.fromkeys(COMMANDS.values()):
        importlib.import_module(f".{name}", __package__).add_parser(sub)
    _name_flags(parser)
    return parser


def _name_flags(parser: argparse.ArgumentParser) -> None:
    """Give every (sub)command a `flags` default: the library's argument names as the user wrote them."""
    flags = {a.dest: a.option_strings[-1] if a.option_strings else a.dest.upper() for a in parser._actions}
    parser.set_defaults(flags=flags)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _name_flags(child)


@contextlib.contextmanager
def _deferred_interrupt():
    """Hold Ctrl-C back while the commands' modules import (an interrupt inside torch's or NumPy's import can
    surface as another error, with a traceback); the list it yields is non-empty if one came."""
    interrupted: list[bool] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
    except ValueError:  # not the main thread
        previous = None
    try:
        yield interrupted
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _given(argv: list[str], args: argparse.Namespace) -> set[str]:
    """The options (dests) written on the command line, positionals included when they have a value."""
    dest_of = {flag: dest for dest, flag in args.flags.items()}
    given = {dest_of[token.split("=")[0]] for token in argv if token.split("=")[0] in dest_of}
    return given | {dest for dest, flag in args.flags.items()
                    if flag == dest.upper() and getattr(args, dest, None) is not None}


def in_flags(exc: TorchSirenError, flags: dict[str, str]) -> str:
    """The error's message with the library's argument names (exc.params) said as this command's flags."""
    message = str(exc)
    for param in getattr(exc, "params", ()):
        if param in flags:
            message = re.sub(rf"(?<![\w-]){re.escape(param)}\b", flags[param], message)
    return message


def main(argv: list[str] | None = None) -> int:
    started = _STARTED.pop() if _STARTED else time.perf_counter()
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    with _deferred_interrupt() as interrupted:  # importing torch takes a second or two
        parser = build_parser(argv)
    if interrupted:
        sys.stderr.write("torchsiren: interrupted\n")
        return 130
    args = parser.parse_args(argv)
    args.clock = {"started": started, "import_s": time.perf_counter() - started}
    try:
        if getattr(args, "resume", None):
            from .common import restore_options
            restore_options(args, _given(argv, args))
        return args.handler(args)
    except TrainingInterrupted as exc:
        sys.stderr.write(f"torchsiren: {in_flags(exc, args.flags)}\n")
        return 130
    except TorchSirenError as exc:
        sys.stderr.write(f"torchsiren: error: {in_flags(exc, args.flags)}\n")
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


def run() -> None:
    """The `torchsiren` program: main(), then a quick exit. When main() returns, every file of the run is written
    and closed, so the exit runs what libraries registered for it (atexit), flushes the output, and skips tearing
    down the interpreter's modules, which takes torch's 0.6 s on 2 CPU cores. With another thread still running,
    a torch.distributed group still open, or no atexit runner in this Python, it exits the usual way."""
    code = main()
    dist = sys.modules.get("torch.distributed")
    busy = any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread())
    if busy or (dist is not None and dist.is_available() and dist.is_initialized()) \
            or not hasattr(atexit, "_run_exitfuncs"):
        sys.exit(code)
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
