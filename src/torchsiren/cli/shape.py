"""Shapes: `torchsiren fit sdf INPUT` (a signed distance from an oriented point cloud or a mesh), `torchsiren mesh
RUN_DIR` (its zero level set as a mesh) and `torchsiren evaluate-mesh PRED GT` (how close two meshes are)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from ..device import DEVICES, resolve_device
from ..errors import TorchSirenError
from ..geometry.mesh import LIPSCHITZ
from .common import add_model_options, add_resume_option, add_train_options, execute, is_gpu, model_spec_from_args, \
    output_file, positive_int, relayed_warnings, train_config_from_args

# Defaults: 2 CPU cores fit the bundled part in a few minutes; a GPU takes the authors' batch sizes and more steps
SDF_STEPS_CPU, SDF_STEPS_GPU = 1000, 5000
SDF_POINTS_CPU, SDF_POINTS_GPU = 2000, 20_000  # surface points per step (as many uniform ones again)
RESOLUTION_CPU, RESOLUTION_GPU = 128, 256
SURFACE_SAMPLES = 500_000  # points drawn once from a mesh input


def add_sdf_parser(kinds: argparse._SubParsersAction) -> None:
    p = kinds.add_parser("sdf", help="fit a signed distance to an oriented point cloud or a mesh")
    add_sdf_options(p, "runs/fit-sdf-TIME")
    add_resume_option(p)
    add_model_options(p)
    add_train_options(p, f"training steps (default {SDF_STEPS_CPU} on CPU, {SDF_STEPS_GPU} on GPU)")
    p.set_defaults(handler=run_sdf, lr=1e-4, grad_clip=1.0)


def add_sdf_options(p: argparse.ArgumentParser, out_default: str) -> None:
    from ..data.shapes import SHAPES
    p.add_argument("path", nargs="?", default=None, metavar="INPUT",
                   help="point cloud with normals (.xyz/.txt: x y z nx ny nz; .npz; .ply), a mesh (.ply .obj .off "
                        f".stl .glb), or a bundled shape: {', '.join(SHAPES)} (default part)")
    p.add_argument("--points", type=int, default=None,
                   help=f"surface points per step, and as many uniform ones (default {SDF_POINTS_CPU} on CPU, "
                        f"{SDF_POINTS_GPU} on GPU)")
    p.add_argument("--margin", type=float, default=0.1, help="space kept around the shape inside [-1, 1]³ (0.1)")
    p.add_argument("--estimate-normals", action="store_true", help="estimate missing normals from neighbours")
    p.add_argument("--weights", default="3e3,1e2,1e2,5e1", metavar="SDF,NORMAL,OFF,EIKONAL",
                   help="loss weights: |Φ| and normals on the surface, exp(-α|Φ|) off it, eikonal (the authors')")
    p.add_argument("--alpha", type=float, default=100.0, help="α of the off-surface term exp(-α|Φ|) (100)")
    p.add_argument("--resolution", type=int, default=None,
                   help=f"grid for the final mesh (default {RESOLUTION_CPU} on CPU, {RESOLUTION_GPU} on GPU)")
    p.add_argument("--keep-unsupported", action="store_true",
                   help="keep mesh pieces that no input point supports (default: dropped, as stray surfaces)")
    p.add_argument("--reference", default=None, metavar="MESH",
                   help="mesh to measure the result against (default: the input itself when it is a mesh)")
    p.add_argument("--out", default=None, help=f"run folder (default {out_default})")


def add_parser(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("mesh", help="extract the surface of a fitted signed distance as a mesh")
    m.add_argument("run", help="run folder of `torchsiren fit sdf`")
    m.add_argument("--resolution", type=int, required=True,
                   help="grid points per axis (above 128, only blocks near the surface are evaluated)")
    m.add_argument("--out", default=None, help="PLY or OBJ file (default RUN/mesh-N.ply)")
    m.add_argument("--keep-unsupported", action="store_true",
                   help="keep mesh pieces that no input point supports (default: dropped, as stray surfaces)")
    m.add_argument("--device", default="auto", choices=DEVICES)
    m.add_argument("--marching", default="torch", choices=("torch", "skimage"),
                   help="marching cubes above 128³: torch (all blocks at once as tensor operations where Φ is "
                        "evaluated; default), skimage (scikit-image, block by block on the CPU)")
    m.add_argument("--precision", default="auto", choices=("auto", "fp32", "tf32"),
                   help="Φ's matmuls on a GPU: tf32 (auto's choice: its meshes are measured equal to exact "
                        "float32's) or fp32 (exact); a CPU is always exact")
    m.add_argument("--lipschitz", type=float, default=LIPSCHITZ,
                   help="the bound on |∇Φ| that decides which blocks could hold the surface (default %(default)s; "
                        "1 for an exact signed distance); raise it if a mesh misses thin pieces")
    m.set_defaults(handler=run_mesh)
    e = sub.add_parser("evaluate-mesh", help="Chamfer distance, normal consistency, F-score and IoU of two meshes")
    e.add_argument("pred", help="the mesh to judge")
    e.add_argument("reference", metavar="GT", help="the reference mesh (same coordinates)")
    e.add_argument("--points", type=int, default=100_000, help="points sampled on each mesh (100000)")
    e.add_argument("--threshold", type=float, default=0.01, help="F-score distance, a fraction of the diagonal")
    e.set_defaults(handler=run_evaluate)


def _weights(text: str, alpha: float):
    from ..problems.sdf import SDFWeights
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 4:
        raise TorchSirenError(f"--weights takes four numbers SDF,NORMAL,OFF,EIKONAL, got {text!r}")
    return SDFWeights(*values, alpha=alpha).validate()


def _load_mesh(path: str, what: str):
    import trimesh
    p = Path(path)
    if not p.is_file():
        raise TorchSirenError(f"{what}: no such file: {path}")
    try:
        mesh = trimesh.load(p, force="mesh")
    except Exception as exc:  # trimesh raises many kinds for a broken file
        raise TorchSirenError(f"{what}: cannot read {path} as a mesh: {exc}") from None
    if not isinstance(mesh, trimesh.Trimesh) or len(mesh.faces) == 0:
        raise TorchSirenError(f"{what}: {path} holds no triangles")
    return mesh


def sdf_problem(args: argparse.Namespace, device):
    """(SDFFitting, config.json settings, a label) from the sdf options."""
    from ..data.pointcloud import Normalisation, load_oriented_points, sample_mesh
    from ..data.shapes import SHAPES, shape_mesh
    from ..problems.sdf import SDFFitting
    positive_int("--points", args.points)
    positive_int("--resolution", args.resolution)
    resolution = args.resolution or (RESOLUTION_GPU if is_gpu(device) else RESOLUTION_CPU)
    if not 16 <= resolution <= 2048:
        raise TorchSirenError(f"--resolution must be in [16, 2048], got {resolution}")
    weights = _weights(args.weights, args.alpha)
    args.path = args.path or "part"
    is_file = Path(args.path).exists()
    with relayed_warnings():
        if not is_file and args.path in SHAPES:
            cloud = sample_mesh(shape_mesh(args.path), SURFACE_SAMPLES)
        elif not is_file:
            raise TorchSirenError(f"no such file: {args.path} (bundled shapes: {', '.join(SHAPES)})")
        else:
            cloud = load_oriented_points(args.path, SURFACE_SAMPLES, estimate=args.estimate_normals)
    reference = _load_mesh(args.reference, "--reference") if args.reference else cloud.mesh
    norm = Normalisation.fit(cloud.points, args.margin)
    points = args.points or (SDF_POINTS_GPU if is_gpu(device) else SDF_POINTS_CPU)
    problem = SDFFitting(norm.forward(cloud.points), cloud.normals, batch_size=points, weights=weights,
                         device=device, resolution=resolution, reference_mesh=reference, normalisation=norm,
                         keep_unsupported=args.keep_unsupported)
    settings = {"path": str(Path(args.path).resolve()) if is_file else args.path, "points": args.points,
                "margin": args.margin, "weights": args.weights, "alpha": args.alpha, "resolution": resolution,
                "reference": str(Path(args.reference).resolve()) if args.reference else None,
                "estimate_normals": args.estimate_normals, "keep_unsupported": args.keep_unsupported,
                "normalisation": norm.to_dict()}
    return problem, settings, f"{args.path} ({len(cloud.points)} oriented points)"


def run_sdf(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    config = train_config_from_args(args, SDF_STEPS_GPU if is_gpu(device) else SDF_STEPS_CPU)
    problem, settings, what = sdf_problem(args, device)
    spec = model_spec_from_args(args, 3, 1)
    return execute(args, problem, spec, config, device, settings, f"fitting a signed distance to {what}")


def run_mesh(args: argparse.Namespace) -> int:
    import time

    import torch
    from ..data.pointcloud import Normalisation
    from ..geometry.mesh import drop_unsupported, mesh_from_function
    from ..kernels.dispatch import float32_matmuls
    from ..runner import load_run
    from ..training import RunDir
    positive_int("--resolution", args.resolution)
    if not 16 <= args.resolution <= 4096:
        raise TorchSirenError(f"--resolution must be in [16, 4096], got {args.resolution}")
    if not args.lipschitz > 0:
        raise TorchSirenError(f"--lipschitz bounds |∇Φ| and must be positive, got {args.lipschitz}")
    run_dir = RunDir.open(args.run)
    cfg = run_dir.read_config()
    if cfg.get("task") != "fit-sdf":
        raise TorchSirenError(f"{run_dir.path} holds a {cfg.get('task')!r} run; mesh works on fit-sdf runs")
    out = Path(output_file(args.out, "--out", (".ply", ".obj"))) if args.out else \
        run_dir.file(f"mesh-{args.resolution}.ply")
    device = resolve_device(args.device)
    model, _ = load_run(run_dir.path, device)
    gpu = device.type == "cuda"
    if gpu:
        torch.cuda.reset_peak_memory_stats(device)
    precision = "tf32" if args.precision == "auto" else args.precision
    import trimesh  # noqa: F401 - loaded before the clock starts: the figure is the meshing's own time
    start = time.perf_counter()
    try:
        with float32_matmuls(precision):
            mesh = mesh_from_function(model, args.resolution, device=device, method=args.marching,
                                      lipschitz=args.lipschitz)
    except ValueError as exc:
        raise TorchSirenError(str(exc)) from None
    seconds = time.perf_counter() - start
    support = run_dir.file("support.npy")
    if not args.keep_unsupported and support.exists():
        from ..problems.sdf import support_distance
        mesh, _ = drop_unsupported(mesh, np.load(support), support_distance(args.resolution))
    mesh.vertices = Normalisation.from_dict(cfg["normalisation"]).inverse(np.asarray(mesh.vertices, np.float64))
    try:
        mesh.export(out)
    except OSError as exc:
        raise TorchSirenError(f"cannot write {out}: {exc.strerror or exc}") from None
    peak = f", peak GPU memory {torch.cuda.max_memory_allocated(device) / 2 ** 30:.2f} GiB" if gpu else ""
    matmuls = f", {precision} matmuls" if gpu else ""
    print(f"wrote {out} ({len(mesh.vertices)} vertices, {len(mesh.faces)} faces; {args.resolution}³ grid in "
          f"{seconds:.2f} s{matmuls}{peak})")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from ..geometry.metrics import mesh_metrics
    positive_int("--points", args.points)
    if not 0 < args.threshold < 1:
        raise TorchSirenError(f"--threshold is a fraction of the diagonal in (0, 1), got {args.threshold}")
    pred, reference = _load_mesh(args.pred, "PRED"), _load_mesh(args.reference, "GT")
    metrics = mesh_metrics(pred, reference, args.points, args.threshold)
    print(json.dumps({k: round(v, 6) if isinstance(v, float) else v for k, v in metrics.items()}))
    return 0
