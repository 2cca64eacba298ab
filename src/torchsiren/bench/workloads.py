"""The benchmark workloads. Each times one training step (or one grid evaluation) of the
reference-style code and of torchsiren from identical weights, and reports the quality each reaches."""
from __future__ import annotations

import copy
import time
from collections.abc import Callable

import numpy as np
import torch

from ..data import astronaut, cameraman, grid, grid_chunks, resize_longer_side
from ..derivatives import evaluate
from ..kernels.dispatch import half_operands_enabled, operand_precision
from ..kernels.linear import half_mm
from ..device import device_name
from ..models import Siren
from ..problems import ImageFitting, grid_sampler, uniform_sampler
from ..training.graphs import capture_step, graph_optimizer, make_step, set_lr
from ..training.trainer import make_optimizer
from ..training import TrainConfig
from .reference import RefSiren, ref_gradient, ref_laplace


def median_ms(fn: Callable[[], None], device: torch.device, warmup: int, repeats: int) -> float:
    """Median milliseconds of fn() after warm-up (CUDA events on a GPU, perf_counter on the CPU)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            a.record()
            fn()
            b.record()
            torch.cuda.synchronize()
            times.append(a.elapsed_time(b))
        else:
            t = time.perf_counter()
            fn()
            times.append(1000 * (time.perf_counter() - t))
    return float(np.median(times))


def _pair(in_f: int, out_f: int, width: int, device: torch.device,
          first_omega: float = 30.0) -> tuple[Siren, RefSiren]:
    torch.manual_seed(0)
    ours = Siren(in_f, out_f, hidden_features=width, first_omega_0=first_omega).to(device)
    ref = RefSiren(in_f, out_f, hidden_features=width, first_omega_0=first_omega).to(device)
    ref.load_state_dict(ours.state_dict())
    return ours, ref


def _mlp_flops(points: int, in_f: int, width: int, out_f: int, layers: int = 3) -> float:
    """Matmul FLOPs of one forward + backward (≈ 3× forward) of an in→width×(layers+1)→out MLP."""
    return 3 * 2 * points * (in_f * width + layers * width * width + width * out_f)


def _ref_fit_step(ref: RefSiren, coords: torch.Tensor, target: torch.Tensor, lr: float = 1e-4,
                  draw: Callable[[], torch.Tensor] | None = None) -> Callable[[], None]:
    """One MSE step of the reference-style code: Adam (1e-4 as the authors), exact fp32; the whole batch, or the
    rows `draw()` indexes. The optimizer is the step's attribute `optimizer`."""
    opt = torch.optim.Adam(ref.parameters(), lr=lr)

    @_under("fp32")
    def step():
        at, want = (coords, target) if draw is None else _rows(coords, target, draw())
        loss = ((ref(at)[0] - want) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    step.optimizer = opt
    return step


def _our_step(loss_fn: Callable[[], torch.Tensor], model: torch.nn.Module, device: torch.device, precision: str,
              graph: bool = True, optimizer: torch.optim.Optimizer | None = None,
              generator: torch.Generator | None = None) -> tuple[Callable[[], object], int]:
    """torchsiren's step as the trainer runs it: the whole step replayed as a CUDA graph on GPUs when the problem
    is replayable (`graph`; batches drawn from `generator` inside the step), else eager with the trainer's Adam
    (lr 1e-4 unless `optimizer` is given: a graph_optimizer for graphs). Returns (step, steps already taken to
    warm up)."""
    graphed = device.type == "cuda" and graph
    if optimizer is None:
        optimizer = (graph_optimizer(list(model.parameters()), 1e-4) if graphed
                     else make_optimizer(model, TrainConfig(lr=1e-4)))
    with operand_precision(precision):
        if graphed:
            step, done = capture_step(loss_fn, optimizer, generator=generator)
        else:
            step, done = make_step(loss_fn, optimizer), 0
    return _under(precision)(step), done


def _rows(coords: torch.Tensor, target: torch.Tensor, idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return coords[idx], target[idx]


def _fit(problem, coords: torch.Tensor, width: int, steps: int, device: torch.device, warmup: int, repeats: int,
         precision: str, first_omega: float = 30.0, batch: int | None = None) -> dict:
    """A fitting problem's step, reference-style against torchsiren from identical weights, and the headline
    quality both reach after `steps` steps. coords: (N, in) of every target row; batch: random rows per step
    (the reference draws them on the device too), None for the whole signal."""
    ours, ref = _pair(coords.shape[1], problem.target.shape[1], width, device, first_omega)
    gen, ref_gen = (torch.Generator(device=device).manual_seed(0) for _ in range(2))
    draw = None if batch is None else (
        lambda: torch.randint(0, coords.shape[0], (batch,), generator=ref_gen, device=device))
    step_ref = _ref_fit_step(ref, coords, problem.target, draw=draw)
    key, quality = problem.headline, {}
    for _ in range(steps):
        step_ref()
    quality[f"reference_{key}"] = round(problem.evaluate(ref.net)[key], 2)
    step_ours, done = _our_step(lambda: problem.loss(ours, 0, gen), ours, device, precision, generator=gen)
    for _ in range(steps - done):
        step_ours()
    quality[f"torchsiren_{key}"] = round(problem.evaluate(ours)[key], 2)
    ms_r, ms_o = median_ms(step_ref, device, warmup, repeats), median_ms(step_ours, device, warmup, repeats)
    flops = _mlp_flops(batch or coords.shape[0], coords.shape[1], width, problem.target.shape[1])
    return {"reference_ms": ms_r, "torchsiren_ms": ms_o, "flops": flops,
            "quality": quality | {"steps": steps, "first_omega_0": first_omega, "measure":
                                  f"{_HEADLINES[key]} after `steps` steps from identical weights, Adam 1e-4 "
                                  "(reference fp32, torchsiren at --precision)"}}


_HEADLINES = {"psnr": "PSNR (dB)", "snr_db": "SNR (dB)"}


def _under(precision: str):
    """Decorator: run the function with torchsiren's operands at `precision` (see operand_precision)."""
    def wrap(fn):
        def run(*args, **kwargs):
            with operand_precision(precision):
                return fn(*args, **kwargs)
        return run
    return wrap


def _fit_image(image: np.ndarray, width, steps, device, warmup, repeats, precision) -> dict:
    problem = ImageFitting(image, device=device)
    return _fit(problem, grid(image.shape[:2], device=device), width, steps, device, warmup, repeats, precision)


def fit_gray(size: int, width: int, steps: int, device, warmup, repeats, precision) -> dict:
    return _fit_image(resize_longer_side(cameraman(), size), width, steps, device, warmup, repeats, precision)


def fit_rgb(size: int, width: int, steps: int, device, warmup, repeats, precision) -> dict:
    return _fit_image(resize_longer_side(astronaut(), size), width, steps, device, warmup, repeats, precision)


AUDIO_OMEGA = 3000.0  # the authors' first-layer ω₀ for audio, stable at their Adam 1e-4


def fit_audio(samples: int, width: int, steps: int, device, warmup, repeats, precision) -> dict:
    """The bundled melody at 16 kHz (`samples` of it), the whole clip each step, first-layer ω₀ 3000."""
    from ..data.audio import melody
    from ..problems.audio import AudioFitting
    clip, rate = melody(16_000, samples / 16_000)
    problem = AudioFitting(clip, rate, device=device)
    return _fit(problem, grid((problem.length,), device=device), width, steps, device, warmup, repeats, precision,
                first_omega=AUDIO_OMEGA)


def fit_video(points: int, width: int, steps: int, device, warmup, repeats, precision) -> dict:
    """The bundled pan-and-zoom clip (64 frames of 256², 8 of 32² quick), `points` random voxels per step; quality
    after at most 300 steps (a 1024-wide reference step over 300k voxels is slow)."""
    from ..data.video import panning_video
    from ..problems.video import VideoFitting
    frames, size = (64, 256) if points >= 65_536 else (8, 32)
    problem = VideoFitting(panning_video(frames=frames, size=size), points, device=device)
    coords = grid(problem.shape, device=device)
    return _fit(problem, coords, width, min(steps, 300), device, warmup, repeats, precision, batch=points)


def _derivative_step(points: int, in_f: int, width: int, kind: str, device, warmup, repeats, precision) -> dict:
    ours, ref = _pair(in_f, 1, width, device)
    torch.manual_seed(1)
    coords = torch.rand(points, in_f, device=device) * 2 - 1
    target = torch.randn(points, 1 if kind == "laplacian" else in_f, device=device)
    normals = torch.nn.functional.normalize(torch.randn(points, in_f, device=device), dim=-1)
    opt_r = torch.optim.Adam(ref.parameters(), 1e-4)
    half = points // 2
    if kind == "sdf":  # each step: half the points drawn from a fixed oriented cloud, half uniform in the box
        cloud = grid_sampler(coords[:half], {"n": normals[:half]}, batch_size=half)
        space = uniform_sampler([-1.0] * in_f, [1.0] * in_f, points - half, device=device)
    generators = {name: torch.Generator(device=device).manual_seed(0) for name in ("ref", "ours")}

    def batch(who: str) -> tuple[torch.Tensor, torch.Tensor]:
        """The step's coordinates and the surface normals of its first half."""
        if kind != "sdf":
            return coords, normals
        on = cloud(0, generators[who])
        return torch.cat([on.coords, space(0, generators[who]).coords]), on["n"]

    def loss_of(value, grad, lap, normals):
        if kind == "laplacian":
            return ((lap - target) ** 2).mean()
        if kind == "gradient":
            return ((grad - target) ** 2).sum(-1).mean()
        # sdf: eikonal everywhere, normals and |Φ| on the "surface" half (the authors' weights)
        eik = (grad.norm(dim=-1) - 1).abs().mean()
        cos = 1 - torch.nn.functional.cosine_similarity(grad[:half], normals[:half], dim=-1)
        return 3e3 * value[:half].abs().mean() + 1e2 * cos.mean() + 5e1 * eik + \
            1e2 * torch.exp(-1e2 * value[half:].abs()).mean()

    @_under("fp32")
    def step_ref():
        at, n = batch("ref")
        out, x = ref(at)
        grad = ref_gradient(out, x)
        lap = ref_laplace(out, x) if kind == "laplacian" else None
        loss = loss_of(out, grad, lap, n)
        opt_r.zero_grad()
        loss.backward()
        opt_r.step()

    needs = ("laplacian",) if kind == "laplacian" else ("jacobian",)

    def loss_ours():
        at, n = batch("ours")
        f = evaluate(ours, at, needs)
        grad = None if f.jacobian is None else f.jacobian[:, 0]
        return loss_of(f.value, grad, f.laplacian, n)

    out, x = ref(coords[:1024])  # the same derivative from identical weights, before any step
    check = (ref_laplace(out, x) if kind == "laplacian" else ref_gradient(out, x)).detach()
    with operand_precision(precision), torch.no_grad():  # no graph may outlive this (CUDA-graph capture follows)
        mine = evaluate(ours, coords[:1024], needs)
    mine = mine.laplacian if kind == "laplacian" else mine.jacobian[:, 0]
    rel = ((mine - check).norm() / check.norm()).item()
    del mine
    # The trainer replays all three as CUDA graphs: full-grid Poisson batches are fixed, and SDF batches are
    # drawn on the device from its generator (graph-safe samplers); the reference samples the same way eagerly.
    step_ours, _ = _our_step(loss_ours, ours, device, precision, generator=generators["ours"])

    ms_r, ms_o = median_ms(step_ref, device, warmup, repeats), median_ms(step_ours, device, warmup, repeats)
    # torchsiren's matmul work: the Laplacian's forward-mode state has 2 + in_f rows per point through a forward
    # and a backward; value and gradient take 6 matmuls per layer (kernels/gradient.py), twice a fitting step's 3
    passes = in_f + 2 if kind == "laplacian" else 2
    return {"reference_ms": ms_r, "torchsiren_ms": ms_o, "flops": passes * _mlp_flops(points, in_f, width, 1),
            "quality": {"relative_error_vs_reference": rel, "measure": f"‖{kind} ours − reference‖/‖reference‖"}}


def laplacian_step(points, width, steps, device, warmup, repeats, precision):
    return _derivative_step(points, 2, width, "laplacian", device, warmup, repeats, precision)


def gradient_step(points, width, steps, device, warmup, repeats, precision):
    return _derivative_step(points, 2, width, "gradient", device, warmup, repeats, precision)


def sdf_step(points, width, steps, device, warmup, repeats, precision):
    return _derivative_step(2 * points, 3, width, "sdf", device, warmup, repeats, precision)


def grid_eval(side, width, steps, device, warmup, repeats, precision):
    ours, ref = _pair(3, 1, width, device)
    chunk = 1 << 21 if device.type == "cuda" else 1 << 16

    @_under("fp32")
    def run_ref():  # the whole grid in memory, then chunks, as the authors' mesher
        coords = grid((side, side, side), device=device)
        with torch.no_grad():
            return torch.cat([ref(coords[i:i + chunk])[0] for i in range(0, coords.shape[0], chunk)])

    @_under(precision)
    def run_ours():
        with torch.no_grad():
            return torch.cat([ours(c) for c in grid_chunks((side, side, side), chunk, device=device)])

    rel = ((run_ours() - run_ref()).norm() / run_ref().norm()).item()
    ms_r, ms_o = median_ms(run_ref, device, 1, max(1, repeats // 4)), median_ms(run_ours, device, 1, max(1, repeats // 4))
    return {"reference_ms": ms_r, "torchsiren_ms": ms_o, "flops": _mlp_flops(side ** 3, 3, width, 1) / 3,
            "quality": {"relative_error_vs_reference": rel, "measure": f"{side}³ grid values"}}


def video_step(points, width, steps, device, warmup, repeats, precision):
    ours, ref = _pair(3, 3, width, device)
    torch.manual_seed(2)
    coords, target = torch.rand(points, 3, device=device) * 2 - 1, torch.rand(points, 3, device=device)
    opt_o, opt_r = make_optimizer(ours, TrainConfig()), torch.optim.Adam(ref.parameters(), 1e-4)

    def step(model, opt, forward):
        loss = ((forward(coords) - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    ms_r = median_ms(_under("fp32")(lambda: step(ref, opt_r, lambda c: ref(c)[0])), device, warmup, repeats)
    ms_o = median_ms(_under(precision)(lambda: step(ours, opt_o, ours)), device, warmup, repeats)
    return {"reference_ms": ms_r, "torchsiren_ms": ms_o, "flops": _mlp_flops(points, 3, width, 3),
            "quality": {"measure": "same function (identical weights and loss)"}}


def fit_many(count: int, width: int, steps: int, device, warmup, repeats, precision) -> dict:
    """`count` bundled 32² patches fitted at once by one BatchedSiren (2→width×4→3) against fitting them one by
    one with reference-style code: reference_ms is `count` times one single-image step. Quality: the first four
    patches' mean PSNR after `steps` (at most 300) both ways, from identical weights."""
    from ..data.collection import bundled_patches
    from ..models import ModelSpec, build_model
    from ..problems.many import ManyImageFitting
    patches = bundled_patches(32, "all")
    patches = patches[np.arange(count) % len(patches)]
    torch.manual_seed(0)
    many = build_model(ModelSpec(in_features=2, out_features=3, hidden_features=width, count=count)).to(device)
    problem = ManyImageFitting(patches, device=device)
    coords, quick = grid((32, 32), device=device), min(steps, 300)
    refs, quality = [], {}
    for i in range(4):
        ref = RefSiren(2, 3, hidden_features=width).to(device)
        ref.load_state_dict(many.member(i).state_dict())
        refs.append((ref, ImageFitting(patches[i], device=device)))
    for ref, single in refs:
        step_ref = _ref_fit_step(ref, coords, single.target)
        for _ in range(quick):
            step_ref()
    quality["reference_psnr_first4"] = round(float(np.mean([s.evaluate(r.net)["psnr"] for r, s in refs])), 2)
    gen = torch.Generator(device=device).manual_seed(0)
    step_ours, done = _our_step(lambda: problem.loss(many, 0, gen), many, device, precision, generator=gen)
    for _ in range(quick - done):
        step_ours()
    quality["torchsiren_psnr_first4"] = round(float(problem.psnrs(many)[:4].mean()), 2)
    quality["torchsiren_psnr_mean"] = round(float(problem.psnrs(many).mean()), 2)
    ms_single = median_ms(_ref_fit_step(RefSiren(2, 3, hidden_features=width).to(device), coords, refs[0][1].target),
                          device, warmup, repeats)
    ms_o = median_ms(step_ours, device, warmup, repeats)
    return {"reference_ms": count * ms_single, "torchsiren_ms": ms_o,
            "flops": count * _mlp_flops(coords.shape[0], 2, width, 3),
            "quality": quality | {"steps": quick, "signals": count, "measure": "PSNR (dB) after `steps` steps of Adam "
                                  "1e-4: the first four patches fitted alone (reference) and within the batch"}}


# Adam, cosine to 0 over `steps`: a sweep on an H200 (benchmarks/time_to_40db_sweep.py) reached 40 dB
# after 350-450 steps with 1e-3 over 700 or 1000 steps (2 seeds each); 2e-3 diverged, so 1e-3 keeps a 2× margin
FAST_RECIPE = {"lr": 1e-3, "steps": 700}


def time_to_psnr(size, width, steps, device, warmup, repeats, precision):
    """Wall clock from the start until the fit reaches 40 dB (36 dB at quick sizes), PSNR checked every 50 steps
    (the checks count), from identical weights. Both codes first run a few untimed steps on throwaway copies, so
    one-time costs (Triton compilation and autotuning, cuBLAS set-up) are reported apart, as
    `torchsiren_first_use_ms`, not inside the race. Three racers: the reference code with the paper's recipe (Adam
    1e-4, constant, at most max(steps, 5000) steps), the reference code with torchsiren's FAST_RECIPE (what the
    recipe alone buys), and torchsiren with FAST_RECIPE (fused kernels, CUDA graph, `precision`)."""
    target, every = (40.0 if size >= 512 else 36.0), 50
    ours, ref = _pair(2, 1, width, device)
    ref_fast = copy.deepcopy(ref)
    problem = ImageFitting(resize_longer_side(cameraman(), size), device=device)
    coords, gen = grid(problem.shape, device=device), torch.Generator(device=device).manual_seed(0)
    fast = TrainConfig(lr=FAST_RECIPE["lr"], steps=FAST_RECIPE["steps"], schedule="cosine")

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    def race(start_steps, model, cap: int, lr_of=None) -> tuple[float, int, float]:
        """start_steps() -> (step, optimizer, steps already taken); lr_of(i): the learning rate of step i."""
        sync()
        start, value = time.perf_counter(), 0.0
        step, optimizer, done = start_steps()  # warm-up steps count, in time and in steps
        while done < cap:
            for i in range(done, min(done + every, cap)):
                if lr_of is not None:
                    set_lr(optimizer, lr_of(i))
                step()
            done = min(done + every, cap)
            value = problem.evaluate(model)["psnr"]
            if value >= target:
                break
        sync()
        return 1000 * (time.perf_counter() - start), done, value

    def reference(model, lr):
        def start():
            step = _ref_fit_step(model, coords, problem.target, lr)
            return step, step.optimizer, 0
        return start

    def torchsiren(model):
        def start():
            optimizer = (graph_optimizer(list(model.parameters()), fast.lr) if device.type == "cuda"
                         else make_optimizer(model, fast))
            step, done = _our_step(lambda: problem.loss(model, 0, gen), model, device, precision, optimizer=optimizer,
                                   generator=gen)
            return step, optimizer, done
        return start

    def first_use(start_steps, model) -> float:
        """Three steps and a PSNR check of a throwaway copy (compiles and tunes the kernels): ms."""
        sync()
        begin = time.perf_counter()
        step = start_steps()[0]
        for _ in range(3):
            step()
        problem.evaluate(model)
        sync()
        return 1000 * (time.perf_counter() - begin)

    spare_ref, spare_ours = copy.deepcopy(ref), copy.deepcopy(ours)
    first_ref = first_use(reference(spare_ref, 1e-4), spare_ref.net)
    first_ours = first_use(torchsiren(spare_ours), spare_ours)
    ms_r, steps_r, psnr_r = race(reference(ref, 1e-4), ref.net, max(steps, 5000))
    ms_f, steps_f, psnr_f = race(reference(ref_fast, fast.lr), ref_fast.net, fast.steps, fast.lr_at)
    ms_o, steps_o, psnr_o = race(torchsiren(ours), ours, fast.steps, fast.lr_at)
    return {"reference_ms": ms_r, "torchsiren_ms": ms_o, "reference_fast_recipe_ms": ms_f,
            "reference_first_use_ms": first_ref, "torchsiren_first_use_ms": first_ours,
            "quality": {"target_db": target, "reference_steps": steps_r, "reference_psnr": round(psnr_r, 2),
                        "reference_fast_recipe_steps": steps_f, "reference_fast_recipe_psnr": round(psnr_f, 2),
                        "torchsiren_steps": steps_o, "torchsiren_psnr": round(psnr_o, 2),
                        "recipe": "reference: Adam 1e-4 constant (the paper's); torchsiren and reference_fast_recipe: "
                                  f"Adam {fast.lr:g} cosine over {fast.steps} steps",
                        "measure": "wall clock to the target PSNR (ms), checks every 50 steps included"}}


# name -> (function, full size, quick size, width, quick width)
WORKLOADS = {
    "fit-256": (fit_gray, 256, 64, 256, 256),
    "fit-512-rgb": (fit_rgb, 512, 64, 256, 256),
    "laplacian": (laplacian_step, 65536, 16384, 256, 256),
    "gradient": (gradient_step, 65536, 4096, 256, 256),
    "sdf": (sdf_step, 100_000, 2048, 256, 256),
    "grid-512": (grid_eval, 512, 32, 256, 256),
    "video": (video_step, 300_000, 4096, 1024, 256),
    "audio": (fit_audio, 32_000, 4000, 256, 256),
    "video-fit": (fit_video, 300_000, 4096, 1024, 256),
    "fit-many": (fit_many, 1024, 16, 64, 64),
    "time-to-40db": (time_to_psnr, 512, 64, 512, 256),
}


def _matmul_rate(device: torch.device, width: int) -> float:
    """FLOP/s of a width × width matmul over many rows on this device at the current operand precision (exact,
    TF32 or fp16), measured now: the floor of a workload is its matmul FLOPs at the rate of its own width (wider
    layers run at a higher rate, so one width-256 rate put the 1024-wide video workload above its floor)."""
    n = (262_144 if device.type == "cuda" else 16_384) * 256 // width
    a, b = torch.randn(n, width, device=device), torch.randn(width, width, device=device)
    if half_operands_enabled() and device.type == "cuda":  # --precision fp16: fp16 operands, float32 out
        a, b = a.half(), b.half()
        ms = median_ms(lambda: half_mm(a, b), device, 2, 5)
    else:
        ms = median_ms(lambda: a @ b, device, 2, 5)
    return 2 * n * width * width / (ms / 1000)


def run_benchmarks(names: list[str], device: torch.device, quick: bool, steps: int, repeats: int = 10,
                   log: Callable[[str], None] = print, precision: str = "fp32") -> list[dict]:
    """precision: torchsiren's matmul operands, "fp32" (exact), "tf32" or "fp16" (the fused stack on fp16 operands,
    see kernels/stack_fp16.py); the reference always runs exact fp32."""
    rates: dict[int, float] = {}
    rows = []
    for name in names:
        fn, size, quick_size, width, quick_width = WORKLOADS[name]
        n, w = (quick_size, quick_width) if quick else (size, width)
        if w not in rates:
            with operand_precision(precision):  # the floor at torchsiren's own operand precision
                rates[w] = _matmul_rate(device, w)
        rate = rates[w]
        log(f"[{name}] size {n}, width {w} on {device_name(device)}")
        r = fn(n, w, steps, device, 2, repeats, precision)
        row = {"workload": name, "size": n, "width": w, "device": device_name(device), "precision": precision,
               "reference_ms": round(r["reference_ms"], 3), "torchsiren_ms": round(r["torchsiren_ms"], 3),
               "speedup": round(r["reference_ms"] / r["torchsiren_ms"], 3), "quality": r["quality"]}
        row |= {k: round(v, 3) for k, v in r.items() if k.endswith("_ms") and k not in row}
        if "flops" in r:
            floor_ms = r["flops"] / rate * 1000
            row |= {"tflops": round(r["flops"] / (r["torchsiren_ms"] / 1000) / 1e12, 4),
                    "matmul_rate_tflops": round(rate / 1e12, 2),
                    "floor_ms": round(floor_ms, 4), "fraction_of_floor": round(floor_ms / r["torchsiren_ms"], 4)}
        if device.type == "cuda":
            row["peak_memory_mb"] = round(torch.cuda.max_memory_allocated(device) / 2 ** 20, 1)
            torch.cuda.reset_peak_memory_stats(device)
        rows.append(row)
    return rows
