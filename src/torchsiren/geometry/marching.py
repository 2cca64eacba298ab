"""Marching cubes as tensor operations, so that meshing runs where Φ is evaluated (a GPU) instead of block by block
on the CPU. The vertices are scikit-image's: one per grid edge that the level crosses, placed by linear
interpolation. The triangle table is built here from first principles: for each of the 256 sign patterns of a
cube, the crossing points on each face are joined into segments (on a face with four crossings the segments cut
off the corners below the level, the same rule seen from either side of the face, so neighbouring cubes agree and
the mesh is closed), the segments close into loops, and each loop becomes a fan of triangles facing up the field
(outward for a signed distance)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

CORNERS = np.array([[(i >> 0) & 1, (i >> 1) & 1, (i >> 2) & 1] for i in range(8)])  # corner i: (x, y, z) bits
EDGES = [(a, b) for a in range(8) for b in range(a + 1, 8) if np.abs(CORNERS[a] - CORNERS[b]).sum() == 1]
FACES = [[c for c in range(8) if CORNERS[c][axis] == side] for axis in range(3) for side in (0, 1)]


def _face_cycle(face: list[int]) -> list[int]:
    """The face's four corners in cyclic order."""
    a = face[0]
    rest = sorted(face[1:], key=lambda c: np.abs(CORNERS[c] - CORNERS[a]).sum())
    return [a, rest[0], rest[2], rest[1]]


def _edge(a: int, b: int) -> int:
    return EDGES.index((min(a, b), max(a, b)))


def _share_face(a: int, b: int) -> bool:
    corners = set(EDGES[a]) | set(EDGES[b])
    return any(corners <= set(face) for face in FACES)


def _apex_first(loop: list[int]) -> list[int]:
    """The loop rotated so that a fan from its first vertex draws no chord along a cube face (such a chord would
    also be drawn by the neighbouring cube, and the mesh would not be a surface there)."""
    for r in range(len(loop)):
        turned = loop[r:] + loop[:r]
        if not any(_share_face(turned[0], turned[i]) for i in range(2, len(turned) - 1)):
            return turned
    raise AssertionError(f"no fan without a face chord for the loop {loop}")


@lru_cache(maxsize=1)
def triangle_table() -> np.ndarray:
    """(256, 12, 3) int64: for each cube sign pattern (bit i set: corner i below the level), up to 12 triangles
    as edge indices (into EDGES), rows of −1 after the last."""
    table = np.full((256, 12, 3), -1, np.int64)
    for case in range(256):
        below = [(case >> c) & 1 for c in range(8)]
        links: dict[int, list[int]] = {}
        for face in FACES:
            cycle = _face_cycle(face)
            cut = [_edge(cycle[i], cycle[(i + 1) % 4]) for i in range(4) if below[cycle[i]] != below[cycle[(i + 1) % 4]]]
            if len(cut) == 2:
                pairs = [cut]
            elif len(cut) == 4:  # ambiguous face: cut off each corner below the level
                pairs = []
                for i in range(4):
                    if below[cycle[i]]:
                        pairs.append([_edge(cycle[i - 1], cycle[i]), _edge(cycle[i], cycle[(i + 1) % 4])])
            else:
                pairs = []
            for a, b in pairs:
                links.setdefault(a, []).append(b)
                links.setdefault(b, []).append(a)
        triangles, seen = [], set()
        for start in links:
            if start in seen:
                continue
            loop, previous, current = [start], None, start
            while True:
                seen.add(current)
                step = next(e for e in links[current] if e != previous)  # every crossing has two neighbours
                if step == start:
                    break
                previous, current = current, step
                loop.append(current)
            # orient the fan so that its normal points from the corners below the level to those above
            mid = np.array([CORNERS[a] + CORNERS[b] for a, b in (EDGES[e] for e in loop)], float) / 2
            up = sum((CORNERS[b] - CORNERS[a]) * (1 if below[a] else -1) for a, b in (EDGES[e] for e in loop))
            normal = sum(np.cross(mid[i] - mid[0], mid[i + 1] - mid[0]) for i in range(1, len(loop) - 1))
            if np.dot(normal, up) < 0:
                loop = loop[::-1]
            loop = _apex_first(loop)
            triangles += [(loop[0], loop[i], loop[i + 1]) for i in range(1, len(loop) - 1)]
        if triangles:
            table[case, :len(triangles)] = triangles
    return table


