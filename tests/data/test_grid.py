import torch

from torchsiren.data import grid, grid_chunks


def test_grid_conventions_endpoint_inclusive_row_major_first_is_row():
    g = grid((3, 5))
    assert g.shape == (15, 2)
    assert g[0].tolist() == [-1.0, -1.0] and g[-1].tolist() == [1.0, 1.0]
    # row-major: the second coordinate (column) varies fastest
    assert g[1].tolist() == [-1.0, -0.5]
    assert g[5].tolist() == [0.0, -1.0]
    # index i -> 2i/(N-1) - 1
    torch.testing.assert_close(g.reshape(3, 5, 2)[:, 0, 0], torch.tensor([-1.0, 0.0, 1.0]))


def test_grid_any_dimension_and_chunks_agree():
    full = grid((4, 3, 5))
    assert full.shape == (60, 3)
    chunks = torch.cat(list(grid_chunks((4, 3, 5), 7)))
    torch.testing.assert_close(chunks, full)
    assert grid((7,)).shape == (7, 1)
