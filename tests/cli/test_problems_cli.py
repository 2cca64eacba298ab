import json

import imageio.v3 as iio
import numpy as np
import pytest
from skimage import data


from .test_cli import FAST, run_cli


def test_poisson_reports_aligned_psnr(tmp_path, capsys):
    out = tmp_path / "p"
    code, _, _ = run_cli(capsys, "poisson", "--from", "gradient", "--size", 24, "--steps", 10, "--device", "cpu",
                         "--out", out, *FAST)
    metrics = json.loads((out / "metrics.json").read_text())
    assert code == 0 and "psnr" in metrics and "scale and offset" in metrics["alignment"]
    assert (out / "reconstruction.png").exists() and (out / "laplacian_fit.png").exists()


@pytest.fixture
def pair(tmp_path):
    iio.imwrite(tmp_path / "bg.png", data.camera()[::8, ::8])
    iio.imwrite(tmp_path / "fg.png", data.moon()[::8, ::8])
    iio.imwrite(tmp_path / "small.png", data.moon()[::16, ::16])
    iio.imwrite(tmp_path / "nomask.png", np.zeros((64, 64), np.uint8))
    return tmp_path


def test_poisson_edit_writes_composite_and_copy_paste(pair, capsys):
    code, _, err = run_cli(capsys, "poisson-edit", pair / "bg.png", pair / "fg.png", "--box", "0.3,0.3,0.7,0.7",
                           "--steps", 5, "--size", 32, "--out", pair / "e", *FAST)
    assert code == 0, err
    assert (pair / "e" / "composite.png").exists() and (pair / "e" / "naive.png").exists()


@pytest.mark.parametrize("args,message", [
    (["poisson-edit", "{t}/bg.png", "{t}/small.png"], "same size"),
    (["poisson-edit", "{t}/bg.png", "{t}/fg.png", "--mask", "{t}/nomask.png"], "selects no pixel"),
    (["poisson-edit", "{t}/bg.png", "{t}/fg.png", "--box", "0.5,0.5,1.5,0.9"], "outside the background"),
    (["poisson-edit", "{t}/bg.png", "{t}/fg.png", "--box", "a,b"], "four fractions"),
    (["poisson", "{t}/missing.png"], "no such file"),
    (["helmholtz", "--wavenumber", "0"], "--wavenumber must be a finite number > 0"),
    (["helmholtz", "--wavenumber=-3"], "--wavenumber must be a finite number > 0"),
    (["helmholtz", "--velocity", "square", "--inclusion-velocity", "0"], "velocity must be a finite number > 0"),
    (["helmholtz", "--pml-width", "1.5"], "--pml-width 1.5 leaves no domain"),
    (["helmholtz", "--source", "1,2,3"], "--source takes X,Y"),
    (["helmholtz", "--source", "0.7,0"], "lies in the PML"),
    (["helmholtz", "--velocity", "square", "--flux-weight", "1", "--source=-0.32,0"], "cannot apply"),
    (["helmholtz-inverse", "--sources", "0"], "sources"),
    (["helmholtz-inverse", "--inclusion-velocity", "0"], "velocity must be a finite number > 0"),
    (["wave", "--velocity", "0"], "velocity must be a finite number > 0"),
    (["wave", "--velocity=-1"], "velocity must be a finite number > 0"),
    (["wave", "--velocity", "inf"], "--velocity must be a finite number > 0"),
    (["wave", "--velocity", "1e6"], "grid updates for its finite-difference reference"),
    (["helmholtz-inverse", "--sources", "1000"], "use --sources <= 64"),
    (["fwi", "--nodes", "8"], "--nodes must be in [16, 1024]"),
    (["fwi", "--low-wavenumbers", "5,30"], "--low-wavenumbers must rise"),
    (["fwi", "--low-wavenumbers", "five"], "--low-wavenumbers takes"),
    (["fwi", "--steps", "10", "--stage-steps", "5"], "leave --wavenumber no step"),
])
def test_problem_mistakes_get_one_line(pair, capsys, args, message):
    code, _, err = run_cli(capsys, *[a.format(t=pair) for a in args], "--out", pair / "o", "--quiet")
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message.lower() in lines[0].lower(), err


