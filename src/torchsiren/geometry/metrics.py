"""How close a mesh is to a reference mesh, from points sampled on both (area-weighted, with face normals):

- chamfer_l1: mean of accuracy (pred → reference) and completeness (reference → pred) distances, the
  occupancy-networks convention; chamfer_l2: the same with squared distances. Both divided by the reference's
  bounding-box diagonal (squared for L2).
- normal_consistency: mean |cos| between each point's normal and its nearest neighbour's, both ways.
- fscore: harmonic mean of precision and recall at a distance of `threshold` × the diagonal (1% by default).
- iou: volumetric IoU of the solids, from voxel grids filled inside each surface (watertight meshes; an open one
  has no inside and scores low)."""
from __future__ import annotations

import numpy as np


def sample_surface(mesh, count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`count` points area-weighted on the mesh's faces and the faces' unit normals: (count, 3) each."""
    import trimesh
    points, faces = trimesh.sample.sample_surface(mesh, count, seed=seed)
    return np.asarray(points, np.float64), np.asarray(mesh.face_normals[faces], np.float64)


def _solid(mesh, low: np.ndarray, step: float, shape: tuple[int, int, int]) -> np.ndarray:
    """Voxels (shape) inside the mesh: the voxels its surface passes through, with every enclosed cavity filled."""
    from scipy.ndimage import binary_fill_holes
    per_voxel = 16  # points per voxel the surface crosses: no gap in the shell for the filling to leak through
    points, _ = sample_surface(mesh, int(min(max(per_voxel * mesh.area / step ** 2, 100_000), 5e6)), seed=1)
    index = np.clip(((points - low) / step).astype(int), 0, np.array(shape) - 1)
    occupied = np.zeros(shape, bool)
    occupied[tuple(index.T)] = True
    return binary_fill_holes(occupied)


def mesh_metrics(pred, reference, count: int = 100_000, threshold: float = 0.01, iou_resolution: int = 128) -> dict:
    """The figures of the module doc for trimesh meshes `pred` and `reference` (in the same coordinates)."""
    from scipy.spatial import cKDTree
    if len(pred.faces) == 0 or len(reference.faces) == 0:
        raise ValueError("both meshes need at least one face")
    diag = float(np.linalg.norm(reference.bounds[1] - reference.bounds[0]))
    p, pn = sample_surface(pred, count, seed=0)
    r, rn = sample_surface(reference, count, seed=1)
    to_ref, i = cKDTree(r).query(p, workers=-1)
    to_pred, j = cKDTree(p).query(r, workers=-1)
    accuracy, completeness = to_ref / diag, to_pred / diag
    precision, recall = float((accuracy < threshold).mean()), float((completeness < threshold).mean())
    normals = 0.5 * (np.abs((pn * rn[i]).sum(1)).mean() + np.abs((rn * pn[j]).sum(1)).mean())
    low = np.minimum(pred.bounds[0], reference.bounds[0])
    step = float((np.maximum(pred.bounds[1], reference.bounds[1]) - low).max()) / iou_resolution * 1.0001
    shape = tuple(int(np.ceil(s)) for s in (np.maximum(pred.bounds[1], reference.bounds[1]) - low) / step)
    a, b = _solid(pred, low, step, shape), _solid(reference, low, step, shape)
    return {"chamfer_l1": float(0.5 * (accuracy.mean() + completeness.mean())),
            "chamfer_l2": float(0.5 * ((accuracy ** 2).mean() + (completeness ** 2).mean())),
            "normal_consistency": float(normals),
            "fscore": 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall),
            "precision": precision, "recall": recall, "threshold": threshold,
            "iou": float((a & b).sum() / max((a | b).sum(), 1)), "diagonal": diag, "points": count}
