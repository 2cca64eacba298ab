"""Reading users' files and the bundled samples; coordinate grids."""
from .grid import grid, grid_chunks
from .image import IMAGE_SUFFIXES, astronaut, cameraman, load_image, resize_longer_side, save_image, to_float

__all__ = ["grid", "grid_chunks", "IMAGE_SUFFIXES", "astronaut", "cameraman", "load_image", "resize_longer_side",
           "save_image", "to_float"]
