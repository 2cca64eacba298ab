"""`torchsiren hypernet train DATA --steps N --device … --seed S --out RUN` and `hypernet eval RUN --data …
--out DIR` → DIR/metrics.json with mse_context_10/100/1000 and the two baselines beside them; bad input refused."""
import json

import imageio.v3 as iio
import numpy as np

from torchsiren.data.collection import bundled_faces
from .test_cli import run_cli


def test_train_resume_and_eval_on_a_folder(tmp_path, capsys):
    faces = (bundled_faces(split="all")[:12] * 255).astype(np.uint8)
    folder = tmp_path / "faces"
    folder.mkdir()
    for i, face in enumerate(faces):
        iio.imwrite(folder / f"{i}.png", face)
    run = tmp_path / "run"
    args = ("hypernet", "train", folder, "--hidden-features", 16, "--latent-dim", 16, "--batch-size", 4,
            "--device", "cpu", "--seed", 1, "--quiet", "--out", run)
    code, stdout, err = run_cli(capsys, *args, "--steps", 10)
    assert code == 0, err
    code, stdout, err = run_cli(capsys, "hypernet", "train", "--resume", run, "--steps", 20, "--quiet")
    assert code == 0 and "from step 10 to 20" in stdout, err
    code, _, err = run_cli(capsys, "hypernet", "eval", run, "--device", "cpu")
    assert code == 2 and "--data" in err  # trained on a folder: say which images to inpaint
    code, stdout, err = run_cli(capsys, "hypernet", "eval", run, "--data", folder, "--device", "cpu",
                                "--out", tmp_path / "eval")
    assert code == 0, err
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    for k in ("10", "100", "1000", "half"):
        for suffix in ("", "_refined", "_mean_image", "_nearest_pixel"):
            assert 0 <= metrics[f"mse_context_{k}{suffix}"] < 0.5
    assert metrics["count"] == 12 and "| 100 |" in stdout and "refined" in stdout
    assert metrics["mse_context_1000_nearest_pixel"] < metrics["mse_context_10_nearest_pixel"]
    assert (tmp_path / "eval" / "inpainting_100.png").exists() and (tmp_path / "eval" / "interpolation.png").exists()


def test_bad_input(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run_cli(capsys, "hypernet", "train", empty, "--steps", 1, "--device", "cpu")
    assert code == 2 and "holds no readable images" in err
    code, _, err = run_cli(capsys, "hypernet", "train", "faces", "--size", 8, "--context", "10,100", "--steps", 1,
                           "--device", "cpu")
    assert code == 2 and "more than a 8x8 image has" in err and "Traceback" not in err
    code, _, err = run_cli(capsys, "hypernet", "train", "faces", "--context", "ten", "--steps", 1, "--device", "cpu")
    assert code == 2 and "LOW,HIGH" in err
    run = tmp_path / "many"
    assert run_cli(capsys, "fit-many", "--count", 2, "--steps", 2, "--hidden-features", 8, "--device", "cpu",
                   "--quiet", "--out", run)[0] == 0
    code, _, err = run_cli(capsys, "hypernet", "eval", run, "--device", "cpu")
    assert code == 2 and "not a hypernetwork" in err
    code, _, err = run_cli(capsys, "hypernet", "eval", run, "--refine-steps", -1, "--device", "cpu")
    assert code == 2 and "--refine-steps must be >= 0" in err and len(err.strip().splitlines()) == 1
