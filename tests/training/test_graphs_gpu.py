"""CUDA-graph replay of randomly sampled steps (GPU only; CI has none, so outputs are recorded in
benchmarks/results/): a replayed Helmholtz run follows the eager one step for step (each replay draws new points
from the trainer's generator), and a loss that copies from the host falls back to eager steps with a warning."""
import pytest
import torch

from torchsiren import Siren
from torchsiren.problems import Batch, Constraint, Problem
from torchsiren.problems.helmholtz import Helmholtz
from torchsiren.training import TrainConfig, train

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def _run(problem, graph: bool, steps: int = 12) -> tuple[list[float], list[torch.Tensor]]:
    torch.manual_seed(0)
    model = Siren(2, problem_outputs(problem), 64, 2).cuda()
    result = train(model, problem, TrainConfig(steps=steps, lr=1e-4, log_every=1, cuda_graph=graph), progress=False)
    return [row["loss"] for row in result.history], [p.detach().clone() for p in model.parameters()]


def problem_outputs(problem) -> int:
    return getattr(problem, "out_features", 2 if isinstance(problem, Helmholtz) else 1)


def test_replayed_random_batches_follow_the_eager_run():
    problem = Helmholtz(points=2048, source_points=16, eval_size=32, device="cuda", flux_weight=1.0, flux_points=64)
    assert problem.replayable and not problem.static
    eager_losses, eager_params = _run(problem, graph=False)
    graph_losses, graph_params = _run(problem, graph=True)
    assert len(set(round(v, 6) for v in graph_losses[4:])) == len(graph_losses[4:])  # new points every replay
    torch.testing.assert_close(torch.tensor(graph_losses), torch.tensor(eager_losses), rtol=1e-3, atol=1e-5)
    for a, b in zip(graph_params, eager_params):
        torch.testing.assert_close(a, b, rtol=1e-3, atol=1e-5)


def test_a_replayed_inverse_problem_keeps_its_medium_warm_up():
    """The warm-up flag lives on the device (prepare_step), so replays see it change at step 4 as eager steps do."""
    from torchsiren.problems.inverse_helmholtz import InverseHelmholtz
    problem = InverseHelmholtz(sources=2, receivers=6, velocity="uniform", points=1024, fd_nodes=63, eval_size=16,
                               medium_warmup=4, device="cuda")
    assert problem.replayable
    eager_losses, eager_params = _run(problem, graph=False, steps=8)
    graph_losses, graph_params = _run(problem, graph=True, steps=8)
    torch.testing.assert_close(torch.tensor(graph_losses), torch.tensor(eager_losses), rtol=1e-3, atol=1e-5)
    for a, b in zip(graph_params, eager_params):
        torch.testing.assert_close(a, b, rtol=1e-3, atol=1e-5)


def test_a_loss_that_copies_from_the_host_trains_eagerly_with_a_warning():
    target = torch.tensor([0.5])  # on the CPU: copied to the GPU inside every step

    def sample(step, gen):
        return Batch(torch.rand(256, 2, generator=gen, device=gen.device))
    sample.graph_safe = True  # a wrong claim: the residual below copies from the host
    problem = Problem([Constraint("c", sample, lambda f, b: f.value - target.to(f.value.device))])
    with pytest.warns(UserWarning, match="CUDA graph"):
        losses, _ = _run(problem, graph=True, steps=6)
    assert len(losses) == 6 and all(v == v for v in losses)
