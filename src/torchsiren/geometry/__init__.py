"""Meshes from signed distances (marching cubes, dense or near the surface only) and how close two meshes are."""