def test_helmholtz_and_wave_runs_write_their_pictures(tmp_path, capsys):
    code, _, err = run_cli(capsys, "helmholtz", "--steps", 3, "--points", 256, "--out", tmp_path / "h", *FAST)
    assert code == 0, err
    metrics = json.loads((tmp_path / "h" / "metrics.json").read_text())
    assert np.isfinite(metrics["rel_l2"]) and (tmp_path / "h" / "closed_form_real.png").exists()
    assert (tmp_path / "h" / "field_abs.png").exists()
    code, _, err = run_cli(capsys, "helmholtz", "--wavenumber", 10, "--points", 256, "--resume", tmp_path / "h",
                           "--steps", 5, *FAST)
    assert code != 0 and "trained with --wavenumber 20.0" in err and len(err.strip().splitlines()) == 1
    # --resume DIR alone continues: the problem and model options are the run's own; --steps and --lr may change
    code, out, err = run_cli(capsys, "helmholtz", "--resume", tmp_path / "h", "--steps", 5, "--lr", 3e-5, "--quiet")
    assert code == 0, err
    assert "from step 3 to 5" in out and json.loads((tmp_path / "h" / "metrics.json").read_text())["steps"] == 5
    config = json.loads((tmp_path / "h" / "config.json").read_text())
    assert config["train"]["lr"] == 3e-5 and config["points"] == 256 and config["model"]["hidden_features"] == 32
    code, _, err = run_cli(capsys, "wave", "--steps", 3, "--points", 128, "--out", tmp_path / "w", *FAST)
    assert code == 0, err
    code, out, err = run_cli(capsys, "wave", "--steps", 4, "--resume", tmp_path / "w", "--quiet")
    assert code == 0 and "from step 3 to 4" in out, err  # the curriculum (3 steps by default) is the run's own
    metrics = json.loads((tmp_path / "w" / "metrics.json").read_text())
    assert "rel_l2_t0.25" in metrics and (tmp_path / "w" / "wave.gif").exists()
    assert (tmp_path / "w" / "siren_t0.25.png").exists() and (tmp_path / "w" / "fd_t0.25.png").exists()


def test_inverse_helmholtz_run_writes_the_recovered_medium(tmp_path, capsys):
    code, _, err = run_cli(capsys, "helmholtz-inverse", "--sources", 2, "--receivers", 6, "--steps", 3, "--points", 128,
                           "--out", tmp_path / "i", *FAST)
    assert code == 0, err
    metrics = json.loads((tmp_path / "i" / "metrics.json").read_text())
    assert np.isfinite(metrics["slowness_rel_l2"]) and np.isfinite(metrics["perturbation_rel_l2"])
    assert (tmp_path / "i" / "slowness_recovered.png").exists() and (tmp_path / "i" / "slowness_true.png").exists()


def test_fwi_recovers_into_a_run_folder_and_resumes(tmp_path, capsys):
    """`torchsiren fwi`: the run folder holds the true and recovered media and metrics beside the background's;
    --resume continues into the last stage."""
    args = ["fwi", "--velocity", "pair", "--nodes", 32, "--steps", 6, "--stage-steps", 2, "--log-every", 2]
    code, _, err = run_cli(capsys, *args, "--out", tmp_path / "f", *FAST)
    assert code == 0, err
    metrics = json.loads((tmp_path / "f" / "metrics.json").read_text())
    assert {"slowness_rel_l2", "perturbation_rel_l2", "background_slowness_rel_l2"} <= set(metrics)
    assert 0.1 < metrics["background_slowness_rel_l2"] < 0.2 and np.isfinite(metrics["slowness_rel_l2"])
    assert (tmp_path / "f" / "slowness_recovered.png").exists() and (tmp_path / "f" / "slowness_true.png").exists()
    config = json.loads((tmp_path / "f" / "config.json").read_text())
    assert config["velocity"] == "pair" and config["low_wavenumbers"] == [5.0, 10.0] and config["stage_steps"] == 2
    code, out, err = run_cli(capsys, "fwi", "--resume", tmp_path / "f", "--steps", 8, "--quiet")
    assert code == 0 and "from step 6 to 8" in out, err
