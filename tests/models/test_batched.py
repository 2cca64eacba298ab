"""BatchedSiren: B SIRENs in one module compute what B separate Sirens compute, and train as they would alone."""
import torch

from torchsiren import Siren, TrainConfig, train
from torchsiren.models import ModelSpec, build_model
from torchsiren.models.batched import BatchedSiren
from torchsiren.problems import ImageFitting
from torchsiren.problems.many import ManyImageFitting


def test_members_are_plain_sirens_in_float64():
    torch.manual_seed(0)
    many = BatchedSiren(5, 2, 3, hidden_features=16, hidden_layers=2).double()
    shared = torch.rand(40, 2, dtype=torch.float64) * 2 - 1
    own = torch.rand(5, 40, 2, dtype=torch.float64) * 2 - 1
    out_shared, out_own = many(shared), many(own)
    assert out_shared.shape == (5, 40, 3)
    for i in range(5):
        one = many.member(i).double()
        torch.testing.assert_close(out_shared[i], one(shared), rtol=0, atol=1e-12)
        torch.testing.assert_close(out_own[i], one(own[i]), rtol=0, atol=1e-12)
    # the init draws each member as Siren does: the first layer within ±1/in, the others within ±√(6/in)/ω₀
    assert many.weights[0].abs().max() <= 1 / 2 and many.weights[1].abs().max() <= (6 / 16) ** 0.5 / 30
    assert not torch.equal(many.weights[1][0], many.weights[1][1])  # independent draws


def test_a_batched_fit_is_each_fit_alone():
    """Adam acts elementwise, and the loss sums each image's own MSE: training B images together gives each
    SIREN the weights it gets trained alone from the same start."""
    images = torch.rand(3, 12, 12, 1, generator=torch.Generator().manual_seed(0)).numpy()
    torch.manual_seed(0)
    many = build_model(ModelSpec(in_features=2, out_features=1, hidden_features=16, hidden_layers=1, count=3))
    alone = [many.member(i) for i in range(3)]
    config = TrainConfig(steps=15, lr=1e-3, log_every=15)
    train(many, ManyImageFitting(images), config, progress=False)
    for i, model in enumerate(alone):
        train(model, ImageFitting(images[i]), config, progress=False)
        for a, b in zip(model.parameters(), many.member(i).parameters()):
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


def test_cpu_chunks_give_the_whole_batch_values_and_gradients():
    """Above CPU_CHUNK members a CPU evaluates them in recomputed chunks: same outputs, same gradients."""
    from torchsiren.models import batched
    torch.manual_seed(0)
    many = BatchedSiren(batched.CPU_CHUNK * 2 + 5, 2, 3, hidden_features=8, hidden_layers=1).double()
    target = torch.rand(many.count, 20, 3, dtype=torch.float64)
    for coords in (torch.rand(20, 2, dtype=torch.float64), torch.rand(many.count, 20, 2, dtype=torch.float64)):
        chunked = ((many(coords) - target) ** 2).sum()
        grads = torch.autograd.grad(chunked, list(many.parameters()))
        with torch.no_grad():  # no gradients: one batched matmul per layer, no chunks
            whole = ((many(coords) - target) ** 2).sum()
        full = ((batched.batched_siren(coords, list(many.weights), list(many.biases), many.omegas) - target) ** 2).sum()
        torch.testing.assert_close(chunked, whole)
        for g, h in zip(grads, torch.autograd.grad(full, list(many.parameters()))):
            torch.testing.assert_close(g, h)
    members = torch.tensor([3, 1, 130])
    torch.testing.assert_close(many(torch.rand(4, 2, dtype=torch.float64) * 0 + 0.5, members)[2],
                               many.member(130).double()(torch.full((4, 2), 0.5, dtype=torch.float64)))
