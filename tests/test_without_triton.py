"""The package works where Triton is absent (CPU-only torch on macOS, Windows, aarch64, most laptops): every
command and every kind of derivative, in a subprocess where `import triton` fails. `import torchsiren` stays
light: no Triton, matplotlib or scikit-image until something needs it."""
import json
import os
import subprocess
import sys
import textwrap

NO_TRITON = "import sys; sys.modules['triton'] = None\n"
SMALL = ["--hidden-features", "16", "--hidden-layers", "1", "--device", "cpu", "--quiet"]


def _python(code: str, cwd, triton: bool = False) -> subprocess.CompletedProcess:
    env_code = ("" if triton else NO_TRITON) + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", env_code], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "MPLBACKEND": "Agg"})


def test_import_is_light(tmp_path):
    done = _python("""
        import json, sys
        import torchsiren
        print(json.dumps([m for m in ('triton', 'matplotlib', 'skimage', 'scipy', 'imageio') if m in sys.modules]))
    """, tmp_path, triton=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_commands_run_without_triton(tmp_path):
    commands = [
        ["fit", "image", "--size", "16", "--steps", "3", "--out", "fit", *SMALL],
        ["poisson", "--size", "16", "--steps", "3", "--out", "poisson", *SMALL],
        ["poisson", "--from", "laplacian", "--size", "16", "--steps", "3", "--out", "poisson-lap", *SMALL],
        ["helmholtz", "--points", "64", "--steps", "3", "--out", "helmholtz", *SMALL],
        ["fit", "sdf", "sphere", "--points", "64", "--steps", "3", "--resolution", "16", "--keep-unsupported",
         "--out", "sdf", *SMALL],
        ["fit-many", "--count", "4", "--steps", "3", "--out", "many", *SMALL],
        ["bench", "--quick", "--workload", "fit-256", "laplacian", "--steps", "3", "--repeats", "1", "--device",
         "cpu", "--out", "bench.json"],
    ]
    done = _python(f"""
        from torchsiren.cli.main import main
        for argv in {commands!r}:
            code = main(argv)
            assert code == 0, (argv, code)
        print("all commands ran")
    """, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "all commands ran" in done.stdout
    for run in ("fit", "poisson", "poisson-lap", "helmholtz", "sdf", "many"):
        assert (tmp_path / run / "metrics.json").exists() and (tmp_path / run / "index.html").exists()
    assert json.loads((tmp_path / "bench.json").read_text())["triton"] is None


def test_every_need_and_the_fused_switch_without_triton(tmp_path):
    done = _python("""
        import torch, torchsiren as ts
        from torchsiren.derivatives import NEEDS
        model = ts.Siren(2, 1, 16, 1)
        x = torch.rand(10, 2) * 2 - 1
        for need in NEEDS:
            for method in ("auto", "autograd"):
                fields = ts.evaluate(model, x, (need,), method=method)
                assert getattr(fields, need) is not None, need
        ts.train(model, ts.ImageFitting(torch.rand(8, 8, 1).numpy()), ts.TrainConfig(steps=2), progress=False)
        try:
            ts.Siren(2, 1, 16, 1, implementation="fused")(x)
        except ts.TorchSirenError as err:
            print("fused:", err)
    """, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "fused: implementation='fused' cannot run: Triton is not installed" in done.stdout
