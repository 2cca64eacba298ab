"""Reading users' videos: GIF, MP4, a folder of frames, a .npy array; clear errors for what is not a video."""
import imageio.v3 as iio
import numpy as np
import pytest

from torchsiren import TorchSirenError
from torchsiren.data.video import load_video, panning_video


@pytest.fixture
def clip():
    return panning_video(frames=6, size=24)


def test_gif_folder_and_npy_give_the_same_frames(tmp_path, clip):
    u8 = (clip * 255 + 0.5).astype(np.uint8)
    np.save(tmp_path / "v.npy", u8)
    (tmp_path / "frames").mkdir()
    for i, frame in enumerate(u8):
        iio.imwrite(tmp_path / "frames" / f"{i:03d}.png", frame)
    iio.imwrite(tmp_path / "v.gif", u8, duration=50, loop=0)
    exact = [load_video(tmp_path / "v.npy"), load_video(tmp_path / "frames")]
    for video in exact:
        assert video.shape == (6, 24, 24, 3) and np.abs(video - clip).max() < 1 / 255
    gif = load_video(tmp_path / "v.gif")  # a 256-colour palette: close, not exact
    assert gif.shape == (6, 24, 24, 3) and np.abs(gif - clip).mean() < 0.03
    small = load_video(tmp_path / "v.npy", frames=4, size=12)
    assert small.shape == (4, 12, 12, 3)


def test_an_mp4_written_by_the_report_reads_back(tmp_path, clip):
    """H.264 through imageio's ffmpeg plugin (the test extra installs it): odd sides padded, lossy but close."""
    pytest.importorskip("imageio_ffmpeg")
    from torchsiren.report.video import save_video
    odd = clip[:, :23, :21]
    save_video(tmp_path / "v.mp4", odd)
    video = load_video(tmp_path / "v.mp4")
    assert video.shape == (6, 24, 22, 3)  # one edge row and column added
    assert np.abs(video[:, :23, :21] - odd).mean() < 0.05
    assert load_video(tmp_path / "v.mp4", frames=3, size=12).shape == (3, 12, 11, 3)


def test_the_bundled_clip_moves_in_more_than_one_way(clip):
    assert clip.shape == (6, 24, 24, 3) and 0 <= clip.min() and clip.max() <= 1
    assert np.abs(np.diff(clip, axis=0)).mean() > 0.02  # frames change


def test_what_is_not_a_video_gets_a_clear_error(tmp_path, clip):
    np.save(tmp_path / "one.npy", clip[:1])
    (tmp_path / "mixed").mkdir()
    iio.imwrite(tmp_path / "mixed" / "a.png", (clip[0] * 255).astype(np.uint8))
    iio.imwrite(tmp_path / "mixed" / "b.png", (clip[1, :12] * 255).astype(np.uint8))
    (tmp_path / "broken.gif").write_bytes(b"GIF89a broken")
    np.save(tmp_path / "flat.npy", np.zeros(5))
    for path, message in [("one.npy", "at least 2"), ("mixed", "different sizes"), ("broken.gif", "cannot read"),
                          ("flat.npy", "shape"), ("missing.mp4", "no such file")]:
        with pytest.raises(TorchSirenError, match=message):
            load_video(tmp_path / path)
    np.save(tmp_path / "v.npy", clip)
    with pytest.raises(TorchSirenError, match="frames 9"):
        load_video(tmp_path / "v.npy", frames=9)
