import json
import os
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest

from torchsiren.cli.main import main

FAST = ["--hidden-features", "32", "--hidden-layers", "1", "--quiet"]


def run_cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_fit_image_writes_a_complete_run_folder_then_resume_and_render(tmp_path, capsys):
    out = tmp_path / "run"
    code, stdout, _ = run_cli(capsys, "fit", "image", "--size", 32, "--steps", 20, "--log-every", 5,
                              "--device", "cpu", "--seed", 1, "--out", out, *FAST)
    assert code == 0, stdout
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("psnr", "ssim", "steps", "wall_time_s", "device"):
        assert key in metrics
    history = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert metrics["steps"] == 20 and [r["step"] for r in history] == [5, 10, 15, 20]
    assert metrics["psnr"] > history[0]["psnr"]
    for name in ("fit.png", "target.png", "gradient_fit.png", "gradient_target.png", "laplacian_fit.png",
                 "laplacian_target.png", "progress.png", "metrics.jsonl", "config.json", "model.safetensors",
                 "index.html"):
        assert (out / name).exists(), name
    page = (out / "index.html").read_text()
    assert "fit.png" in page and "progress.png" in page
    assert json.loads((out / "config.json").read_text())["model"]["hidden_features"] == 32

    code, _, _ = run_cli(capsys, "fit", "image", "--resume", out, "--steps", 30, "--quiet")
    assert code == 0
    assert json.loads((out / "metrics.json").read_text())["steps"] == 30

    code, _, _ = run_cli(capsys, "render", out, "--size", 80, "--device", "cpu")
    assert code == 0 and iio.imread(out / "render-80.png").shape == (80, 80)


def test_compare_writes_panel_and_table(tmp_path, capsys):
    code, stdout, _ = run_cli(capsys, "compare", "image", "--size", 24, "--steps", 10, "--models", "siren,relu-pe",
                              "--report-steps", "5,10", "--out", tmp_path / "cmp", *FAST)
    assert code == 0
    results = json.loads((tmp_path / "cmp" / "results.json").read_text())["results"]
    assert [r["model"] for r in results] == ["siren", "relu-pe"]
    assert all(r["psnr_at"]["5"] is not None and r["psnr_at"]["10"] is not None for r in results)
    assert (tmp_path / "cmp" / "comparison.png").exists() and "| siren |" in stdout


def _bad(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "notes.png").write_text("not an image")
    nan = np.ones((8, 8), np.float32)
    nan[2, 3] = np.nan
    iio.imwrite(tmp_path / "nan.tif", nan)
    (tmp_path / "notarun").mkdir()
    return tmp_path


@pytest.mark.parametrize("args,message", [
    (["fit", "image", "{t}/missing.png"], "no such file"),
    (["fit", "image", "{t}/empty.png"], "empty"),
    (["fit", "image", "{t}/notes.png"], "not a readable image"),
    (["fit", "image", "{t}/nan.tif"], "NaN"),
    (["fit", "image", "--size", "0"], "--size must be > 0"),
    (["fit", "image", "--size", "-3"], "--size must be > 0"),
    (["fit", "image", "--steps", "0"], "steps must be > 0"),
    (["fit", "image", "--target-psnr=-5"], "target-psnr must be a finite number of dB > 0"),
    (["fit", "image", "--lr=-1e-4"], "--lr must be a number"),
    (["fit", "image", "--first-omega", "0"], "omega_0 must be > 0"),
    (["fit", "image", "--hidden-omega", "-30"], "omega_0 must be > 0"),
    (["fit", "image", "--resume", "{t}/notarun"], "not a torchsiren run folder"),
    (["fit", "image", "--resume", "{t}/nowhere"], "not a folder"),
    (["render", "{t}/notarun", "--size", "8"], "not a torchsiren run folder"),
])
def test_user_mistakes_get_one_line_and_nonzero_exit(tmp_path, capsys, args, message):
    _bad(tmp_path)
    code, _, err = run_cli(capsys, *[a.format(t=tmp_path) for a in args], "--out", tmp_path / "o", "--quiet") \
        if args[0] == "fit" else run_cli(capsys, *[a.format(t=tmp_path) for a in args])
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err


