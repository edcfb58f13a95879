"""A picture (canvas RGBA array or uploaded file) becomes one model input."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from playground.errors import SpecError
from playground.inspection.input_images import (
    bright_background,
    image_to_input,
    is_blank,
    load_image_bytes,
)


def _canvas(background_alpha: int) -> np.ndarray:
    """A synthetic 192×192 RGBA canvas: black background, a white square at the top left."""
    img = np.zeros((192, 192, 4), np.uint8)
    img[..., 3] = background_alpha
    img[24:72, 24:72] = (255, 255, 255, 255)
    return img


@pytest.mark.parametrize("alpha", [255, 0])  # opaque black or transparent background
def test_a_drawn_square_lands_in_the_matching_pixels(alpha):
    x = image_to_input(_canvas(alpha), (1, 16, 16))
    assert x.shape == (1, 16, 16) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    # 192 → 16 is 12 px per pixel: the square covers pixels 2..5 in both directions
    assert x[0, 2:6, 2:6].min() > 0.99
    assert x[0, 8:, :].max() == 0.0 and x[0, :, 8:].max() == 0.0
    assert not is_blank(x)


def test_an_empty_canvas_is_blank():
    assert is_blank(image_to_input(_canvas(0)[..., :] * 0, (1, 8, 8)))


def test_png_bytes_of_dark_ink_on_white_paper_are_inverted_automatically():
    paper = np.full((64, 64), 255, np.uint8)
    paper[16:48, 24:40] = 0  # a dark bar: pixels 3 and 4 of the 8×8 result, rows 2..5
    buf = io.BytesIO()
    Image.fromarray(paper, "L").save(buf, format="PNG")
    x = image_to_input(buf.getvalue(), (1, 8, 8))
    assert x.shape == (1, 8, 8)
    assert x[0, 3, 3:5].min() > 0.99  # the stroke became bright ink
    assert x[0, 0, 0] == 0.0  # the paper became the dark background
    kept = image_to_input(buf.getvalue(), (1, 8, 8), invert=False)
    assert kept[0, 0, 0] == 1.0


def test_rgb_colour_is_converted_to_grayscale_and_repeated_for_three_channels():
    rgb = np.zeros((32, 32, 3), np.uint8)
    rgb[:, :16] = (255, 0, 0)
    x = image_to_input(rgb, (3, 4, 4), invert=False)
    assert x.shape == (3, 4, 4)
    np.testing.assert_allclose(x[:, :, :2], 0.299, atol=0.01)  # luma of pure red
    np.testing.assert_array_equal(x[0], x[2])


def test_bad_bytes_and_wrong_datasets_give_clear_errors():
    with pytest.raises(SpecError, match="could not be read as an image"):
        load_image_bytes(b"not an image")
    with pytest.raises(SpecError, match="image datasets"):
        image_to_input(_canvas(255), (13,))


def test_bright_background_reads_the_border():
    img = np.zeros((10, 10), np.float32)
    assert not bright_background(img)
    assert bright_background(1 - img)


def test_picture_bombs_are_refused_from_the_header_alone():
    """A 20000×20000 PNG raised Pillow's DecompressionBombError uncaught; a 10000×8900 one
    was decoded whole on every rerun. Both are refused before a pixel is decoded."""
    import io

    import pytest
    from PIL import Image

    from playground.errors import SpecError
    from playground.inspection.input_images import load_image_bytes

    for size in ((20000, 20000), (10000, 8900)):
        buf = io.BytesIO()
        Image.new("L", size).save(buf, "PNG")
        with pytest.raises(SpecError, match="megapixels"):
            load_image_bytes(buf.getvalue())
    buf = io.BytesIO()
    Image.new("RGB", (3000, 2000), "white").save(buf, "JPEG")
    assert max(load_image_bytes(buf.getvalue()).shape[:2]) <= 512  # shrunk once, early
