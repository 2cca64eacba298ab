import json
import os
import signal

import pytest
import safetensors.torch
import torch

from torchsiren import ImageFitting, Siren, TrainConfig, TrainingDiverged, TrainingInterrupted, train
from torchsiren.training import RunDir
from torchsiren.problems.poisson import PoissonReconstruction
from torchsiren.training.checkpoint import read_tensors
from torchsiren.training.stepper import compiles_whole


def _setup(image, batch_size=None):
    torch.manual_seed(0)
    return Siren(2, 1, hidden_features=32, hidden_layers=1), ImageFitting(image, batch_size=batch_size)


@pytest.mark.parametrize("batch_size", [None, 100])
def test_resumed_run_equals_uninterrupted_run_bit_for_bit(tmp_path, small_image, batch_size):
    model, problem = _setup(small_image, batch_size)
    config = TrainConfig(steps=40, lr=1e-3, log_every=10, checkpoint_every=1000)
    train(model, problem, config, run=RunDir.create(tmp_path / "a", "t"), progress=False)

    first, problem = _setup(small_image, batch_size)
    run = RunDir.create(tmp_path / "b", "t")
    train(first, problem, TrainConfig(**{**config.to_dict(), "steps": 15}), run=run, progress=False)
    resumed, problem = _setup(small_image, batch_size)
    with torch.no_grad():
        for p in resumed.parameters():
            p.add_(1.0)  # the checkpoint must overwrite these
    result = train(resumed, problem, config, run=run, resume=True, progress=False)
    assert result.steps == 40
    for a, b in zip(model.state_dict().values(), resumed.state_dict().values()):
        assert torch.equal(a, b)
    assert [r["step"] for r in run.read_history()] == [10, 15, 20, 30, 40]  # 15: end of the first leg


def test_checkpoints_are_safetensors_written_atomically(tmp_path, small_image):
    model, problem = _setup(small_image)
    run = RunDir.create(tmp_path / "r", "t")
    train(model, problem, TrainConfig(steps=10, checkpoint_every=5, log_every=5), run=run, progress=False)
    assert sorted(p.name for p in run.path.iterdir() if p.suffix == ".tmp") == []
    tensors, meta = read_tensors(run.checkpoint_file)
    assert meta["step"] == 10 and "rng" in tensors and any(k.startswith("optimizer.") for k in tensors)
    for path in (run.model_file, run.checkpoint_file):  # safetensors: an 8-byte header length, then JSON
        raw = path.read_bytes()
        header = int.from_bytes(raw[:8], "little")
        assert raw[8:9] == b"{" and json.loads(raw[8:8 + header])
        assert raw[:2] != b"PK" and raw[:1] != b"\x80"  # neither torch.save's zip nor a pickle
    weights = safetensors.torch.load_file(str(run.model_file))  # loading runs no code
    assert set(weights) == set(model.state_dict())
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path, small_image):
    model, problem = _setup(small_image)
    run = RunDir.create(tmp_path / "r", "t")
    original = problem.loss

    def exploding(model, step, generator):
        loss = original(model, step, generator)
        return loss * float("nan") if step >= 12 else loss

    problem.loss = exploding
    with pytest.raises(TrainingDiverged, match="NaN|nan") as info:
        train(model, problem, TrainConfig(steps=30, log_every=5, checkpoint_every=10), run=run, progress=False)
    assert "last good checkpoint" in str(info.value)
    tensors, meta = read_tensors(run.checkpoint_file)
    assert meta["step"] == 10
    assert all(torch.isfinite(t).all() for k, t in tensors.items() if k.startswith("model."))


def test_ctrl_c_saves_a_checkpoint_and_the_resumed_run_matches(tmp_path, small_image):
    config = TrainConfig(steps=20, log_every=5, schedule="cosine", lr=1e-3)
    reference, problem = _setup(small_image)
    train(reference, problem, config, progress=False)
    model, problem = _setup(small_image)
    run = RunDir.create(tmp_path / "r", "t")
    original = problem.loss

    def interrupting(model, step, generator):
        if step == 7:
            os.kill(os.getpid(), signal.SIGINT)
        return original(model, step, generator)

    problem.loss = interrupting
    with pytest.raises(TrainingInterrupted, match="resume"):
        train(model, problem, config, run=run, progress=False)
    _, meta = read_tensors(run.checkpoint_file)
    assert meta["step"] == 8
    problem.loss = original
    model, _ = _setup(small_image)
    result = train(model, problem, config, run=run, resume=True, progress=False)
    assert result.steps == 20
    for a, b in zip(reference.state_dict().values(), model.state_dict().values()):
        assert torch.equal(a, b)


