"""Writing a run folder's pictures, plots and index.html."""
from .html import write_index
from .image import image_derivatives, network_derivatives, to_display, write_image_report
from .plots import plot_history

__all__ = ["write_index", "image_derivatives", "network_derivatives", "to_display", "write_image_report",
           "plot_history"]