def test_resume_keeps_the_run_own_options_and_applies_the_changeable_ones(tmp_path, capsys):
    out = tmp_path / "run"
    assert run_cli(capsys, "fit", "image", "--size", 16, "--steps", 4, "--out", out, *FAST)[0] == 0
    code, _, err = run_cli(capsys, "fit", "image", "--resume", out, "--steps", 6, "--size", 24, "--quiet")
    assert code != 0 and "trained with --size 16" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli(capsys, "fit", "image", "--resume", out, "--steps", 6, "--hidden-features", 64, "--quiet")
    assert code != 0 and "--hidden-features 32" in err
    code, _, err = run_cli(capsys, "fit", "image", "--resume", out, "--steps", 6, "--lr", 5e-4, "--grad-clip", 1,
                           "--quiet")
    assert code == 0, err
    config = json.loads((out / "config.json").read_text())
    assert config["train"]["lr"] == 5e-4 and config["train"]["grad_clip"] == 1 and config["train"]["steps"] == 6


def test_checkpoint_that_does_not_match_the_config(tmp_path, capsys):
    out = tmp_path / "run"
    assert run_cli(capsys, "fit", "image", "--size", 16, "--steps", 4, "--out", out, *FAST)[0] == 0
    config = json.loads((out / "config.json").read_text())
    config["model"]["hidden_features"] = 48
    (out / "config.json").write_text(json.dumps(config))
    code, _, err = run_cli(capsys, "fit", "image", "--resume", out, "--steps", 8, "--quiet")
    assert code != 0 and "does not match" in err and len(err.strip().splitlines()) == 1


def test_cuda_without_a_gpu(monkeypatch, capsys):
    import torch
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    code, _, err = run_cli(capsys, "fit", "image", "--device", "cuda")
    assert code != 0 and "no CUDA GPU" in err


def test_no_traceback_from_the_installed_command(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "torchsiren.cli.main", "fit", "image", str(tmp_path / "x.png")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"torchsiren: error: no such file: {tmp_path / 'x.png'}"
    proc = subprocess.run([sys.executable, "-m", "torchsiren.cli.main", "fit", "image", "--model", "bogus"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_the_program_exits_with_its_output_flushed_and_exit_handlers_run(tmp_path):
    """The quick exit after main() (no module teardown) still runs atexit handlers and flushes piped output."""
    marker, out = tmp_path / "atexit-ran", tmp_path / "run"
    code = (f"import atexit, pathlib, sys\natexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')\n"
            "atexit.register(sys.stdout.write, 'goodbye')\n"
            "from torchsiren.cli.main import run\nsys.argv[1:] = ['fit', 'image', '--size', '16', '--steps', '2', "
            f"'--device', 'cpu', '--quiet', '--hidden-features', '16', '--out', {str(out)!r}]\nrun()")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # piped output held in a buffer
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "done: psnr" in proc.stdout and proc.stdout.endswith("goodbye") and marker.read_text() == "yes"
    assert (out / "index.html").exists() and (out / "model.safetensors").exists()


def test_fit_image_stops_at_a_target_psnr_and_says_where_the_time_went(tmp_path, capsys):
    out = tmp_path / "run"
    code, stdout, err = run_cli(capsys, "fit", "image", "--size", 32, "--steps", 500, "--target-psnr", 28,
                                "--log-every", 10, "--hidden-features", 32, "--device", "cpu", "--quiet", "--out", out)
    assert code == 0, err
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["steps"] == metrics["reached_target_at_step"] < 500 and metrics["psnr"] >= 28
    t = metrics["timings"]
    assert set(t) >= {"import_s", "setup_s", "model_s", "prepare_s", "training_s", "first_step_s", "evaluation_s",
                      "checkpoint_s", "report_s", "process_s"}
    assert 0 < t["first_step_s"] <= t["training_s"] and t["evaluation_s"] < t["training_s"]
    assert t["process_s"] >= t["import_s"] + t["prepare_s"] + t["training_s"] + t["report_s"]


def test_loading_warnings_are_relayed_once_and_deprecations_are_not(capsys):
    import warnings
    from torchsiren.cli.common import relayed_warnings
    with relayed_warnings():
        for _ in range(3):
            warnings.warn("skipped 2 unreadable file(s) in imgs")
            warnings.warn("Setting the shape on a NumPy array has been deprecated", DeprecationWarning)
    assert capsys.readouterr().out == "warning: skipped 2 unreadable file(s) in imgs\n"


def test_each_command_parses_with_only_its_own_module():
    """build_parser(argv) imports one command's module: COMMANDS must name every command and its module."""
    import argparse
    from torchsiren.cli.main import COMMANDS, build_parser

    def commands(parser):
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return action.choices

    assert set(commands(build_parser())) == set(COMMANDS)
    for name, module in COMMANDS.items():
        own = commands(build_parser(["--quiet", name, "x"]))
        assert name in own
        assert all(COMMANDS[other] == module for other in own)