def march_blocks(values: torch.Tensor, corners: torch.Tensor, sizes: torch.Tensor, resolution: int,
                 level: float = 0.0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Marching cubes over blocks of one resolution³ grid: values (B, n+1, n+1, n+1) at the grid points of
    blocks of n³ cells whose first point is corners (B, 3) (grid indices) and whose own cells number sizes (B, 3)
    (cells past a block's size are ignored). Returns each vertex's grid edge as a key (V,) (the same edge has
    the same key in any block, see merge), vertices (V, 3) in grid units, and faces (F, 3)."""
    device = values.device
    b, n = values.shape[0], values.shape[1] - 1
    below = values < level
    offsets = torch.as_tensor(CORNERS, device=device)
    cell = torch.stack(torch.meshgrid(*(torch.arange(n, device=device),) * 3, indexing="ij"), -1)  # (n, n, n, 3)
    inside = (cell[None] < sizes[:, None, None, None, :]).all(-1)  # (B, n, n, n): cells of the block
    case = torch.zeros(b, n, n, n, dtype=torch.long, device=device)
    for i, (x, y, z) in enumerate(CORNERS):
        case |= below[:, x:x + n, y:y + n, z:z + n].long() << i
    active = inside & (case > 0) & (case < 255)
    blk, ci, cj, ck = active.nonzero(as_tuple=True)
    tris = torch.as_tensor(triangle_table(), device=device)[case[blk, ci, cj, ck]]  # (C, 12, 3) edges
    keep = tris[..., 0] >= 0
    owner = torch.arange(len(blk), device=device)[:, None].expand(-1, 12)[keep]  # (T,) cell of each triangle
    edges = tris[keep]  # (T, 3)
    ends = torch.as_tensor(EDGES, device=device)  # (12, 2) corner indices
    local = torch.stack([ci, cj, ck], -1)[owner]  # (T, 3) cell within its block
    base = corners[blk[owner]] + local  # (T, 3) cell's first grid point
    p0 = base[:, None, :] + offsets[ends[edges, 0]]  # (T, 3, 3) grid points at each edge's ends
    p1 = base[:, None, :] + offsets[ends[edges, 1]]
    axis = (p1 - p0).argmax(-1)  # (T, 3) the edge's axis
    key = ((p0[..., 0] * resolution + p0[..., 1]) * resolution + p0[..., 2]) * 3 + axis
    unique, index = torch.unique(key.reshape(-1), return_inverse=True)
    # one vertex per edge: interpolate between the edge's two grid values (read from the block that owns it)
    first = torch.zeros(len(unique), dtype=torch.long, device=device).scatter_(
        0, index, torch.arange(len(index), device=device))
    t_local = local[:, None, :] + offsets[ends[edges, 0]]
    u_local = local[:, None, :] + offsets[ends[edges, 1]]
    blocks = blk[owner][:, None].expand(-1, 3)
    v0 = values[blocks, t_local[..., 0], t_local[..., 1], t_local[..., 2]].reshape(-1)[first]
    v1 = values[blocks, u_local[..., 0], u_local[..., 1], u_local[..., 2]].reshape(-1)[first]
    a, c = p0.reshape(-1, 3)[first].to(values.dtype), p1.reshape(-1, 3)[first].to(values.dtype)
    t = ((level - v0) / (v1 - v0)).clamp(0, 1)[:, None]
    return unique, a + t * (c - a), index.reshape(-1, 3).int()  # int32: a block group has < 2³¹ vertices


def _cat_and_free(tensors: list[torch.Tensor]) -> torch.Tensor:
    out = torch.cat(tensors)
    tensors.clear()
    return out


def merge(parts: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, torch.Tensor]:
    """One mesh from march_blocks' results for several groups of blocks: a vertex per grid edge. Empties `parts`
    as it goes, so that the pieces and the whole are not held at once."""
    offsets = np.cumsum([0] + [len(k) for k, _, _ in parts[:-1]])
    pieces = [list(kind) for kind in zip(*parts)]  # keys, vertices, faces
    parts.clear()
    for f, o in zip(pieces[2], offsets):
        f.add_(int(o))  # int32 while V < 2³¹
    keys, verts, faces = (_cat_and_free(kind) for kind in pieces)
    unique, index = torch.unique(keys, return_inverse=True)
    del keys
    first = torch.zeros(len(unique), dtype=torch.long, device=index.device).scatter_(
        0, index, torch.arange(len(index), device=index.device))
    return verts[first], index.int()[faces]
