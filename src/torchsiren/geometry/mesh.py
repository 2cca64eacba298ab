"""Meshes from signed distances on [−1, 1]³: marching cubes (scikit-image) over a resolution³ grid, dense or by
blocks near the surface only.

Dense: the whole grid in chunks (memory: 4 bytes a grid point; 512³ is 0.5 GB). Blocks: a coarse pass evaluates
the centre of every block of 32³ cells and keeps the blocks whose |Φ(centre)| is below `lipschitz` times the
block's half diagonal, plus one cell (a surface could pass through them if |∇Φ| stays below `lipschitz`: 1 for
an exact signed distance); the kept ones are split into blocks of 8³ cells and tested the same way; only the
blocks left are evaluated at full resolution and marched, so memory and time grow with the surface, not the
volume: all at once as tensor operations where Φ is evaluated (geometry/marching.py), or by scikit-image block
by block. Neighbouring blocks share their boundary samples, so the pieces join into one mesh (one vertex per
crossed grid edge)."""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from ..data.grid import grid_chunks

Values = Callable[[torch.Tensor], torch.Tensor]  # (M, 3) points -> (M,) or (M, 1) signed distances
BLOCKS = (32, 8)  # cells per block side: the coarse pass, then the blocks that are marched
LIPSCHITZ = 1.25  # the bound on |∇Φ| blocks are kept by: fitted SDFs measure 1.0 (median) near their surface,
# and their meshes at 1.25 equal the dense grid's (docs/results.md, Meshing)
METHODS = ("torch", "skimage")


def _as_torch(fn) -> Values:
    """A NumPy signed distance (analytic shapes) as a function of tensors."""
    def run(points: torch.Tensor) -> torch.Tensor:
        return torch.as_tensor(np.asarray(fn(points.cpu().numpy()), np.float32))
    return run


def grid_values(fn: Values, resolution: int, chunk: int = 1 << 18, device: torch.device | str = "cpu") -> np.ndarray:
    """Φ on every point of the resolution³ grid over [−1, 1]³ (index i -> 2i/(R−1) − 1), (R, R, R) float32."""
    out = np.empty(resolution ** 3, np.float32)
    at = 0
    with torch.no_grad():
        for points in grid_chunks((resolution,) * 3, chunk, device=device):
            v = fn(points).reshape(-1).float().cpu().numpy()
            out[at:at + v.size] = v
            at += v.size
    return out.reshape((resolution,) * 3)


def _march(volume: np.ndarray, level: float, spacing: float, origin: np.ndarray):
    from skimage.measure import marching_cubes
    if not volume.min() <= level <= volume.max() or volume.min() == volume.max():
        return np.zeros((0, 3), np.float32), np.zeros((0, 3), np.int64)
    verts, faces, _, _ = marching_cubes(volume, level=level, spacing=(spacing,) * 3)
    return verts.astype(np.float64) + origin, faces.astype(np.int64)


def _mesh(verts: np.ndarray, faces: np.ndarray):
    import trimesh
    if len(faces) == 0:
        raise ValueError("Φ has no zero crossing on the grid: there is no surface to mesh (is the model trained, "
                         "and does the shape lie inside [-1, 1]³?)")
    return trimesh.Trimesh(verts, faces, process=False)  # as marched: merging close vertices would break it