def test_bf16_autocast_trains_close_to_float32(small_image):
    """bf16 autocast (8 mantissa bits) follows the float32 run: well above the untrained PSNR, within 1.5 dB."""
    psnr = {}
    for precision in ("fp32", "bf16"):
        model, problem = _setup(small_image)
        with torch.no_grad():
            untrained = problem.evaluate(model)["psnr"]
        result = train(model, problem, TrainConfig(steps=30, lr=1e-3, precision=precision, log_every=30),
                       progress=False)
        psnr[precision] = result.last["psnr"]
    assert psnr["bf16"] > untrained + 5 and abs(psnr["bf16"] - psnr["fp32"]) < 1.5, (untrained, psnr)


def losses_by_precision(make_problem, steps: int, out_features: int = 1) -> list[list[float]]:
    """The loss every 2 steps of the same small fused Siren trained at fp32, then at fp16 (CUDA when present);
    make_problem(device) builds the problem (16 × 16 images: Triton's interpreter is slow)."""
    device = "cuda" if torch.cuda.is_available() else "cpu"
    losses = []
    for precision in ("fp32", "fp16"):
        torch.manual_seed(0)
        model = Siren(2, out_features, 32, 2, implementation="fused").to(device)
        result = train(model, make_problem(device), TrainConfig(steps=steps, lr=1e-3, precision=precision,
                                                                log_every=2), progress=False)
        losses.append([row["loss"] for row in result.history])
    return losses


def test_fp16_operands_train_as_float32_does(small_image):
    """--precision fp16 (the fused stack on fp16 operands; Triton's interpreter on the CPU) follows the float32 run:
    the same losses to fp16's rounding, step after step."""
    from torchsiren.kernels import triton_available
    if not triton_available():
        pytest.skip("the fused stack needs Triton")
    losses = losses_by_precision(lambda device: ImageFitting(small_image[::2, ::2], device=device), steps=8)
    assert losses[0][-1] < 0.7 * losses[0][0], losses  # it learned
    for a, b in zip(*losses):
        assert abs(a - b) < 2e-3 * a, losses


@pytest.mark.parametrize("task", ["fit", "laplacian"])
def test_compiled_training_follows_the_eager_run(small_image, task):
    """compile="on" (torch.compile of the whole loss, forward-mode Laplacian included, or eager again where it
    cannot compile) changes speed only."""
    losses = []
    for mode in ("off", "on"):
        torch.manual_seed(0)
        model = Siren(2, 1, hidden_features=32, hidden_layers=1)
        problem = ImageFitting(small_image) if task == "fit" else PoissonReconstruction(small_image, "laplacian")
        result = train(model, problem, TrainConfig(steps=6, log_every=3, compile=mode), progress=False)
        losses.append([row["loss"] for row in result.history])
    assert losses[0] == pytest.approx(losses[1], rel=1e-4)
    with pytest.raises(Exception, match="compile"):
        TrainConfig(compile="sometimes").validate()


def test_auto_compile_takes_only_losses_without_autograd_derivatives(small_image):
    """Compiled code cannot differentiate twice, and for gradients autograd eager measured faster than forward
    mode compiled, so compile="auto" leaves problems that need ∇Φ by autograd eager."""
    model = Siren(2, 1, hidden_features=16, hidden_layers=1)
    assert compiles_whole(model, ImageFitting(small_image))
    assert compiles_whole(model, PoissonReconstruction(small_image, "laplacian"))
    assert not compiles_whole(model, PoissonReconstruction(small_image, "gradient"))


def test_a_target_psnr_stops_at_the_first_logged_step_that_reaches_it(tmp_path, small_image):
    problem = ImageFitting(small_image)
    full = train(Siren(2, 1, hidden_features=32, hidden_layers=2), problem,
                 TrainConfig(steps=200, lr=1e-3, log_every=10), progress=False)
    psnrs = [(row["step"], row["psnr"]) for row in full.history]
    target = (psnrs[2][1] + psnrs[-1][1]) / 2  # reached somewhere in the middle of the run
    first = next(step for step, p in psnrs if p >= target)
    torch.manual_seed(0)  # the same init as the full run's (the autouse fixture seeded it)
    run = RunDir.create(tmp_path / "run", "fit-image")
    stopped = train(Siren(2, 1, hidden_features=32, hidden_layers=2), problem,
                    TrainConfig(steps=200, lr=1e-3, log_every=10, target_psnr=target), run=run, progress=False)
    assert stopped.reached_target and stopped.steps == first < 200
    assert stopped.history[-1]["psnr"] == pytest.approx(dict(psnrs)[first], abs=1e-3)
    assert run.model_file.exists()  # the stopped run is saved as a finished one
