"""Bad input and faults: one line saying what is wrong and how to fix it, a non-zero exit, no traceback, nothing
lost or left half-written."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import torchsiren as ts

from .test_cli import FAST, run_cli

TINY = ["--size", "16", "--steps", "2", *FAST]


@pytest.mark.parametrize("args,message", [
    (["fit", "image", "--size", "100000", "--steps", "2"], "needs about"),  # would run the machine out of memory
    (["fit", "image", *TINY, "--seed", "99999999999999999999"], "--seed must be a whole number"),
    (["fit", "image", *TINY, "--lr", "1e38"], "--lr must be a number in (0, 10]"),
    (["fit", "image", *TINY, "--lr", "inf"], "--lr must be a number"),
    (["fit", "image", *TINY, "--out", ""], "--out is empty"),
    (["fit", "image", *TINY, "--precision", "fp16", "--device", "cpu"], "needs a CUDA GPU"),
    (["wave", "--t-max", "inf"], "--t-max must be a finite number"),
    (["helmholtz-inverse", "--medium-warmup", "100", "--steps", "2", "--points", "64"], "no step to move"),
    (["compare", "image", "--models", "siren,siren", *TINY], "twice"),
    (["bench", "--quick", "--out", "{t}"], "is a folder"),
    (["render", "{t}/run", "--size", "8", "--out", "{t}"], "is a folder"),
    (["render", "{t}/run", "--size", "8", "--out", "{t}/missing/x.png"], "does not exist"),
    (["render", "{t}/run", "--size", "8", "--out", "{t}/notes.txt"], "must end in .png"),
    (["render", "{t}/run", "--size", "8", "--out", "{t}/x.xyz"], "must end in .png"),
])
def test_mistakes_get_one_line(tmp_path, capsys, args, message):
    assert run_cli(capsys, "fit", "image", "--out", tmp_path / "run", *TINY)[0] == 0
    (tmp_path / "notes.txt").write_text("keep me")
    code, _, err = run_cli(capsys, *[a.format(t=tmp_path) for a in args])
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_a_folder_without_a_checkpoint_is_reused_and_temp_files_are_cleaned(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "config.json").write_text("{}")  # a run stopped before its first checkpoint
    (out / "checkpoint.safetensors.abc.tmp").write_bytes(b"half a write")  # kill -9 during a write
    assert run_cli(capsys, "fit", "image", "--out", out, *TINY)[0] == 0
    assert not list(out.glob("*.tmp")) and (out / "checkpoint.safetensors").exists()


def test_metrics_json_is_valid_json_for_a_one_pixel_wide_image(tmp_path, capsys):
    import imageio.v3 as iio
    iio.imwrite(tmp_path / "line.png", (np.random.default_rng(0).random((20, 1)) * 255).astype(np.uint8))
    assert run_cli(capsys, "fit", "image", tmp_path / "line.png", "--out", tmp_path / "r", *TINY)[0] == 0
    text = (tmp_path / "r" / "metrics.json").read_text()
    assert "NaN" not in text and json.loads(text)["ssim"] is None


def test_run_files_get_the_user_umask_and_load_back(tmp_path, capsys):
    old = os.umask(0o022)
    try:
        assert run_cli(capsys, "fit", "image", "--out", tmp_path / "r", *TINY)[0] == 0
    finally:
        os.umask(old)
    for name in ("config.json", "metrics.json", "model.safetensors", "checkpoint.safetensors"):
        assert (tmp_path / "r" / name).stat().st_mode & 0o777 == 0o644, name
    model, config = ts.load_run(tmp_path / "r")
    assert config["task"] == "fit-image" and not model.training
    assert model(ts.grid((4, 4))).shape == (16, 1)


def _default_signals() -> None:
    """A shell's background job ignores SIGINT, and its children inherit that: restore what a terminal gives."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cli(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "torchsiren.cli.main", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_default_signals, **kw)


def test_ctrl_c_while_starting_is_one_line(tmp_path):
    proc = _cli("fit", "image", "--size", "16", "--steps", "2", "--device", "cpu", "--out", tmp_path / "r")
    time.sleep(0.3)  # inside the imports
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err and proc.returncode == 130, (proc.returncode, err)


def test_sigterm_saves_a_checkpoint_and_the_run_resumes(tmp_path):
    out = tmp_path / "r"
    proc = _cli("fit", "image", "--size", "16", "--steps", "100000", "--log-every", "50", "--checkpoint-every",
                "1000000", "--device", "cpu", "--out", out, *FAST[:4])
    deadline = time.time() + 120
    while not (out / "metrics.jsonl").exists() and time.time() < deadline:  # training has started
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "resume with --resume" in err and "Traceback" not in err, err
    done = json.loads((out / "config.json").read_text())
    assert (out / "checkpoint.safetensors").exists() and done["train"]["steps"] == 100000