def _join(verts: np.ndarray, faces: np.ndarray, on_seam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One vertex for the copies that neighbouring blocks made of a point on their shared face (`on_seam`);
    vertices inside a block are kept as marched."""
    key = np.round(verts.astype(np.float64) * (1 << 20)).astype(np.int64)
    key[~on_seam] = np.arange(int((~on_seam).sum()))[:, None] - (1 << 62)  # unique, never equal to a seam key
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    return verts[first], inverse.reshape(-1)[faces]


def mesh_dense(fn: Values, resolution: int, level: float = 0.0, chunk: int = 1 << 18,
               device: torch.device | str = "cpu"):
    """Marching cubes of Φ on the whole resolution³ grid: a trimesh.Trimesh in [−1, 1]³, normals outward."""
    volume = grid_values(fn, resolution, chunk, device)
    verts, faces = _march(volume, level, 2.0 / (resolution - 1), np.full(3, -1.0))
    return _mesh(verts.astype(np.float32), faces)


def _near(fn: Values, corner: np.ndarray, size: np.ndarray, h: float, level: float, lipschitz: float, chunk: int,
          device) -> np.ndarray:
    """Which blocks (corner, size: (B, 3) in cells) a surface could pass through: |Φ(centre) − level| within
    `lipschitz` times the half diagonal (and one cell more)."""
    centres = torch.as_tensor(-1 + h * (corner + size / 2), dtype=torch.float32, device=device)
    with torch.no_grad():
        near = torch.cat([fn(c).reshape(-1).float().cpu() for c in centres.split(chunk)]).numpy()
    return np.abs(near - level) < lipschitz * h * np.linalg.norm(size, axis=1) / 2 + h


def mesh_blocks(fn: Values, resolution: int, level: float = 0.0, blocks: tuple[int, ...] = BLOCKS,
                lipschitz: float = LIPSCHITZ, chunk: int = 1 << 18, device: torch.device | str = "cpu",
                method: str = "torch"):
    """Marching cubes of Φ on the resolution³ grid, evaluated only in blocks near the surface (module doc):
    blocks of blocks[0] cells, the kept ones split into blocks[1], and so on; the last are marched all at once
    as tensor operations where Φ was evaluated (`method="torch"`, geometry/marching.py), or by scikit-image one
    block at a time (`"skimage"`): the same vertices, a closed surface; torch is the faster on a CPU and on a GPU
    (docs/results.md)."""
    if method not in METHODS:
        raise ValueError(f"method is torch or skimage, got {method!r}")
    if not lipschitz > 0:
        raise ValueError(f"lipschitz bounds |∇Φ| and must be positive, got {lipschitz}")
    h = 2.0 / (resolution - 1)
    cells = resolution - 1
    starts = np.arange(0, cells, blocks[0])
    corner = np.stack(np.meshgrid(starts, starts, starts, indexing="ij"), -1).reshape(-1, 3)
    size = np.minimum(corner + blocks[0], cells) - corner  # cells per axis of each block
    keep = _near(fn, corner, size, h, level, lipschitz, chunk, device)
    corner, size = corner[keep], size[keep]
    for parent, block in zip(blocks, blocks[1:]):
        steps = np.arange(0, parent, block)
        sub = np.stack(np.meshgrid(steps, steps, steps, indexing="ij"), -1).reshape(-1, 3)
        end = (corner + size)[:, None, :]
        child = corner[:, None, :] + sub[None]
        inside = (child < end).all(-1)
        child_size = np.minimum(child + block, end) - child
        corner, size = child[inside], child_size[inside]
        keep = _near(fn, corner, size, h, level, lipschitz, chunk, device)
        corner, size = corner[keep], size[keep]
    block = blocks[-1]
    offsets = np.stack(np.meshgrid(*(np.arange(block + 1),) * 3, indexing="ij"), -1).reshape(-1, 3)
    if method == "torch":
        return _march_on_device(fn, corner, size, offsets, block, resolution, level, chunk, device)
    verts, faces, seams, count = [], [], [], 0
    per_call = max(1, chunk // len(offsets))
    with torch.no_grad():
        for group in np.array_split(np.arange(len(corner)), max(1, math.ceil(len(corner) / per_call))):
            if len(group) == 0:
                continue
            index = np.minimum(corner[group, None, :] + offsets[None], cells)  # clamped: edge blocks repeat
            points = torch.as_tensor(-1 + h * index.reshape(-1, 3), dtype=torch.float32, device=device)
            values = fn(points).reshape(len(group), block + 1, block + 1, block + 1).float().cpu().numpy()
            for b, vol in zip(group, values):
                n = size[b] + 1
                v, f = _march(vol[:n[0], :n[1], :n[2]], level, 1.0, corner[b].astype(np.float64))  # grid units
                seams.append(((v == corner[b]) | (v == corner[b] + size[b])).any(1))
                verts.append(v)
                faces.append(f + count)
                count += len(v)
    if not faces:
        return _mesh(np.zeros((0, 3), np.float32), np.zeros((0, 3), np.int64))
    v, f = _join(np.concatenate(verts), np.concatenate(faces), np.concatenate(seams))
    return _mesh((-1 + h * v).astype(np.float32), f)


def _march_on_device(fn: Values, corner: np.ndarray, size: np.ndarray, offsets: np.ndarray, block: int,
                     resolution: int, level: float, chunk: int, device):
    """mesh_blocks' last stage with marching cubes as tensor operations on `device` (geometry/marching.py)."""
    from .marching import march_blocks, merge
    cells, h = resolution - 1, 2.0 / (resolution - 1)
    corner_t = torch.as_tensor(corner, device=device)
    size_t = torch.as_tensor(size, device=device)
    offsets_t = torch.as_tensor(offsets, device=device)
    gpu = torch.device(device).type == "cuda"
    per_call = max(1, chunk * (16 if gpu else 1) // len(offsets))  # blocks marched at once: fewer launches on a GPU
    parts = []
    with torch.no_grad():
        for start in range(0, len(corner), per_call):
            c = corner_t[start:start + per_call]
            index = torch.minimum(c[:, None, :] + offsets_t[None], torch.tensor(cells, device=device))
            points = (-1 + h * index.reshape(-1, 3)).float()
            values = torch.cat([fn(p).reshape(-1).to(device) for p in points.split(chunk)])
            values = values.reshape(len(c), *(block + 1,) * 3)
            part = march_blocks(values.float(), c, size_t[start:start + per_call], resolution, level)
            if len(part[0]):
                parts.append(part)
    if not parts:
        return _mesh(np.zeros((0, 3), np.float32), np.zeros((0, 3), np.int64))
    verts, faces = merge(parts)
    return _mesh((-1 + h * verts).float().cpu().numpy(), faces.long().cpu().numpy())


def mesh_from_function(fn, resolution: int, level: float = 0.0, device: torch.device | str = "cpu",
                       dense_up_to: int = 128, method: str = "torch", **kwargs):
    """A mesh of a signed distance (an nn.Module of (M, 3) points, or a NumPy function): dense grids up to
    `dense_up_to` (scikit-image), blocks near the surface above (mesh_blocks and its `method`)."""
    if resolution < 16:
        raise ValueError(f"resolution must be at least 16, got {resolution}")
    values = fn if isinstance(fn, torch.nn.Module) else _as_torch(fn)
    if resolution <= dense_up_to:
        return mesh_dense(values, resolution, level, device=device)
    return mesh_blocks(values, resolution, level, device=device, method=method, **kwargs)


def drop_unsupported(mesh, points: np.ndarray, distance: float, sample: int = 2000):
    """The mesh without its connected pieces that no input point supports (the median distance from a piece's
    faces to the nearest of `points` above `distance`, over up to `sample` of its faces drawn at random): stray
    surfaces a fit leaves far from its data. Returns (mesh, pieces dropped)."""
    import trimesh
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree
    faces = np.asarray(mesh.faces)
    if len(faces) == 0:
        return mesh, 0
    edges = np.concatenate([faces[:, :2], faces[:, 1:]])  # pieces: vertices joined by the faces' edges
    graph = coo_matrix((np.ones(len(edges), np.int8), (edges[:, 0], edges[:, 1])), shape=(len(mesh.vertices),) * 2)
    _, by_vertex = connected_components(graph, directed=False)
    _, labels = np.unique(by_vertex[faces[:, 0]], return_inverse=True)  # a piece per face, numbered 0..count-1
    count = int(labels.max()) + 1
    if count <= 1:
        return mesh, 0
    sizes = np.bincount(labels, minlength=count)
    order = np.random.default_rng(0).permutation(len(faces))
    order = order[np.argsort(labels[order], kind="stable")]  # each piece's faces together, in random order
    picked = order[np.arange(len(faces)) - np.repeat(np.cumsum(sizes) - sizes, sizes) < sample]
    vertices = np.asarray(mesh.vertices)[faces[picked]].reshape(-1, 3)
    near = cKDTree(points).query(vertices, workers=-1)[0].reshape(-1, 3).mean(1)  # per picked face
    piece, taken = labels[picked], np.minimum(sizes, sample)
    ranked = near[np.lexsort((near, piece))]
    median = ranked[np.cumsum(taken) - taken + taken // 2]
    keep = median[labels] <= distance
    if not keep.any():
        return mesh, 0
    kept = trimesh.Trimesh(mesh.vertices, faces[keep], process=False)
    kept.remove_unreferenced_vertices()
    return kept, int((median > distance).sum())
