"""`torchsiren fit-many FOLDER --steps N --device … --out DIR` → DIR/metrics.json with psnr_mean, count and
signal_steps_per_second; every SIREN's weights in one file; each image's PSNR in signals.csv."""
import json

import imageio.v3 as iio
import numpy as np
import pytest
import torch

from torchsiren import load_run
from torchsiren.data.collection import bundled_patches
from .test_cli import run_cli


def test_fit_many_on_a_folder(tmp_path, capsys):
    tiles = (bundled_patches(split="test")[:5] * 255).astype(np.uint8)
    folder = tmp_path / "imgs"
    folder.mkdir()
    for i, tile in enumerate(tiles):
        iio.imwrite(folder / f"{i}.png", tile)
    iio.imwrite(folder / "big.png", np.repeat(np.repeat(tiles[0], 2, 0), 2, 1))  # 64²: resized, with a note
    (folder / "broken.png").write_bytes(b"not a png")  # skipped, counted
    out = tmp_path / "run"
    code, stdout, err = run_cli(capsys, "fit-many", folder, "--steps", 150, "--hidden-features", 32, "--device",
                                "cpu", "--quiet", "--out", out)
    assert code == 0, err
    assert "skipped 1 unreadable" in stdout and "resized" in stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["count"] == 6 and metrics["psnr_mean"] > 30 and metrics["signal_steps_per_second"] > 0, metrics
    assert metrics["signals_to_target_per_second"] == pytest.approx(6 / metrics["all_reached_target_s"])
    rows = (out / "signals.csv").read_text().splitlines()
    assert rows[0] == "index,name,psnr" and len(rows) == 7 and rows[1].split(",")[1] == "0.png"
    model, config = load_run(out)  # the weights of all six SIRENs, and one of them back as a plain Siren
    assert config["model"]["count"] == 6 and model.weights[0].shape[0] == 6
    one = model.member(5)
    coords = torch.rand(10, 2) * 2 - 1
    torch.testing.assert_close(one(coords), model(coords)[5])
    assert (out / "fits.png").exists() and (out / "index.html").exists()
    code, stdout, err = run_cli(capsys, "render", out, "--member", 5, "--size", 96, "--device", "cpu")
    assert code == 0, err
    big = iio.imread(out / "render-5-96.png")  # image 5 at three times its size, close to the image itself
    assert big.shape == (96, 96, 3) and abs(big[1::3, 1::3].astype(float) - tiles[0]).mean() < 8
    code, _, err = run_cli(capsys, "render", out, "--size", 96, "--device", "cpu")
    assert code == 2 and "--member I (0 to 5)" in err
    code, stdout, err = run_cli(capsys, "fit-many", "--resume", out, "--steps", 160, "--quiet")  # the folder kept
    assert code == 0 and "from step 150 to 160" in stdout, err


def test_fit_many_refuses_what_it_cannot_fit(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    for args, message in [([tmp_path / "empty"], "no readable images"), ([tmp_path / "nope"], "not a folder"),
                          (["patches", "--count", 0], "--count"),
                          (["patches", "--target-psnr", "nan"], "--target-psnr")]:
        code, _, err = run_cli(capsys, "fit-many", *args, "--steps", 2, "--device", "cpu", "--out", tmp_path / "r")
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err


def test_fit_many_stops_when_every_image_reached_the_target(tmp_path, capsys):
    out = tmp_path / "run"
    code, stdout, err = run_cli(capsys, "fit-many", "--count", 4, "--steps", 300, "--hidden-features", 32,
                                "--target-psnr", 25, "--stop-at-target", "--log-every", 5, "--device", "cpu",
                                "--quiet", "--out", out)
    assert code == 0, err
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["steps"] == metrics["reached_target_at_step"] < 300 and metrics["psnr_min"] >= 25, metrics
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert all(row["psnr_min"] < 25 for row in rows[:-1])
