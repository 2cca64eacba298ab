import imageio.v3 as iio
import numpy as np
import pytest

from torchsiren import TorchSirenError
from torchsiren.data import astronaut, cameraman, load_image, resize_longer_side


def test_bundled_images_are_scikit_images():
    """Read without skimage.io, they equal what skimage.data gives (and the loader's fallback is that)."""
    from skimage import data
    img = cameraman()
    assert img.shape == (512, 512, 1) and img.dtype == np.float32 and 0 <= img.min() < img.max() <= 1
    np.testing.assert_array_equal(img[..., 0], data.camera() / np.float32(255))
    np.testing.assert_array_equal(astronaut(), data.astronaut() / np.float32(255))


@pytest.mark.parametrize("dtype,maxval", [(np.uint8, 255), (np.uint16, 65535)])
def test_gray_and_rgb_png_8_and_16_bit(tmp_path, dtype, maxval):
    rng = np.random.default_rng(0)
    gray = rng.integers(0, maxval + 1, (9, 13), dtype=dtype)
    rgb = rng.integers(0, maxval + 1, (9, 13, 3), dtype=dtype)
    iio.imwrite(tmp_path / "g.png", gray)
    rgb_name = "c.png" if dtype == np.uint8 else "c.tif"  # Pillow writes no 16-bit RGB PNG; TIFF then
    iio.imwrite(tmp_path / rgb_name, rgb)
    g, c = load_image(tmp_path / "g.png"), load_image(tmp_path / rgb_name)
    assert g.shape == (9, 13, 1) and c.shape == (9, 13, 3)
    np.testing.assert_allclose(g[..., 0], gray / maxval, atol=1e-6)
    np.testing.assert_allclose(c, rgb / maxval, atol=1e-6)


def test_rgba_jpeg_and_tiff(tmp_path):
    rgba = np.random.default_rng(1).integers(0, 256, (8, 8, 4), dtype=np.uint8)
    iio.imwrite(tmp_path / "a.png", rgba)
    assert load_image(tmp_path / "a.png").shape == (8, 8, 3)
    iio.imwrite(tmp_path / "j.jpg", rgba[..., :3])
    assert load_image(tmp_path / "j.jpg").shape == (8, 8, 3)
    iio.imwrite(tmp_path / "t.tif", np.linspace(0, 1, 64, dtype=np.float32).reshape(8, 8))
    np.testing.assert_allclose(load_image(tmp_path / "t.tif")[0, :, 0], np.linspace(0, 1, 64)[:8], atol=1e-6)


def test_bad_files_give_clear_errors(tmp_path):
    with pytest.raises(TorchSirenError, match="no such file"):
        load_image(tmp_path / "missing.png")
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(TorchSirenError, match="empty"):
        load_image(tmp_path / "empty.png")
    (tmp_path / "text.png").write_text("this is not an image")
    with pytest.raises(TorchSirenError, match="not a readable image"):
        load_image(tmp_path / "text.png")
    nan = np.ones((4, 4), np.float32)
    nan[1, 1] = np.nan
    iio.imwrite(tmp_path / "nan.tif", nan)
    with pytest.raises(TorchSirenError, match="NaN"):
        load_image(tmp_path / "nan.tif")
    with pytest.raises(TorchSirenError, match="folder"):
        load_image(tmp_path)


def test_resize_keeps_aspect_ratio():
    img = np.random.default_rng(0).random((40, 100, 3)).astype(np.float32)
    out = resize_longer_side(img, 50)
    assert out.shape == (20, 50, 3) and 0 <= out.min() and out.max() <= 1
