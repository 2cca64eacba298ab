"""Reading users' files and the bundled samples; coordinate grids."""
from .collection import bundled_faces, bundled_patches, load_folder
from .grid import grid, grid_chunks
from .image import IMAGE_SUFFIXES, astronaut, cameraman, load_image, resize_longer_side, save_image, to_float

__all__ = ["bundled_faces", "bundled_patches", "load_folder", "grid", "grid_chunks", "IMAGE_SUFFIXES", "astronaut", "cameraman", "load_image", "resize_longer_side",
           "save_image", "to_float"]
